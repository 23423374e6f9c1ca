"""The IRO's compliance (quality-assurance) form after a review or conference.

The IRO answers a fixed list of questions (``rules.codes.COMPLIANCE_ITEMS``) with yes,
no or n/a, explains every "no", and sends the form to the social worker's Team Manager,
who answers within N working days (a local *setting*). Each "no" is a concern that may
become an Issues Resolution case (see ``services.resolution``).

Life of a form: draft (answers can change) -> sent (frozen; response clock running)
-> answered.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from iro_desk.db.models import Child, ComplianceForm, ComplianceItem, Iro, Meeting, MeetingChild
from iro_desk.rules import clocks
from iro_desk.rules.codes import COMPLIANCE_ANSWERS, COMPLIANCE_ITEMS, MEETING_KIND_LABELS
from iro_desk.services.audit import add_new, change
from iro_desk.services.children import child_by_ref, display_name
from iro_desk.services.context import Ctx
from iro_desk.services.errors import InvalidInput, NotFound
from iro_desk.services.iros import find_iro
from iro_desk.services.validate import Checker

__all__ = [
    "FormStatus",
    "FORM_MEETING_KINDS",
    "FormDetail",
    "FormItem",
    "FormSummary",
    "answer_items",
    "form_detail",
    "forms_awaiting_response",
    "forms_for_child",
    "get_form",
    "overdue_responses",
    "record_response",
    "send_form",
    "start_form",
]

# The meetings a compliance form follows, and the meeting kinds each may point at:
# a secure accommodation review is a Looked After Review too.
FORM_MEETING_KINDS: dict[str, tuple[str, ...]] = {
    "LAR": ("LAR", "SECURE"),
    "ICPC": ("ICPC",),
    "RCPC": ("RCPC",),
}


class FormStatus(StrEnum):
    """A compliance form's status; the values are what the database stores."""

    DRAFT = "draft"
    SENT = "sent"
    ANSWERED = "answered"


DRAFT, SENT, ANSWERED = FormStatus.DRAFT, FormStatus.SENT, FormStatus.ANSWERED


def get_form(session: Session, form_id: uuid.UUID, field: str = "form") -> ComplianceForm:
    form = session.get(ComplianceForm, form_id)
    if form is None:
        raise NotFound.one(field, f"no compliance form {form_id}")
    return form


# --- writes ----------------------------------------------------------------------------


def start_form(
    session: Session,
    ctx: Ctx,
    *,
    child_ref: str,
    meeting_id: uuid.UUID | None,
    meeting_kind: str,
    iro_name: str,
) -> ComplianceForm:
    """Open a draft form for a child after a LAR, ICPC or RCPC.

    If ``meeting_id`` is given it must be a meeting the child was at, of the same kind,
    and the child must not already have a form for it.
    """
    check = Checker()
    kind = (meeting_kind or "").strip().upper()
    check.choice("meeting_kind", kind, FORM_MEETING_KINDS)
    check.done()
    child = child_by_ref(session, child_ref, field="child_ref")
    iro = find_iro(session, iro_name, field="iro_name")
    if meeting_id is not None:
        attended = session.scalars(
            select(MeetingChild).where(
                MeetingChild.meeting_id == meeting_id, MeetingChild.child_id == child.id
            )
        ).first()
        if attended is None:
            raise InvalidInput.one(
                "meeting_id", f"{child.ref} was not at that meeting (no such meeting for them)"
            )
        if attended.kind not in FORM_MEETING_KINDS[kind]:
            raise InvalidInput.one(
                "meeting_kind",
                f"the meeting on {attended.meeting_date} was a {attended.kind}, not a {kind}",
            )
        existing = session.scalars(
            select(ComplianceForm.id).where(
                ComplianceForm.meeting_id == meeting_id, ComplianceForm.child_id == child.id
            )
        ).first()
        if existing is not None:
            raise InvalidInput.one(
                "meeting_id",
                f"{child.ref} already has a compliance form for the meeting on "
                f"{attended.meeting_date}",
            )
    form = ComplianceForm(
        meeting_id=meeting_id,
        child_id=child.id,
        iro_id=iro.id,
        meeting_kind=kind,
        status=DRAFT,
    )
    add_new(session, ctx, form, "compliance.start", child=child.ref, kind=kind, meeting=meeting_id)
    session.flush()
    return form


