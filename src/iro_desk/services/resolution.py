"""Issues Resolution: the IRO's escalation when a child's plan drifts.

Stages (``rules.codes.RESOLUTION_STAGES``): 0 informal (IRO case note) -> 1 Team Manager
-> 2 Service Manager -> 3 Head of Service -> 4 Director. Each stage is due N working days
(a local *setting*, 20 by default) after it starts. A referral to Cafcass is possible at
any point when the child's human rights may be breached.

The stage history is append-only: escalating ends the current stage row (its ``ended``
date) and adds a new row; nothing said at an earlier stage is rewritten.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from iro_desk.db.models import Child, ComplianceItem, Iro, ResolutionCase, ResolutionStage
from iro_desk.rules import clocks
from iro_desk.rules.codes import COMPLIANCE_ITEMS, MEETING_KIND_LABELS, RESOLUTION_STAGES
from iro_desk.services.audit import add_new, change
from iro_desk.services.children import child_by_ref, display_name
from iro_desk.services.compliance import get_form
from iro_desk.services.context import Ctx
from iro_desk.services.errors import InvalidInput, NotFound
from iro_desk.services.iros import find_iro
from iro_desk.services.validate import Checker

__all__ = [
    "CaseStatus",
    "CaseDetail",
    "CaseSummary",
    "StageView",
    "case_detail",
    "cases_for_child",
    "escalate",
    "open_cases",
    "raise_case",
    "raise_from_form",
    "refer_to_cafcass",
    "resolve",
]


class CaseStatus(StrEnum):
    """A resolution case's status; the values are what the database stores."""

    OPEN = "open"
    RESOLVED = "resolved"
    CAFCASS = "cafcass"


OPEN, RESOLVED, CAFCASS = CaseStatus.OPEN, CaseStatus.RESOLVED, CaseStatus.CAFCASS
FIRST_STAGE = min(RESOLUTION_STAGES)
LAST_STAGE = max(RESOLUTION_STAGES)


def _get_case(session: Session, case_id: uuid.UUID) -> ResolutionCase:
    case = session.get(ResolutionCase, case_id)
    if case is None:
        raise NotFound.one("case", f"no resolution case {case_id}")
    return case


def _stages(session: Session, case_id: uuid.UUID) -> list[ResolutionStage]:
    return list(
        session.scalars(
            select(ResolutionStage)
            .where(ResolutionStage.case_id == case_id)
            .order_by(ResolutionStage.stage, ResolutionStage.started)
        )
    )


def _current_stage(session: Session, case: ResolutionCase) -> ResolutionStage:
    """The stage an open case is at (its one unended stage row)."""
    if case.status != OPEN:
        when = case.resolved_date if case.status == RESOLVED else case.cafcass_referred
        raise InvalidInput.one("case", f"the case is closed ({case.status} on {when})")
    stage = session.scalars(
        select(ResolutionStage)
        .where(ResolutionStage.case_id == case.id, ResolutionStage.ended.is_(None))
        .order_by(ResolutionStage.stage.desc())
    ).first()
    assert stage is not None, "an open case always has an unended stage"
    return stage


def _stage_due(started: date, ctx: Ctx) -> date:
    return clocks.resolution_stage_due(started, ctx.calendar, ctx.ts)


# --- writes ----------------------------------------------------------------------------


