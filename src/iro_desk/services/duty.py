"""The duty desk: the daily duty rota and the log of safeguarding enquiries.

One IRO (plus a back-up) is on duty each day and answers safeguarding enquiries. What a
caller said is never rewritten: every later note, follow-up date, LADO date, closing or
reopening is appended as an ``EnquiryUpdate`` row, and the enquiry itself only keeps the
*current* status and dates so lists can be filtered in SQL.

Day boundaries are UTC. An enquiry's "received date" (the day's log, the follow-up check and
the LADO clocks) is the UTC date of ``received_at``, so in British Summer Time a call taken
between midnight and 01:00 local time counts on the previous day.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from types import EllipsisType

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from iro_desk.db.models import Child, Enquiry, EnquiryUpdate, Iro, RotaDay
from iro_desk.db.types import utcnow
from iro_desk.rules import clocks, codes
from iro_desk.rules.plausible import DUTY_DAY, FOLLOW_UP
from iro_desk.services.audit import add_new, change
from iro_desk.services.children import child_by_ref, display_name
from iro_desk.services.context import Ctx
from iro_desk.services.errors import Conflict, InvalidInput, NotFound
from iro_desk.services.iros import find_iro, iro_for_user
from iro_desk.services.unique import unique_or
from iro_desk.services.validate import Checker

__all__ = [
    "CLOSED",
    "LADO",
    "OPEN",
    "DutyDay",
    "EnquiryRow",
    "LadoClock",
    "UpdateRow",
    "assign_duty",
    "clear_duty",
    "close_enquiry",
    "duty_days_of",
    "duty_on",
    "enquiries_on",
    "enquiry_history",
    "get_enquiry",
    "lado_referrals",
    "log_enquiry",
    "open_enquiries",
    "received_on",
    "reopen_enquiry",
    "rota",
    "swap_duty",
    "update_enquiry",
]

OPEN = "open"
CLOSED = "closed"
LADO = "LADO"

# Column limits from db/models.py, so a long value is refused by name, not by the database.
NAME_MAX = 100
REF_MAX = 40
SUBJECT_MAX = 200
TEXT_MAX = 10_000
# Phones and laptops drift a little; a call logged "now" must not be refused as future.
FUTURE_SLACK = timedelta(minutes=5)
# A rota screen shows weeks or months; two years bounds the list one call can build.
MAX_ROTA_DAYS = 732


# --- the rota -----------------------------------------------------------------------


@dataclass(frozen=True)
class DutyDay:
    """Who is on duty on a day; ``duty`` is None when nobody is assigned."""

    day: date
    duty: str | None
    backup: str | None


def _lookup_iro(
    session: Session, check: Checker, name: str | None, field: str, *, required: bool
) -> Iro | None:
    """Find an IRO by name or login, adding a problem (not raising) when there is none."""
    before = len(check.problems)
    name = check.text(field, name, required=required, max_len=NAME_MAX, one_line=True)
    # A NUL would make PostgreSQL refuse the look-up itself, so only clean text is searched.
    if not name or len(check.problems) > before:
        return None
    try:
        return find_iro(session, name, field)
    except NotFound as exc:
        for problem in exc.problems:
            check.add(problem.field, problem.reason)
        return None


def _check_duty_days(ctx: Ctx, **days: date) -> None:
    check = Checker()
    for field, day in days.items():
        check.plausible(field, day, DUTY_DAY, ctx.today)
    check.done()


def _rota_clash(field: str, day: date) -> Conflict:
    """Two desks wrote the same new rota day at once; the second must look again."""
    return Conflict.one(
        field, f"someone else changed the rota for {day} at the same moment; look again"
    )


def _rota_row(session: Session, day: date) -> RotaDay | None:
    return session.scalars(select(RotaDay).where(RotaDay.day == day)).first()


def _iro_name(session: Session, iro_id: uuid.UUID | None) -> str | None:
    if iro_id is None:
        return None
    iro = session.get(Iro, iro_id)
    return iro.name if iro else None


def assign_duty(
    session: Session,
    ctx: Ctx,
    day: date,
    duty_iro_name: str,
    backup_iro_name: str | None = None,
) -> RotaDay:
    """Put an IRO (and optionally a back-up) on duty for ``day``, replacing any assignment.

    Problems are reported on the fields ``duty_iro`` and ``backup_iro``.
    """
    check = Checker()
    check.plausible("day", day, DUTY_DAY, ctx.today)
    duty = _lookup_iro(session, check, duty_iro_name, "duty_iro", required=True)
    backup = _lookup_iro(session, check, backup_iro_name, "backup_iro", required=False)
    for field, iro in (("duty_iro", duty), ("backup_iro", backup)):
        if iro is not None and not iro.active:
            check.add(field, f"{iro.name} is not an active IRO")
    if duty is not None and backup is not None and duty.id == backup.id:
        check.add("backup_iro", f"{duty.name} cannot be both duty and back-up on {day}")
    check.done()
    assert duty is not None
    backup_id = backup.id if backup else None
    backup_name = backup.name if backup else None
    row = _rota_row(session, day)
    if row is None:
        row = RotaDay(day=day, duty_iro_id=duty.id, backup_iro_id=backup_id)
        with unique_or(session, lambda: _rota_clash("day", day)):
            add_new(session, ctx, row, "rota.assign", day=day, duty=duty.name, backup=backup_name)
    elif (row.duty_iro_id, row.backup_iro_id) != (duty.id, backup_id):
        was = (_iro_name(session, row.duty_iro_id), _iro_name(session, row.backup_iro_id))
        row.duty_iro_id = duty.id
        row.backup_iro_id = backup_id
        change(
            session,
            ctx,
            row,
            "rota.assign",
            day=day,
            duty=duty.name,
            backup=backup_name,
            was_duty=was[0],
            was_backup=was[1],
        )
    session.flush()
    return row


def clear_duty(session: Session, ctx: Ctx, day: date) -> None:
    """Leave ``day`` with nobody on duty (the row stays, so its history stays too)."""
    _check_duty_days(ctx, day=day)
    row = _rota_row(session, day)
    if row is None or (row.duty_iro_id is None and row.backup_iro_id is None):
        raise NotFound.one("day", f"nobody is on duty on {day}")
    was = (_iro_name(session, row.duty_iro_id), _iro_name(session, row.backup_iro_id))
    row.duty_iro_id = None
    row.backup_iro_id = None
    change(session, ctx, row, "rota.clear", day=day, was_duty=was[0], was_backup=was[1])
    session.flush()


def swap_duty(session: Session, ctx: Ctx, day_a: date, day_b: date) -> None:
    """Swap the duty and back-up of two days; an unassigned day simply swaps with the other."""
    _check_duty_days(ctx, day_a=day_a, day_b=day_b)
    if day_a == day_b:
        raise InvalidInput.one("day_b", f"pick a day other than {day_a} to swap with")
    row_a, row_b = _rota_row(session, day_a), _rota_row(session, day_b)
    ids_a = (row_a.duty_iro_id, row_a.backup_iro_id) if row_a else (None, None)
    ids_b = (row_b.duty_iro_id, row_b.backup_iro_id) if row_b else (None, None)
    if ids_a == (None, None) and ids_b == (None, None):
        raise InvalidInput.one("day_a", f"nobody is on duty on {day_a} or on {day_b}")
    for day, row, ids, other in ((day_a, row_a, ids_b, day_b), (day_b, row_b, ids_a, day_a)):
        duty_id, backup_id = ids
        detail = {
            "day": day,
            "with_day": other,
            "duty": _iro_name(session, duty_id),
            "backup": _iro_name(session, backup_id),
        }
        if row is None:
            with unique_or(session, lambda day=day: _rota_clash("day_a", day)):
                add_new(
                    session,
                    ctx,
                    RotaDay(day=day, duty_iro_id=duty_id, backup_iro_id=backup_id),
                    "rota.swap",
                    **detail,
                )
        elif (row.duty_iro_id, row.backup_iro_id) != ids:
            row.duty_iro_id, row.backup_iro_id = duty_id, backup_id
            change(session, ctx, row, "rota.swap", **detail)
    session.flush()


def rota(session: Session, start: date, end: date) -> list[DutyDay]:
    """Every calendar day from ``start`` to ``end`` inclusive, assigned or not (one query)."""
    if end < start:
        raise InvalidInput.one("end", f"{end} is before the start {start}")
    days = (end - start).days + 1
    if days > MAX_ROTA_DAYS:
        raise InvalidInput.one("end", f"{days} days asked for; at most {MAX_ROTA_DAYS} at once")
    duty = aliased(Iro)
    backup = aliased(Iro)
    query = (
        select(RotaDay.day, duty.name.label("duty"), backup.name.label("backup"))
        .outerjoin(duty, RotaDay.duty_iro_id == duty.id)
        .outerjoin(backup, RotaDay.backup_iro_id == backup.id)
        .where(RotaDay.day >= start, RotaDay.day <= end)
    )
    found = {r.day: (r.duty, r.backup) for r in session.execute(query)}
    result = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        names = found.get(day, (None, None))
        result.append(DutyDay(day, names[0], names[1]))
    return result


def duty_on(session: Session, day: date) -> DutyDay:
    return rota(session, day, day)[0]


def duty_days_of(
    session: Session, iro_name: str, start: date, end: date, *, include_backup: bool = False
) -> list[date]:
    """The days in [start, end] on which the IRO is on duty (or back-up, if asked)."""
    iro = find_iro(session, iro_name)
    on_duty = RotaDay.duty_iro_id == iro.id
    if include_backup:
        on_duty = on_duty | (RotaDay.backup_iro_id == iro.id)
    query = (
        select(RotaDay.day)
        .where(on_duty, RotaDay.day >= start, RotaDay.day <= end)
        .order_by(RotaDay.day)
    )
    return list(session.scalars(query))


# --- enquiries: rows returned to the CLI and the duty-desk screen ---------------------


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
    def state(self) -> str:
        if self.done is not None:
            return "done late" if self.late else "done"
        return "overdue" if self.late else "due"


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
    """The (UTC) date an enquiry counts as received on."""
    return received_at.astimezone(UTC).date()


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


def _rows_query():
    """Enquiries with the taker's name and the child, in one query (no per-row look-ups)."""
    return (
        select(Enquiry, Iro.name, Child)
        .outerjoin(Iro, Enquiry.taken_by_iro_id == Iro.id)
        .outerjoin(Child, Enquiry.child_id == Child.id)
    )