def answer_items(
    session: Session,
    ctx: Ctx,
    form_id: uuid.UUID,
    answers: dict[str, tuple[str, str]],
) -> list[ComplianceItem]:
    """Set (or change) answers on a draft form: ``{item_key: (answer, comment)}``.

    Every problem in the batch is reported at once (``placement_plan.comment: ...``) and
    nothing is written unless the whole batch is acceptable. Returns the rows written.
    """
    form = get_form(session, form_id)
    if form.status != DRAFT:
        raise InvalidInput.one(
            "form", f"the form is {form.status}; answers can only change in a draft"
        )
    check = Checker()
    check.require(bool(answers), "answers", "give at least one answer")
    clean: dict[str, tuple[str, str]] = {}
    for key, value in answers.items():
        if key not in COMPLIANCE_ITEMS:
            check.add(key, f"is not a compliance item (one of {', '.join(COMPLIANCE_ITEMS)})")
            continue
        try:
            raw_answer, raw_comment = value
        except (TypeError, ValueError):
            check.add(key, "give (answer, comment)")
            continue
        answer = (raw_answer or "").strip().lower()
        if check.choice(f"{key}.answer", answer, COMPLIANCE_ANSWERS) is None:
            continue
        comment = check.text(f"{key}.comment", raw_comment, max_len=5_000)
        # A "no" is a concern the Team Manager must act on: it needs saying what is wrong.
        if answer == "no" and not comment:
            check.add(f"{key}.comment", "is required when the answer is no (say what is missing)")
            continue
        clean[key] = (answer, comment)
    check.done()
    existing = {
        item.item_key: item
        for item in session.scalars(select(ComplianceItem).where(ComplianceItem.form_id == form.id))
    }
    written: list[ComplianceItem] = []
    for key, (answer, comment) in clean.items():
        item = existing.get(key)
        if item is None:
            item = ComplianceItem(form_id=form.id, item_key=key, answer=answer, comment=comment)
            add_new(session, ctx, item, "compliance.answer", item=key, answer=answer)
        elif (item.answer, item.comment) != (answer, comment):
            before = item.answer
            item.answer, item.comment = answer, comment
            change(session, ctx, item, "compliance.answer", item=key, before=before, answer=answer)
        else:
            continue  # unchanged: no new version, no audit noise
        written.append(item)
    session.flush()
    return written


def send_form(
    session: Session, ctx: Ctx, form_id: uuid.UUID, *, team_manager: str, sent: date
) -> ComplianceForm:
    """Send a fully answered draft to the Team Manager; starts the response clock."""
    form = get_form(session, form_id)
    if form.status != DRAFT:
        raise InvalidInput.one("form", f"the form is already {form.status} (sent {form.sent_date})")
    check = Checker()
    team_manager = check.text(
        "team_manager", team_manager, required=True, max_len=100, one_line=True
    )
    check.not_future("sent", sent, ctx.today)
    meeting_date = _meeting_date(session, form)
    check.order("meeting_date", meeting_date, "sent", sent)
    answered = set(
        session.scalars(select(ComplianceItem.item_key).where(ComplianceItem.form_id == form.id))
    )
    for key in COMPLIANCE_ITEMS:
        if key not in answered:
            check.add(f"{key}.answer", "is not answered (every item must be answered to send)")
    check.done()
    form.team_manager = team_manager
    form.sent_date = sent
    form.response_due = clocks.compliance_response_due(sent, ctx.calendar, ctx.ts)
    form.status = SENT
    change(
        session,
        ctx,
        form,
        "compliance.send",
        team_manager=team_manager,
        sent=sent,
        due=form.response_due,
    )
    session.flush()
    return form


def record_response(
    session: Session, ctx: Ctx, form_id: uuid.UUID, *, responded: date, response: str
) -> ComplianceForm:
    """The Team Manager's answer to a sent form."""
    form = get_form(session, form_id)
    if form.status != SENT:
        reason = "has not been sent yet" if form.status == DRAFT else f"is already {form.status}"
        raise InvalidInput.one("form", f"the form {reason}")
    check = Checker()
    response = check.text("response", response, required=True)
    check.order("sent", form.sent_date, "responded", responded)
    check.not_future("responded", responded, ctx.today)
    check.done()
    form.response_date = responded
    form.response = response
    form.status = ANSWERED
    change(
        session,
        ctx,
        form,
        "compliance.response",
        responded=responded,
        in_time=responded <= (form.response_due or responded),
    )
    session.flush()
    return form


def _meeting_date(session: Session, form: ComplianceForm) -> date | None:
    if form.meeting_id is None:
        return None
    return session.scalar(select(Meeting.meeting_date).where(Meeting.id == form.meeting_id))


# --- queries ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FormItem:
    key: str
    question: str
    answer: str | None  # None: not answered yet
    comment: str


@dataclass(frozen=True)
class FormDetail:
    id: uuid.UUID
    version: int
    child_id: uuid.UUID
    child_ref: str
    child_name: str
    iro_name: str
    meeting_id: uuid.UUID | None
    meeting_kind: str
    meeting_label: str
    meeting_date: date | None
    status: FormStatus
    team_manager: str
    sent_date: date | None
    response_due: date | None
    response_date: date | None
    response: str
    items: tuple[FormItem, ...]  # every item, in COMPLIANCE_ITEMS order
    concerns: tuple[FormItem, ...]  # the items answered "no"
    unanswered: tuple[str, ...]
    response_overdue: bool  # sent, unanswered and past due as of ctx.today
    responded_in_time: bool | None  # None until answered