def raise_case(
    session: Session,
    ctx: Ctx,
    *,
    child_ref: str,
    iro_name: str,
    issue: str,
    raised: date,
    stage: int = FIRST_STAGE,
    holder: str = "",
    compliance_form_id: uuid.UUID | None = None,
) -> ResolutionCase:
    """Open a case at ``stage`` (0 informal by default) with its first stage row.

    A formal stage (1-4) names who holds it (the Team Manager, Service Manager...).
    """
    check = Checker()
    issue = check.text("issue", issue, required=True)
    holder = check.text("holder", holder, max_len=100, one_line=True)
    if check.require(stage in RESOLUTION_STAGES, "stage", f"{stage!r} is not a stage (0 to 4)"):
        check.require(
            stage == FIRST_STAGE or bool(holder),
            "holder",
            f"is required at {RESOLUTION_STAGES[stage]} (who holds the issue)",
        )
    check.not_future("raised", raised, ctx.today)
    check.done()
    child = child_by_ref(session, child_ref, field="child_ref")
    iro = find_iro(session, iro_name, field="iro_name")
    if compliance_form_id is not None:
        form = get_form(session, compliance_form_id, field="compliance_form_id")
        if form.child_id != child.id:
            raise InvalidInput.one("compliance_form_id", f"that form is not about {child.ref}")
    case = ResolutionCase(
        child_id=child.id,
        raised_by_iro_id=iro.id,
        compliance_form_id=compliance_form_id,
        issue=issue,
        raised_date=raised,
        status=OPEN,
    )
    add_new(session, ctx, case, "resolution.raise", child=child.ref, stage=stage, raised=raised)
    session.flush()
    first = ResolutionStage(
        case_id=case.id, stage=stage, holder=holder, started=raised, due=_stage_due(raised, ctx)
    )
    add_new(session, ctx, first, "resolution.stage", stage=stage, holder=holder, due=first.due)
    session.flush()
    return case


def raise_from_form(
    session: Session,
    ctx: Ctx,
    form_id: uuid.UUID,
    *,
    raised: date,
    stage: int = 1,
    holder: str | None = None,
    issue: str | None = None,
) -> ResolutionCase:
    """Raise a case from a compliance form's concerns (its "no" answers).

    The issue lists each concern with its comment, unless the IRO's edited ``issue`` is
    given; the holder defaults to the form's Team Manager. A form may have only one open
    case at a time.
    """
    form = get_form(session, form_id)
    concerns = {
        item.item_key: item.comment
        for item in session.scalars(
            select(ComplianceItem).where(
                ComplianceItem.form_id == form.id, ComplianceItem.answer == "no"
            )
        )
    }
    if not concerns:
        raise InvalidInput.one("form", "has no concerns (no item answered no): nothing to resolve")
    already = session.scalars(
        select(ResolutionCase.raised_date).where(
            ResolutionCase.compliance_form_id == form.id, ResolutionCase.status == OPEN
        )
    ).first()
    if already is not None:
        raise InvalidInput.one("form", f"already has an open resolution case (raised {already})")
    child = session.get(Child, form.child_id)
    iro = session.get(Iro, form.iro_id)
    assert child is not None and iro is not None  # foreign keys
    kind = MEETING_KIND_LABELS.get(form.meeting_kind, form.meeting_kind)
    lines = [f"Concerns from the compliance form after the {kind}:"]
    # In the form's own question order, so the issue reads like the form.
    for key, question in COMPLIANCE_ITEMS.items():
        if key in concerns:
            lines.append(f"- {question} No: {concerns[key]}")
    return raise_case(
        session,
        ctx,
        child_ref=child.ref,
        iro_name=iro.name,
        issue="\n".join(lines) if issue is None else issue,
        raised=raised,
        stage=stage,
        holder=form.team_manager if holder is None else holder,
        compliance_form_id=form.id,
    )


def _check_step_date(check: Checker, field: str, on: date, current: ResolutionStage, ctx: Ctx):
    check.order("stage_started", current.started, field, on)
    check.not_future(field, on, ctx.today)


