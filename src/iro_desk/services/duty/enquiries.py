"""Logging and updating safeguarding enquiries.

What a caller said is never rewritten: every later note, follow-up date, LADO date,
closing or reopening is appended as an ``EnquiryUpdate`` row.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from types import EllipsisType

from sqlalchemy import select
from sqlalchemy.orm import Session

from iro_desk import clock
from iro_desk.db.models import Child, Enquiry, EnquiryUpdate, Iro
from iro_desk.db.types import utcnow
from iro_desk.rules import codes
from iro_desk.rules.plausible import FOLLOW_UP
from iro_desk.services.audit import add_new, change
from iro_desk.services.children import child_by_ref
from iro_desk.services.context import Ctx
from iro_desk.services.duty.enquiry_rows import enquiry_by_id, received_on
from iro_desk.services.duty.fields import (
    CLOSED,
    FUTURE_SLACK,
    LADO,
    NAME_MAX,
    OPEN,
    REF_MAX,
    SUBJECT_MAX,
    TEXT_MAX,
    lookup_iro,
)
from iro_desk.services.errors import NotFound
from iro_desk.services.iros import iro_for_user
from iro_desk.services.validate import Checker


def _check_received(check: Checker, value: datetime | None, ctx: Ctx) -> datetime | None:
    now = ctx.now()
    if value is None:
        return now
    if not isinstance(value, datetime):
        check.add("received_at", "must be a date and a time")
        return None
    if value.utcoffset() is None:
        check.add("received_at", "must carry a time zone (for example UTC)")
        return None
    value = value.astimezone(UTC)
    # A long-running desk's ctx clock is the wall clock; tests pin it.
    if value > now + FUTURE_SLACK:
        check.add("received_at", f"{clock.local(value):%Y-%m-%d %H:%M} is in the future")
    return value


def _append_update(
    session: Session, ctx: Ctx, enquiry: Enquiry, note: str, action: str
) -> EnquiryUpdate:
    """Add the update row recording the enquiry's state after a change."""
    last = session.scalars(
        select(EnquiryUpdate.created_at)
        .where(EnquiryUpdate.enquiry_id == enquiry.id)
        .order_by(EnquiryUpdate.created_at.desc())
        .limit(1)
    ).first()
    at = utcnow()
    # History is read in created_at order: two updates in the same clock tick (or a clock
    # that stepped back) must still sort in the order they were made.
    if last is not None and at <= last:
        at = last + timedelta(microseconds=1)
    update = EnquiryUpdate(
        enquiry_id=enquiry.id,
        note=note,
        status=enquiry.status,
        follow_up_due=enquiry.follow_up_due,
        lado_referred=enquiry.lado_referred,
        lado_meeting=enquiry.lado_meeting,
        created_at=at,
        updated_at=at,
    )
    add_new(session, ctx, update, action, enquiry=enquiry.id, status=enquiry.status)
    return update


def _taker(session: Session, ctx: Ctx, check: Checker, taken_by: str | None) -> Iro | None:
    """The IRO named as taking the call, else the IRO who is ``ctx.user`` (if any)."""
    if taken_by is not None and taken_by.strip():
        return lookup_iro(session, check, taken_by, "taken_by", required=True)
    return None if "\x00" in ctx.user else iro_for_user(session, ctx.user)


def _enquiry_child(
    session: Session, check: Checker, child_ref: str | None
) -> tuple[str | None, Child | None]:
    """The child reference as given (checked) and the child it names, if any."""
    before = len(check.problems)
    ref = check.text("child_ref", child_ref, max_len=REF_MAX, one_line=True)
    child: Child | None = None
    if ref and len(check.problems) == before:
        try:
            child = child_by_ref(session, ref, "child_ref")
        except NotFound as exc:
            for problem in exc.problems:
                check.add(problem.field, problem.reason)
    return ref, child


def log_enquiry(
    session: Session,
    ctx: Ctx,
    *,
    category: str,
    summary: str,
    received_at: datetime | None = None,
    taken_by: str | None = None,
    caller_name: str = "",
    caller_role: str = "",
    caller_agency: str = "",
    child_ref: str | None = None,
    subject: str = "",
    action: str = "",
    follow_up_due: date | None = None,
) -> Enquiry:
    """Log a safeguarding enquiry taken by the duty IRO.

    ``received_at`` defaults to now; ``taken_by`` to the IRO whose name or login is
    ``ctx.user`` (none if there is no such IRO). Either ``child_ref`` (a known child) or
    ``subject`` (who it is about, in words) is needed. Every problem is reported at once.
    An IRO who has since left may still be named as the taker, so old calls can be entered.
    """
    check = Checker()
    received = _check_received(check, received_at, ctx)
    taker = _taker(session, ctx, check, taken_by)
    caller_name = check.text("caller_name", caller_name, max_len=NAME_MAX, one_line=True)
    caller_role = check.text("caller_role", caller_role, max_len=NAME_MAX, one_line=True)
    caller_agency = check.text("caller_agency", caller_agency, max_len=NAME_MAX, one_line=True)
    category = check.choice("category", (category or "").strip().upper(), codes.ENQUIRY_CATEGORIES)
    ref, child = _enquiry_child(session, check, child_ref)
    subject = check.text("subject", subject, max_len=SUBJECT_MAX, one_line=True)
    if not ref and not subject:
        check.add("subject", "give the child's reference or say who the enquiry is about")
    summary = check.text("summary", summary, required=True, max_len=TEXT_MAX)
    action = check.text("action", action, max_len=TEXT_MAX)
    if received is not None:
        check.order("received_at", received_on(received), "follow_up_due", follow_up_due)
    check.plausible("follow_up_due", follow_up_due, FOLLOW_UP, ctx.today)
    check.done()
    assert received is not None and category is not None
    enquiry = Enquiry(
        received_at=received,
        taken_by_iro_id=taker.id if taker else None,
        caller_name=caller_name,
        caller_role=caller_role,
        caller_agency=caller_agency,
        category=category,
        child_id=child.id if child else None,
        subject=subject,
        summary=summary,
        action=action,
        follow_up_due=follow_up_due,
        status=OPEN,
    )
    # The summary stays out of the audit trail: the trail says who did what, not what was said.
    add_new(
        session,
        ctx,
        enquiry,
        "enquiry.log",
        received_at=received,
        category=category,
        child=child.ref if child else None,
        taken_by=taker.name if taker else None,
    )
    session.flush()
    _append_update(session, ctx, enquiry, "logged", "enquiry_update.add")
    session.flush()
    return enquiry