@dataclass(frozen=True)
class FormSummary:
    id: uuid.UUID
    child_id: uuid.UUID
    child_ref: str
    child_name: str
    iro_name: str
    meeting_kind: str
    meeting_date: date | None
    status: FormStatus
    team_manager: str
    sent_date: date | None
    response_due: date | None
    response_date: date | None
    concerns: int
    overdue: bool  # as of the date the query was asked about (False if none given)


def _overdue(status: str, due: date | None, as_of: date | None) -> bool:
    # An answer on the due date is on time, so only a due date strictly before counts.
    return status == SENT and due is not None and as_of is not None and due < as_of


def form_detail(session: Session, ctx: Ctx, form_id: uuid.UUID) -> FormDetail:
    """One form with its items, its concerns and whether the response is overdue today."""
    form = get_form(session, form_id)
    child = session.get(Child, form.child_id)
    iro = session.get(Iro, form.iro_id)
    assert child is not None and iro is not None  # foreign keys
    rows = {
        item.item_key: item
        for item in session.scalars(select(ComplianceItem).where(ComplianceItem.form_id == form.id))
    }
    items = tuple(
        FormItem(
            key=key,
            question=question,
            answer=rows[key].answer if key in rows else None,
            comment=rows[key].comment if key in rows else "",
        )
        for key, question in COMPLIANCE_ITEMS.items()
    )
    responded_in_time = None
    if form.response_date is not None and form.response_due is not None:
        responded_in_time = form.response_date <= form.response_due
    return FormDetail(
        id=form.id,
        version=form.version,
        child_id=child.id,
        child_ref=child.ref,
        child_name=display_name(child),
        iro_name=iro.name,
        meeting_id=form.meeting_id,
        meeting_kind=form.meeting_kind,
        meeting_label=MEETING_KIND_LABELS.get(form.meeting_kind, form.meeting_kind),
        meeting_date=_meeting_date(session, form),
        status=FormStatus(form.status),
        team_manager=form.team_manager,
        sent_date=form.sent_date,
        response_due=form.response_due,
        response_date=form.response_date,
        response=form.response,
        items=items,
        concerns=tuple(item for item in items if item.answer == "no"),
        unanswered=tuple(item.key for item in items if item.answer is None),
        response_overdue=_overdue(form.status, form.response_due, ctx.today),
        responded_in_time=responded_in_time,
    )


def _summary_query() -> Select:
    concerns = (
        select(func.count(ComplianceItem.id))
        .where(ComplianceItem.form_id == ComplianceForm.id, ComplianceItem.answer == "no")
        .correlate(ComplianceForm)
        .scalar_subquery()
    )
    return (
        select(ComplianceForm, Child, Iro.name, Meeting.meeting_date, concerns)
        .join(Child, Child.id == ComplianceForm.child_id)
        .join(Iro, Iro.id == ComplianceForm.iro_id)
        .outerjoin(Meeting, Meeting.id == ComplianceForm.meeting_id)
    )


def _summaries(session: Session, query: Select, as_of: date | None) -> list[FormSummary]:
    return [
        FormSummary(
            id=form.id,
            child_id=child.id,
            child_ref=child.ref,
            child_name=display_name(child),
            iro_name=iro_name,
            meeting_kind=form.meeting_kind,
            meeting_date=meeting_date,
            status=FormStatus(form.status),
            team_manager=form.team_manager,
            sent_date=form.sent_date,
            response_due=form.response_due,
            response_date=form.response_date,
            concerns=concerns or 0,
            overdue=_overdue(form.status, form.response_due, as_of),
        )
        for form, child, iro_name, meeting_date, concerns in session.execute(query)
    ]


def forms_for_child(
    session: Session, child_id: uuid.UUID, *, as_of: date | None = None
) -> list[FormSummary]:
    """A child's forms, newest first; pass ``as_of`` to have overdue responses flagged."""
    query = (
        _summary_query()
        .where(ComplianceForm.child_id == child_id)
        .order_by(ComplianceForm.created_at.desc(), ComplianceForm.id)
    )
    return _summaries(session, query, as_of)


def forms_awaiting_response(
    session: Session, ctx: Ctx, iro_name: str | None = None
) -> list[FormSummary]:
    """Sent forms the Team Manager has not answered, soonest due first (overdue vs today)."""
    query = _summary_query().where(ComplianceForm.status == SENT)
    if iro_name:
        query = query.where(ComplianceForm.iro_id == find_iro(session, iro_name, "iro_name").id)
    query = query.order_by(ComplianceForm.response_due, Child.ref)
    return _summaries(session, query, ctx.today)


def overdue_responses(
    session: Session, ctx: Ctx, as_of: date, iro_name: str | None = None
) -> list[FormSummary]:
    """Sent forms still unanswered whose response was due before ``as_of``, oldest first."""
    query = _summary_query().where(
        ComplianceForm.status == SENT, ComplianceForm.response_due < as_of
    )
    if iro_name:
        query = query.where(ComplianceForm.iro_id == find_iro(session, iro_name, "iro_name").id)
    query = query.order_by(ComplianceForm.response_due, Child.ref)
    return _summaries(session, query, as_of)
