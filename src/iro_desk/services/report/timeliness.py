"""Counting the IRO service's own clocks in the year: IRO allocated within N WD of the
start of care, and each review's or conference's decisions and record circulated in
time (``rules.clocks``). What was never done counts as late."""

from __future__ import annotations

import functools
from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from iro_desk.db.models import Allocation, CarePeriod, Episode, Meeting
from iro_desk.db.queries import raw_key
from iro_desk.rules.clocks import (
    decisions_circulation_due,
    iro_allocation_due,
    record_circulation_due,
)
from iro_desk.services.context import Ctx
from iro_desk.services.report.common import SHORT_BREAKS, fetch_rows
from iro_desk.services.report.figures import Share

# The meetings whose decisions and record are circulated (reviews and conferences).
CIRCULATED = ("LAR", "SHORTBREAK", "ICPC", "RCPC", "SECURE")


def count_timeliness(session: Session, ctx: Ctx, start: date, end: date) -> tuple[Share, ...]:
    """Three shares: periods of care started in the year (short breaks left out, as in the
    starts) with an IRO allocated in time; meetings held in the year with their decisions,
    and with their record, circulated in time."""
    cal, ts = ctx.calendar, ctx.settings.timescales
    # Many meetings and periods share a day: work each due date out once.
    alloc_due = functools.cache(lambda d: iro_allocation_due(d, cal, ts))
    decisions_due = functools.cache(lambda d: decisions_circulation_due(d, cal, ts))
    record_due = functools.cache(lambda d: record_circulation_due(d, cal, ts))
    allocated, periods = _allocations(session, start, end)
    alloc_ok = sum(
        1
        for period_id, care in periods.items()
        if period_id in allocated and allocated[period_id] <= alloc_due(care)
    )
    decisions_ok = record_ok = held = 0
    # Grouped in SQL: meetings share their day and circulation days, so far fewer rows.
    dates = (Meeting.meeting_date, Meeting.decisions_circulated, Meeting.record_circulated)
    for day, decisions, record, n in fetch_rows(
        session,
        select(*dates, func.count())
        .where(Meeting.kind.in_(CIRCULATED), Meeting.meeting_date.between(start, end))
        .group_by(*dates),
    ):
        held += n
        decisions_ok += n if decisions is not None and decisions <= decisions_due(day) else 0
        record_ok += n if record is not None and record <= record_due(day) else 0
    return (
        Share.of(
            f"IRO allocated within {ts.iro_allocation_wd} WD of care starting",
            alloc_ok,
            len(periods),
        ),
        Share.of(
            f"Review decisions circulated within {ts.decisions_circulation_wd} WD",
            decisions_ok,
            held,
        ),
        Share.of(f"Review record circulated within {ts.record_circulation_wd} WD", record_ok, held),
    )


def _allocations(session: Session, start: date, end: date) -> tuple[dict[Any, date], dict]:
    """Periods started in the year, and the first allocation that holds at or after each
    one's start (an IRO already allocated before care began counts from then)."""
    first = aliased(Episode)
    query = (
        select(raw_key(CarePeriod.id), CarePeriod.start_date, Allocation.start_date)
        .join(
            first,
            and_(first.period_id == CarePeriod.id, first.start_date == CarePeriod.start_date),
        )
        .outerjoin(
            Allocation,
            and_(
                Allocation.child_id == CarePeriod.child_id,
                or_(Allocation.end_date.is_(None), Allocation.end_date > CarePeriod.start_date),
            ),
        )
        .where(CarePeriod.start_date.between(start, end), first.legal_status.not_in(SHORT_BREAKS))
    )
    periods: dict[Any, date] = {}
    allocated: dict[Any, date] = defaultdict(lambda: date.max)
    for period_id, care, alloc in fetch_rows(session, query):
        periods[period_id] = care
        if alloc is not None:
            allocated[period_id] = min(allocated[period_id], alloc)
    return dict(allocated), periods