def _check_follow_up(
    check: Checker, ctx: Ctx, enquiry: Enquiry, follow_up_due: date | None | EllipsisType
) -> None:
    if follow_up_due is ... or follow_up_due is None:
        return
    check.order("received_at", received_on(enquiry.received_at), "follow_up_due", follow_up_due)
    check.plausible("follow_up_due", follow_up_due, FOLLOW_UP, ctx.today)


def update_enquiry(
    session: Session,
    ctx: Ctx,
    enquiry_id: uuid.UUID | str,
    *,
    note: str,
    follow_up_due: date | None | EllipsisType = ...,
    lado_referred: date | None | EllipsisType = ...,
    lado_meeting: date | None | EllipsisType = ...,
) -> Enquiry:
    """Append a note, optionally changing the follow-up or LADO dates.

    Leave a date argument out to keep it; pass None to clear it. LADO dates belong to
    LADO enquiries only. A closed enquiry takes notes but no new follow-up date.
    """
    enquiry = enquiry_by_id(session, enquiry_id)
    check = Checker()
    note = check.text("note", note, required=True, max_len=TEXT_MAX)
    if follow_up_due is not ... and follow_up_due is not None and enquiry.status == CLOSED:
        check.add("follow_up_due", "the enquiry is closed: reopen it to set a follow-up")
    _check_follow_up(check, ctx, enquiry, follow_up_due)
    received = received_on(enquiry.received_at)
    for field, value in (("lado_referred", lado_referred), ("lado_meeting", lado_meeting)):
        if value is ... or value is None:
            continue
        if enquiry.category != LADO:
            check.add(field, f"only a LADO enquiry has LADO dates (this is {enquiry.category})")
            continue
        check.order("received_at", received, field, value)
        check.not_future(field, value, ctx.today)
    new_referred = enquiry.lado_referred if lado_referred is ... else lado_referred
    new_meeting = enquiry.lado_meeting if lado_meeting is ... else lado_meeting
    if enquiry.category == LADO:
        check.order("lado_referred", new_referred, "lado_meeting", new_meeting)
    check.done()
    changed: dict[str, object] = {}
    if follow_up_due is not ... and follow_up_due != enquiry.follow_up_due:
        enquiry.follow_up_due = follow_up_due
        changed["follow_up_due"] = follow_up_due
    if new_referred != enquiry.lado_referred:
        enquiry.lado_referred = new_referred
        changed["lado_referred"] = new_referred
    if new_meeting != enquiry.lado_meeting:
        enquiry.lado_meeting = new_meeting
        changed["lado_meeting"] = new_meeting
    change(session, ctx, enquiry, "enquiry.update", **changed)
    _append_update(session, ctx, enquiry, note, "enquiry_update.add")
    session.flush()
    return enquiry


def close_enquiry(session: Session, ctx: Ctx, enquiry_id: uuid.UUID | str, note: str) -> Enquiry:
    """Close an open enquiry; the note says why (it is kept with the history)."""
    enquiry = enquiry_by_id(session, enquiry_id)
    check = Checker()
    note = check.text("note", note, required=True, max_len=TEXT_MAX)
    check.require(enquiry.status != CLOSED, "status", "the enquiry is already closed")
    check.done()
    enquiry.status = CLOSED
    enquiry.follow_up_due = None  # nothing is left to follow up on a closed enquiry
    change(session, ctx, enquiry, "enquiry.close")
    _append_update(session, ctx, enquiry, note, "enquiry_update.add")
    session.flush()
    return enquiry


def reopen_enquiry(
    session: Session,
    ctx: Ctx,
    enquiry_id: uuid.UUID | str,
    note: str,
    *,
    follow_up_due: date | None | EllipsisType = ...,
) -> Enquiry:
    """Reopen a closed enquiry, optionally with a new follow-up date."""
    enquiry = enquiry_by_id(session, enquiry_id)
    check = Checker()
    note = check.text("note", note, required=True, max_len=TEXT_MAX)
    check.require(enquiry.status == CLOSED, "status", "the enquiry is already open")
    _check_follow_up(check, ctx, enquiry, follow_up_due)
    check.done()
    enquiry.status = OPEN
    if follow_up_due is not ...:
        enquiry.follow_up_due = follow_up_due
    change(session, ctx, enquiry, "enquiry.reopen", follow_up_due=enquiry.follow_up_due)
    _append_update(session, ctx, enquiry, note, "enquiry_update.add")
    session.flush()
    return enquiry