def escalate(
    session: Session, ctx: Ctx, case_id: uuid.UUID, *, on: date, holder: str, note: str
) -> ResolutionStage:
    """Move an open case up one stage: the current stage ends ``on``, the next starts."""
    case = _get_case(session, case_id)
    current = _current_stage(session, case)
    if current.stage >= LAST_STAGE:
        raise InvalidInput.one(
            "stage",
            f"the case is at {RESOLUTION_STAGES[current.stage]}, the last stage: "
            "resolve it or refer it to Cafcass",
        )
    nxt = current.stage + 1
    check = Checker()
    holder = check.text("holder", holder, required=True, max_len=100, one_line=True)
    note = check.text("note", note, required=True)
    _check_step_date(check, "on", on, current, ctx)
    check.done()
    current.ended = on
    change(session, ctx, current, "resolution.stage.end", stage=current.stage, ended=on)
    row = ResolutionStage(
        case_id=case.id, stage=nxt, holder=holder, started=on, due=_stage_due(on, ctx), note=note
    )
    add_new(session, ctx, row, "resolution.escalate", stage=nxt, holder=holder, due=row.due)
    # The case itself changes state too (its current stage): bump its version for others.
    change(session, ctx, case, "resolution.case.stage", stage=nxt)
    session.flush()
    return row


def _end_case(
    session: Session, ctx: Ctx, case_id: uuid.UUID, *, on: date, field: str, text: str
) -> tuple[ResolutionCase, ResolutionStage, str]:
    """Check a closing step (its date, and its words in ``field``), then end the current
    stage; the caller closes the case. Returns the case, the stage and the checked words."""
    case = _get_case(session, case_id)
    current = _current_stage(session, case)
    check = Checker()
    text = check.text(field, text, required=True)
    _check_step_date(check, "on", on, current, ctx)
    check.done()
    current.ended = on
    change(session, ctx, current, "resolution.stage.end", stage=current.stage, ended=on)
    return case, current, text


def resolve(
    session: Session, ctx: Ctx, case_id: uuid.UUID, *, on: date, outcome: str
) -> ResolutionCase:
    """The issue is resolved: the current stage ends and the case closes with its outcome."""
    case, current, outcome = _end_case(session, ctx, case_id, on=on, field="outcome", text=outcome)
    case.status = RESOLVED
    case.resolved_date = on
    case.outcome = outcome
    change(
        session,
        ctx,
        case,
        "resolution.resolve",
        on=on,
        stage=current.stage,
        in_time=on <= current.due,
    )
    session.flush()
    return case


def refer_to_cafcass(
    session: Session, ctx: Ctx, case_id: uuid.UUID, *, on: date, note: str
) -> ResolutionCase:
    """Refer the case to Cafcass (possible at any stage); the current stage ends."""
    case, current, note = _end_case(session, ctx, case_id, on=on, field="note", text=note)
    case.status = CAFCASS
    case.cafcass_referred = on
    # The referral's reasons sit in the outcome: the case leaves the local process here.
    case.outcome = note
    change(session, ctx, case, "resolution.cafcass", on=on, stage=current.stage)
    session.flush()
    return case


# --- queries ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StageView:
    stage: int
    label: str
    holder: str
    started: date
    due: date
    ended: date | None
    note: str
    late: bool  # ended after its due date, or still open and past it (as of ctx.today)


@dataclass(frozen=True)
class CaseDetail:
    id: uuid.UUID
    version: int
    child_id: uuid.UUID
    child_ref: str
    child_name: str
    iro_name: str
    compliance_form_id: uuid.UUID | None
    issue: str
    raised: date
    status: CaseStatus
    outcome: str
    resolved_date: date | None
    cafcass_referred: date | None
    stages: tuple[StageView, ...]  # oldest first
    current: StageView | None  # None once the case is closed
    due: date | None  # the current stage's due date
    overdue: bool  # open and past the current stage's due date (as of ctx.today)
    resolved_in_time: bool | None  # None unless resolved: by the due date of its last stage


@dataclass(frozen=True)
class CaseSummary:
    id: uuid.UUID
    child_id: uuid.UUID
    child_ref: str
    child_name: str
    iro_name: str
    raised: date
    status: CaseStatus
    stage: int  # the current stage, or the last one reached once closed
    stage_label: str
    holder: str
    due: date | None  # the current stage's due date; None once closed
    overdue: bool
    issue: str


def _stage_view(row: ResolutionStage, today: date) -> StageView:
    late = row.ended > row.due if row.ended is not None else row.due < today
    return StageView(
        stage=row.stage,
        label=RESOLUTION_STAGES.get(row.stage, str(row.stage)),
        holder=row.holder,
        started=row.started,
        due=row.due,
        ended=row.ended,
        note=row.note,
        late=late,
    )


