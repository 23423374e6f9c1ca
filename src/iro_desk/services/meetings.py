"""Looked After Reviews, CP conferences and secure reviews, with each child's participation."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from iro_desk.db.models import (
    CarePeriod,
    Child,
    ConferenceReport,
    CpPlan,
    Episode,
    Iro,
    Meeting,
    MeetingChild,
)
from iro_desk.rules import clocks, codes
from iro_desk.rules.dates import age_on
from iro_desk.rules.participation import check_cp_participation, check_review
from iro_desk.rules.plausible import RECORD
from iro_desk.rules.reviews import ReviewKind, is_short_break, period_for_review
from iro_desk.services.audit import add_new, change
from iro_desk.services.caseload import CaseloadRow, build_caseload_for_child
from iro_desk.services.children import child_by_ref, open_cp_plan
from iro_desk.services.context import Ctx
from iro_desk.services.errors import InvalidInput, NotFound
from iro_desk.services.iros import find_iro, iro_for_user
from iro_desk.services.validate import Checker

if TYPE_CHECKING:
    from iro_desk.services.context import Desk

REVIEW_KINDS = ("LAR", "SHORTBREAK", "SECURE")


def _new_meeting(
    session: Session,
    ctx: Ctx,
    kind: str,
    meeting_date: date,
    chair: Iro | None,
    brought_forward: bool,
    notes: str,
) -> Meeting:
    meeting = Meeting(
        kind=kind,
        meeting_date=meeting_date,
        chair_iro_id=chair.id if chair else None,
        brought_forward=brought_forward,
        notes=notes,
    )
    add_new(session, ctx, meeting, "meeting.add", kind=kind, date=meeting_date)
    session.flush()
    return meeting


_Span = TypeVar("_Span", CarePeriod, Episode)


def _held_in(session: Session, model: type[_Span], child_id: uuid.UUID, on: date) -> _Span | None:
    """The period (or episode) a review on ``on`` belongs to: the day care ends included,
    as in the 903 import (``rules.reviews.period_for_review``)."""
    rows = list(
        session.scalars(select(model).where(model.child_id == child_id, model.start_date <= on))
    )
    i = period_for_review(on, [(r.start_date, r.end_date) for r in rows])
    return None if i is None else rows[i]


def _in_short_break_series(session: Session, ctx: Ctx, child: Child, on: date) -> bool:
    row = build_caseload_for_child(session, ctx, child.id, on)
    return row is not None and row.status.startswith("Short breaks")


def _same_day_meeting(
    session: Session, child: Child, kind: str, meeting_date: date
) -> MeetingChild | None:
    return session.scalars(
        select(MeetingChild).where(
            MeetingChild.child_id == child.id,
            MeetingChild.kind == kind,
            MeetingChild.meeting_date == meeting_date,
        )
    ).first()


def record_review(
    session: Session,
    ctx: Ctx,
    child: Child,
    meeting_date: date | None,
    *,
    kind: str = "LAR",
    participation: str | None = None,
    brought_forward: bool = False,
    chair: Iro | None = None,
    views: str = "",
    notes: str = "",
) -> MeetingChild:
    """Record a Looked After Review, short-break review or secure review for one child.

    The DfE 903 rules are applied: the participation code must suit the child's
    age on the day (PN0 under 4, PN1–PN7 from 4), and a child on short breaks
    (V3/V4) has a reg 48 short-break review instead of a reg 33 one.
    """
    check = Checker()
    check.choice("kind", kind, REVIEW_KINDS)
    views = check.text("views", views)
    notes = check.text("notes", notes)
    if meeting_date is None:
        check.add("review_date", "rule 166: the review date is missing")
        check.done()
    assert meeting_date is not None
    check.not_future("review_date", meeting_date, ctx.today)
    check.plausible("review_date", meeting_date, RECORD, ctx.today)
    period = _held_in(session, CarePeriod, child.id, meeting_date)
    episode = _held_in(session, Episode, child.id, meeting_date)
    # Between short breaks the child is still in a series (reg 48), reviewed across it.
    if period is None and not (
        kind == "SHORTBREAK" and _in_short_break_series(session, ctx, child, meeting_date)
    ):
        check.add("review_date", f"the child was not looked after on {meeting_date}")
    legal_status = episode.legal_status if episode else None
    participation = (participation or "").strip().upper() or None
    if kind == "LAR":
        for breach in check_review(meeting_date, participation, child.dob, legal_status):
            check.add(breach.field, breach.message)
    else:
        if kind == "SHORTBREAK" and period is not None and not is_short_break(legal_status):
            check.add(
                "kind",
                f"a short-break review is for legal status V3/V4; on {meeting_date} the child "
                f"was {legal_status or 'not looked after'}: record a Looked After Review",
            )
        if participation:
            # The age rules (440/441) still say which codes make sense for the child.
            for breach in check_review(meeting_date, participation, child.dob, None):
                check.add(breach.field, breach.message)
    check.done()
    if _same_day_meeting(session, child, kind, meeting_date):
        raise InvalidInput.one(
            "review_date", f"a {kind} for {child.ref} on {meeting_date} is already recorded"
        )
    meeting = _new_meeting(session, ctx, kind, meeting_date, chair, brought_forward, notes)
    row = MeetingChild(
        meeting_id=meeting.id,
        child_id=child.id,
        kind=kind,
        meeting_date=meeting_date,
        period_id=period.id if period else None,
        participation=participation,
        views=views,
    )
    add_new(
        session,
        ctx,
        row,
        "review.add",
        child=child.ref,
        date=meeting_date,
        participation=participation,
    )
    session.flush()
    return row


@dataclass(frozen=True)
class ReviewAdded:
    """The review just recorded, and the child's next review counted from it."""

    row: MeetingChild
    next_review: CaseloadRow | None  # None when the child has no review ahead


