"""Enquiries as rows for the CLI and the duty-desk screen, with their LADO clocks.

Days are local: an enquiry's "received date" is the local date of ``received_at`` (stored
in UTC), as iro_desk.clock reads it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from iro_desk import clock
from iro_desk.db.models import Child, Enquiry, EnquiryUpdate, Iro
from iro_desk.rules import clocks, codes
from iro_desk.rules.deadline_states import Deadline
from iro_desk.services.children import display_name
from iro_desk.services.context import Ctx
from iro_desk.services.duty.fields import LADO, OPEN
from iro_desk.services.errors import InvalidInput, NotFound


class ClockState(StrEnum):
    """Where a LADO deadline stands: not yet due, met, met late, or missed so far."""

    DUE = "due"
    DONE = "done"
    DONE_LATE = "done late"
    OVERDUE = "overdue"


_DEADLINES = {
    ClockState.DONE: Deadline.ON_TIME,
    ClockState.DONE_LATE: Deadline.DONE_LATE,
    ClockState.OVERDUE: Deadline.OVERDUE,
}


@dataclass(frozen=True)
class LadoClock:
    """One LADO deadline: when it is due, when it happened, and whether it slipped.

    ``late`` is true when it happened after ``due``, or has not happened and the day
    asked about is past ``due`` (overdue). An event on the due day is on time.
    """

    due: date
    done: date | None
    late: bool

    @property
    def state(self) -> ClockState:
        if self.done is not None:
            return ClockState.DONE_LATE if self.late else ClockState.DONE
        return ClockState.OVERDUE if self.late else ClockState.DUE

    @property
    def deadline(self) -> Deadline | None:
        """The shared deadline state (its colour); None while not yet due."""
        return _DEADLINES.get(self.state)


@dataclass(frozen=True)
class EnquiryRow:
    id: uuid.UUID
    received_at: datetime
    taken_by: str | None
    caller_name: str
    caller_role: str
    caller_agency: str
    category: str
    category_label: str
    child_ref: str | None
    child_name: str | None
    subject: str
    summary: str
    action: str
    follow_up_due: date | None
    status: str
    overdue: bool  # open with a follow-up date before the day asked about
    lado_referral: LadoClock | None  # only for LADO enquiries
    lado_meeting: LadoClock | None
    version: int

    @property
    def about(self) -> str:
        """Who the enquiry is about: the child, else the free-text subject."""
        if self.child_ref is not None:
            return f"{self.child_name} ({self.child_ref})"
        return self.subject

    @property
    def received_date(self) -> date:
        return received_on(self.received_at)


@dataclass(frozen=True)
class UpdateRow:
    """One appended update: the enquiry's state just after it, and the note."""

    id: uuid.UUID
    at: datetime
    by: str
    status: str
    note: str
    follow_up_due: date | None
    lado_referred: date | None
    lado_meeting: date | None


def received_on(received_at: datetime) -> date:
    """The (local) date an enquiry counts as received on."""
    return clock.local(received_at).date()


def _clock(due: date, done: date | None, as_of: date) -> LadoClock:
    late = done > due if done is not None else as_of > due
    return LadoClock(due, done, late)


def _to_row(
    enquiry: Enquiry, taken_by: str | None, child: Child | None, ctx: Ctx, as_of: date
) -> EnquiryRow:
    referral = meeting = None
    if enquiry.category == LADO:
        received = received_on(enquiry.received_at)
        referral = _clock(
            clocks.lado_referral_due(received, ctx.calendar, ctx.ts), enquiry.lado_referred, as_of
        )
        meeting = _clock(
            clocks.lado_meeting_due(received, ctx.calendar, ctx.ts), enquiry.lado_meeting, as_of
        )
    return EnquiryRow(
        id=enquiry.id,
        received_at=enquiry.received_at,
        taken_by=taken_by,
        caller_name=enquiry.caller_name,
        caller_role=enquiry.caller_role,
        caller_agency=enquiry.caller_agency,
        category=enquiry.category,
        category_label=codes.ENQUIRY_CATEGORIES.get(enquiry.category, enquiry.category),
        child_ref=child.ref if child else None,
        child_name=display_name(child) if child else None,
        subject=enquiry.subject,
        summary=enquiry.summary,
        action=enquiry.action,
        follow_up_due=enquiry.follow_up_due,
        status=enquiry.status,
        overdue=(
            enquiry.status == OPEN
            and enquiry.follow_up_due is not None
            and enquiry.follow_up_due < as_of
        ),
        lado_referral=referral,
        lado_meeting=meeting,
        version=enquiry.version,
    )