def case_detail(session: Session, ctx: Ctx, case_id: uuid.UUID) -> CaseDetail:
    case = _get_case(session, case_id)
    child = session.get(Child, case.child_id)
    iro = session.get(Iro, case.raised_by_iro_id)
    assert child is not None and iro is not None  # foreign keys
    stages = tuple(_stage_view(row, ctx.today) for row in _stages(session, case.id))
    current = stages[-1] if case.status == OPEN and stages else None
    resolved_in_time = None
    if case.status == RESOLVED and case.resolved_date is not None and stages:
        resolved_in_time = case.resolved_date <= stages[-1].due
    return CaseDetail(
        id=case.id,
        version=case.version,
        child_id=child.id,
        child_ref=child.ref,
        child_name=display_name(child),
        iro_name=iro.name,
        compliance_form_id=case.compliance_form_id,
        issue=case.issue,
        raised=case.raised_date,
        status=CaseStatus(case.status),
        outcome=case.outcome,
        resolved_date=case.resolved_date,
        cafcass_referred=case.cafcass_referred,
        stages=stages,
        current=current,
        due=current.due if current else None,
        overdue=current is not None and current.due < ctx.today,
        resolved_in_time=resolved_in_time,
    )


def _latest_stage_query() -> Select:
    """Each case with its latest stage row (the highest stage number reached)."""
    later = ResolutionStage.__table__.alias("later")
    newest = ~(
        select(later.c.id)
        .where(later.c.case_id == ResolutionStage.case_id, later.c.stage > ResolutionStage.stage)
        .correlate(ResolutionStage)
        .exists()
    )
    return (
        select(ResolutionCase, ResolutionStage, Child, Iro.name)
        .join(ResolutionStage, ResolutionStage.case_id == ResolutionCase.id)
        .join(Child, Child.id == ResolutionCase.child_id)
        .join(Iro, Iro.id == ResolutionCase.raised_by_iro_id)
        .where(newest)
    )


def _summaries(session: Session, query: Select, as_of: date | None) -> list[CaseSummary]:
    out: list[CaseSummary] = []
    for case, stage, child, iro_name in session.execute(query):
        is_open = case.status == OPEN
        out.append(
            CaseSummary(
                id=case.id,
                child_id=child.id,
                child_ref=child.ref,
                child_name=display_name(child),
                iro_name=iro_name,
                raised=case.raised_date,
                status=CaseStatus(case.status),
                stage=stage.stage,
                stage_label=RESOLUTION_STAGES.get(stage.stage, str(stage.stage)),
                holder=stage.holder,
                due=stage.due if is_open else None,
                overdue=is_open and as_of is not None and stage.due < as_of,
                issue=case.issue,
            )
        )
    return out


def open_cases(
    session: Session, ctx: Ctx, as_of: date, iro_name: str | None = None
) -> list[CaseSummary]:
    """Open cases, the current stage due soonest first; a stage past due on ``as_of`` is
    flagged overdue (one resolved on its due date is in time)."""
    query = _latest_stage_query().where(ResolutionCase.status == OPEN)
    if iro_name:
        iro = find_iro(session, iro_name, field="iro_name")
        query = query.where(ResolutionCase.raised_by_iro_id == iro.id)
    query = query.order_by(ResolutionStage.due, Child.ref, ResolutionCase.raised_date)
    return _summaries(session, query, as_of)


def cases_for_child(
    session: Session, child_id: uuid.UUID, *, as_of: date | None = None
) -> list[CaseSummary]:
    """A child's cases, newest first; pass ``as_of`` to have overdue stages flagged."""
    query = _latest_stage_query().where(ResolutionCase.child_id == child_id)
    query = query.order_by(ResolutionCase.raised_date.desc(), ResolutionCase.created_at.desc())
    return _summaries(session, query, as_of)