def add_review(
    desk: Desk,
    *,
    ref: str,
    review_date: date | None,
    kind: str = "LAR",
    participation: str | None = None,
    brought_forward: bool = False,
    chair_name: str | None = None,
) -> ReviewAdded:
    """Record a review for the child ``ref`` in one transaction, then say what comes next.

    The chair is ``chair_name`` (problems on ``chair``), else the IRO who is ``ctx.user``.
    The next review is judged on the review's own date, for this child only.
    """
    with desk.write() as session:
        child = child_by_ref(session, ref)
        chair = (
            find_iro(session, chair_name, "chair")
            if chair_name
            else iro_for_user(session, desk.ctx.user)
        )
        row = record_review(
            session,
            desk.ctx,
            child,
            review_date,
            kind=kind,
            participation=participation,
            brought_forward=brought_forward,
            chair=chair,
        )
    with desk.read() as session:
        following = build_caseload_for_child(
            session, desk.ctx, child.id, review_date or desk.ctx.today
        )
    return ReviewAdded(row, following)


def set_review_participation(
    session: Session, ctx: Ctx, meeting_child_id: uuid.UUID, participation: str
) -> MeetingChild:
    """Record or correct the PN code of a held review, with the same 903 rules."""
    row = session.get(MeetingChild, meeting_child_id)
    if row is None or row.kind not in REVIEW_KINDS:
        raise NotFound.one("review", "no such review")
    child = session.get(Child, row.child_id)
    assert child is not None
    episode = _held_in(session, Episode, child.id, row.meeting_date)
    code = participation.strip().upper()
    # Rule 399 (no LAR on short breaks) is about the kind of review, which is fixed here.
    legal_status = episode.legal_status if episode and row.kind == "LAR" else None
    breaches = check_review(row.meeting_date, code, child.dob, legal_status)
    if breaches:
        raise InvalidInput([_problem(b.field, b.message) for b in breaches])
    before = row.participation
    row.participation = code
    change(session, ctx, row, "review.participation", before=before, after=code)
    session.flush()
    return row


def set_conference_participation(
    session: Session,
    ctx: Ctx,
    meeting_child_id: uuid.UUID,
    took_part: bool | None,
    method: str | None,
) -> MeetingChild:
    """Record or correct whether a child aged 4+ took part in a CP conference, and how."""
    row = session.get(MeetingChild, meeting_child_id)
    if row is None or row.kind not in ("ICPC", "RCPC"):
        raise NotFound.one("conference", "no such conference for this child")
    child = session.get(Child, row.child_id)
    assert child is not None
    age = age_on(child.dob, row.meeting_date) if child.dob else None
    if age is None or age < 4:
        raise InvalidInput.one("took_part", "only recorded for children aged 4 or over")
    breaches = check_cp_participation(age, took_part, method)
    if breaches:
        raise InvalidInput([_problem(b.field, b.message) for b in breaches])
    before = (row.cp_took_part, row.cp_method)
    row.cp_took_part = took_part
    row.cp_method = method if took_part else None
    change(session, ctx, row, "conference.participation", before=before, after=(took_part, method))
    session.flush()
    return row


def _problem(field: str, message: str):
    from iro_desk.services.errors import Problem

    return Problem(field, message)


@dataclass(frozen=True)
class ConferenceChild:
    child: Child
    took_part: bool | None = None
    method: str | None = None
    views: str = ""


@dataclass(frozen=True)
class AgencyReport:
    agency: str
    received: date | None = None