def _rows(session: Session, query, ctx: Ctx, as_of: date) -> list[EnquiryRow]:
    return [_to_row(e, name, child, ctx, as_of) for e, name, child in session.execute(query)]


def _enquiry_id(value: uuid.UUID | str) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value).strip())
    except ValueError:
        raise InvalidInput.one("enquiry", f"{value!r} is not an enquiry id") from None


def _get_enquiry(session: Session, enquiry_id: uuid.UUID | str) -> Enquiry:
    enquiry = session.get(Enquiry, _enquiry_id(enquiry_id))
    if enquiry is None:
        raise NotFound.one("enquiry", f"no enquiry {enquiry_id}")
    return enquiry


def get_enquiry(
    session: Session, ctx: Ctx, enquiry_id: uuid.UUID | str, as_of: date | None = None
) -> EnquiryRow:
    """One enquiry as a row (overdue and LADO clocks judged on ``as_of``, default today)."""
    key = _enquiry_id(enquiry_id)
    rows = _rows(session, _rows_query().where(Enquiry.id == key), ctx, as_of or ctx.today)
    if not rows:
        raise NotFound.one("enquiry", f"no enquiry {enquiry_id}")
    return rows[0]


def enquiries_on(session: Session, day: date, ctx: Ctx) -> list[EnquiryRow]:
    """The enquiries received on ``day`` (a UTC day), earliest first."""
    start = datetime.combine(day, time.min, UTC)
    query = (
        _rows_query()
        .where(Enquiry.received_at >= start, Enquiry.received_at < start + timedelta(days=1))
        .order_by(Enquiry.received_at, Enquiry.id)
    )
    return _rows(session, query, ctx, ctx.today)