def rows_query():
    """Enquiries with the taker's name and the child, in one query (no per-row look-ups)."""
    return (
        select(Enquiry, Iro.name, Child)
        .outerjoin(Iro, Enquiry.taken_by_iro_id == Iro.id)
        .outerjoin(Child, Enquiry.child_id == Child.id)
    )


def rows_for(session: Session, query, ctx: Ctx, as_of: date) -> list[EnquiryRow]:
    return [_to_row(e, name, child, ctx, as_of) for e, name, child in session.execute(query)]


def enquiry_id_of(value: uuid.UUID | str) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value).strip())
    except ValueError:
        raise InvalidInput.one("enquiry", f"{value!r} is not an enquiry id") from None


def enquiry_by_id(session: Session, enquiry_id: uuid.UUID | str) -> Enquiry:
    enquiry = session.get(Enquiry, enquiry_id_of(enquiry_id))
    if enquiry is None:
        raise NotFound.one("enquiry", f"no enquiry {enquiry_id}")
    return enquiry


def get_enquiry(
    session: Session, ctx: Ctx, enquiry_id: uuid.UUID | str, as_of: date | None = None
) -> EnquiryRow:
    """One enquiry as a row (overdue and LADO clocks judged on ``as_of``, default today)."""
    key = enquiry_id_of(enquiry_id)
    rows = rows_for(session, rows_query().where(Enquiry.id == key), ctx, as_of or ctx.today)
    if not rows:
        raise NotFound.one("enquiry", f"no enquiry {enquiry_id}")
    return rows[0]


def enquiries_on(session: Session, day: date, ctx: Ctx) -> list[EnquiryRow]:
    """The enquiries received on ``day`` (a local day), earliest first."""
    start, end = clock.day_start(day), clock.day_start(day + timedelta(days=1))
    query = (
        rows_query()
        .where(Enquiry.received_at >= start, Enquiry.received_at < end)
        .order_by(Enquiry.received_at, Enquiry.id)
    )
    return rows_for(session, query, ctx, ctx.today)


def open_enquiries(session: Session, ctx: Ctx, as_of: date, limit: int = 200) -> list[EnquiryRow]:
    """Open enquiries by follow-up date, so overdue ones come first; none-due ones last."""
    query = (
        rows_query()
        .where(Enquiry.status == OPEN)
        # NULLS LAST spelled out: SQLite and PostgreSQL put NULLs at opposite ends by default.
        .order_by(Enquiry.follow_up_due.asc().nulls_last(), Enquiry.received_at, Enquiry.id)
        .limit(limit)
    )
    return rows_for(session, query, ctx, as_of)


def lado_referrals(session: Session, ctx: Ctx, as_of: date, limit: int = 200) -> list[EnquiryRow]:
    """Open LADO enquiries, oldest first, with their referral and meeting clocks."""
    query = (
        rows_query()
        .where(Enquiry.status == OPEN, Enquiry.category == LADO)
        .order_by(Enquiry.received_at, Enquiry.id)
        .limit(limit)
    )
    return rows_for(session, query, ctx, as_of)


def enquiry_history(session: Session, enquiry_id: uuid.UUID | str) -> list[UpdateRow]:
    """Every update of the enquiry, in the order they were made (the first is "logged")."""
    enquiry = enquiry_by_id(session, enquiry_id)
    query = (
        select(EnquiryUpdate)
        .where(EnquiryUpdate.enquiry_id == enquiry.id)
        .order_by(EnquiryUpdate.created_at, EnquiryUpdate.id)
    )
    return [
        UpdateRow(
            id=u.id,
            at=u.created_at,
            by=u.created_by,
            status=u.status,
            note=u.note,
            follow_up_due=u.follow_up_due,
            lado_referred=u.lado_referred,
            lado_meeting=u.lado_meeting,
        )
        for u in session.scalars(query)
    ]