def _conference_plans(
    session: Session, check: Checker, kind: str, meeting_date: date, children: list[ConferenceChild]
) -> dict[uuid.UUID, CpPlan]:
    """Each child's open CP episode, checked for this kind of conference, and their
    participation checked for their age; problems go to ``check``."""
    plans: dict[uuid.UUID, CpPlan] = {}
    for item in children:
        child = item.child
        plan = open_cp_plan(session, child.id, meeting_date)
        if plan is None:
            check.add("children", f"{child.ref} has no open CP episode on {meeting_date}")
            continue
        if kind == "ICPC" and plan.icpc_date is not None:
            check.add("children", f"{child.ref} already had an ICPC on {plan.icpc_date}")
        if kind == "RCPC" and (plan.start_date is None or plan.start_date > meeting_date):
            check.add("children", f"{child.ref} is not on a CP plan on {meeting_date}")
        plans[child.id] = plan
        age = age_on(child.dob, meeting_date) if child.dob else None
        if age is not None and age >= 4:
            for breach in check_cp_participation(age, item.took_part, item.method):
                check.add(f"{child.ref}.{breach.field}", breach.message)
        elif item.took_part is not None:
            check.add(f"{child.ref}.took_part", "only recorded for children aged 4 or over")
    return plans


def record_conference(
    session: Session,
    ctx: Ctx,
    kind: str,
    meeting_date: date,
    children: list[ConferenceChild],
    *,
    chair: Iro | None = None,
    reports: list[AgencyReport] | None = None,
    outcome_plan: bool = True,
    category: str | None = None,
    notes: str = "",
) -> Meeting:
    """An ICPC or RCPC, usually for a sibling group, each child with their participation.

    An ICPC that makes a plan starts it (with its category); one that does not
    closes the CP episode. Agency reports are due N working days before.
    """
    check = Checker()
    check.choice("kind", kind, ("ICPC", "RCPC"))
    check.require(bool(children), "children", "a conference needs at least one child")
    check.not_future("date", meeting_date, ctx.today)
    check.plausible("date", meeting_date, RECORD, ctx.today)
    notes = check.text("notes", notes)
    if kind == "ICPC" and outcome_plan:
        check.choice("category", category, codes.CP_CATEGORIES)
    plans = _conference_plans(session, check, kind, meeting_date, children)
    for report in reports or []:
        check.text("agency", report.agency, required=True, max_len=60, one_line=True)
        if report.received is not None and report.received > ctx.today:
            check.add("received", f"{report.received} is in the future")
    check.done()
    meeting = _new_meeting(session, ctx, kind, meeting_date, chair, False, notes)
    for item in children:
        plan = plans[item.child.id]
        if kind == "ICPC":
            plan.icpc_date = meeting_date
            if outcome_plan:
                plan.start_date = meeting_date
                plan.category = category
            else:
                plan.end_date = meeting_date
                plan.outcome = "no plan at ICPC"
            change(session, ctx, plan, "cp.icpc", date=meeting_date, plan=outcome_plan)
        took_part = item.took_part
        row = MeetingChild(
            meeting_id=meeting.id,
            child_id=item.child.id,
            kind=kind,
            meeting_date=meeting_date,
            cp_plan_id=plan.id,
            cp_took_part=took_part,
            cp_method=item.method if took_part else None,
            views=item.views,
        )
        add_new(session, ctx, row, "conference.child", child=item.child.ref, took_part=took_part)
    kind_enum = ReviewKind.ICPC if kind == "ICPC" else ReviewKind.RCPC
    due = clocks.conference_reports_due(meeting_date, kind_enum, ctx.calendar, ctx.ts)
    for report in reports or []:
        add_new(
            session,
            ctx,
            ConferenceReport(
                meeting_id=meeting.id,
                agency=report.agency.strip(),
                due_date=due,
                received_date=report.received,
            ),
            "conference.report",
            agency=report.agency,
        )
    session.flush()
    return meeting


def receive_report(
    session: Session, ctx: Ctx, report_id: uuid.UUID, received: date
) -> ConferenceReport:
    report = session.get(ConferenceReport, report_id)
    if report is None:
        raise NotFound.one("report", "no such conference report")
    check = Checker()
    check.not_future("received", received, ctx.today)
    check.done()
    report.received_date = received
    change(session, ctx, report, "conference.report.received", received=received)
    return report


def set_circulation(
    session: Session,
    ctx: Ctx,
    meeting_id: uuid.UUID,
    *,
    decisions: date | None = None,
    record: date | None = None,
) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound.one("meeting", "no such meeting")
    check = Checker()
    check.order("meeting_date", meeting.meeting_date, "decisions_circulated", decisions)
    check.order("meeting_date", meeting.meeting_date, "record_circulated", record)
    check.not_future("decisions_circulated", decisions, ctx.today)
    check.not_future("record_circulated", record, ctx.today)
    check.done()
    if decisions is not None:
        meeting.decisions_circulated = decisions
    if record is not None:
        meeting.record_circulated = record
    change(session, ctx, meeting, "meeting.circulation", decisions=decisions, record=record)
    return meeting


def meetings_of(session: Session, child_id: uuid.UUID) -> list[tuple[Meeting, MeetingChild]]:
    rows = session.execute(
        select(Meeting, MeetingChild)
        .join(MeetingChild, MeetingChild.meeting_id == Meeting.id)
        .where(MeetingChild.child_id == child_id)
        .order_by(Meeting.meeting_date)
    )
    return [(m, mc) for m, mc in rows]