def open_enquiries(session: Session, ctx: Ctx, as_of: date, limit: int = 200) -> list[EnquiryRow]:
    """Open enquiries by follow-up date, so overdue ones come first; none-due ones last."""
    query = (
        _rows_query()
        .where(Enquiry.status == OPEN)
        # NULLS LAST spelled out: SQLite and PostgreSQL put NULLs at opposite ends by default.
        .order_by(Enquiry.follow_up_due.asc().nulls_last(), Enquiry.received_at, Enquiry.id)
        .limit(limit)
    )
    return _rows(session, query, ctx, as_of)


def lado_referrals(session: Session, ctx: Ctx, as_of: date, limit: int = 200) -> list[EnquiryRow]:
    """Open LADO enquiries, oldest first, with their referral and meeting clocks."""
    query = (
        _rows_query()
        .where(Enquiry.status == OPEN, Enquiry.category == LADO)
        .order_by(Enquiry.received_at, Enquiry.id)
        .limit(limit)
    )
    return _rows(session, query, ctx, as_of)


def enquiry_history(session: Session, enquiry_id: uuid.UUID | str) -> list[UpdateRow]:
    """Every update of the enquiry, in the order they were made (the first is "logged")."""
    enquiry = _get_enquiry(session, enquiry_id)
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


# --- enquiries: writes --------------------------------------------------------------


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
        check.add("received_at", f"{value:%Y-%m-%d %H:%M} UTC is in the future")
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
        return _lookup_iro(session, check, taken_by, "taken_by", required=True)
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
    enquiry = _get_enquiry(session, enquiry_id)
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
    enquiry = _get_enquiry(session, enquiry_id)
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
    enquiry = _get_enquiry(session, enquiry_id)
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
