"""The rota screen's actions as one call each: reading a stretch of the rota, assigning,
clearing and swapping days, each write in one transaction."""

from __future__ import annotations

from datetime import date

from iro_desk.services.context import Desk
from iro_desk.services.duty import DutyDay, assign_duty, clear_duty, rota, swap_duty
from iro_desk.services.iros import list_iros


def load_rota(desk: Desk, *, start: date, end: date) -> tuple[list[DutyDay], list[str]]:
    """Every day from ``start`` to ``end`` and the names of the active IROs."""
    with desk.read() as session:
        return rota(session, start, end), [i.name for i in list_iros(session, active_only=True)]


def assign_day(desk: Desk, *, day: date, duty: str, backup: str | None) -> None:
    with desk.write() as session:
        assign_duty(session, desk.ctx, day, duty, backup)


def clear_day(desk: Desk, *, day: date) -> None:
    with desk.write() as session:
        clear_duty(session, desk.ctx, day)


def swap_days(desk: Desk, *, first: date, second: date) -> None:
    with desk.write() as session:
        swap_duty(session, desk.ctx, first, second)
