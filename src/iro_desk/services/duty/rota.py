"""The daily duty rota: one IRO (plus a back-up) on duty each day."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from iro_desk.db.models import Iro, RotaDay
from iro_desk.rules.plausible import DUTY_DAY
from iro_desk.services.audit import add_new, change
from iro_desk.services.context import Ctx
from iro_desk.services.duty.fields import MAX_ROTA_DAYS, lookup_iro
from iro_desk.services.errors import Conflict, InvalidInput, NotFound
from iro_desk.services.iros import find_iro
from iro_desk.services.unique import unique_or
from iro_desk.services.validate import Checker


@dataclass(frozen=True)
class DutyDay:
    """Who is on duty on a day; ``duty`` is None when nobody is assigned."""

    day: date
    duty: str | None
    backup: str | None


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
    duty = lookup_iro(session, check, duty_iro_name, "duty_iro", required=True)
    backup = lookup_iro(session, check, backup_iro_name, "backup_iro", required=False)
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
