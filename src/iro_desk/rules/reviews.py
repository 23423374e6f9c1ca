"""Review and conference schedules: when the next one is due, and whether each was on time.

Every clock runs from the previous *actual* date, so an early or brought-forward review
simply restarts it (reg 33(3)). Callers pass only the reviews of the current period of
care, plan or placement, in any order. An event on its due date is on time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from iro_desk.rules.codes import SHORT_BREAK_STATUSES
from iro_desk.rules.dates import add_months
from iro_desk.rules.timescales import (
    FIRST_LAR_WD,
    FIRST_RCPC_MONTHS,
    ICPC_WD,
    LATER_LAR_MONTHS,
    LATER_RCPC_MONTHS,
    SECOND_LAR_MONTHS,
    SHORT_BREAK_FIRST_MONTHS,
    SHORT_BREAK_LATER_MONTHS,
    Timescales,
)
from iro_desk.rules.working_days import WorkingCalendar

__all__ = [
    "ChildFacts",
    "Due",
    "ReviewKind",
    "ReviewTiming",
    "icpc_due",
    "icpc_on_time",
    "is_overdue",
    "is_short_break",
    "lar_due",
    "lar_timeliness",
    "next_review",
    "period_for_review",
    "rcpc_due",
    "rcpc_timeliness",
    "review_in_period",
    "secure_review_due",
    "secure_timeliness",
    "short_break_due",
    "short_break_series_start",
    "short_break_timeliness",
    "working_days_left",
]


class ReviewKind(StrEnum):
    LAR1 = "First LAR"
    LAR2 = "Second LAR"
    LAR = "LAR"
    SHORT_BREAK = "Short-break review"
    ICPC = "ICPC"
    RCPC1 = "First RCPC"
    RCPC = "RCPC"
    SECURE = "Secure review"


@dataclass(frozen=True)
class Due:
    """A due date, what is due, and a short human explanation of where it comes from."""

    date: date
    kind: ReviewKind
    basis: str


@dataclass(frozen=True)
class ReviewTiming:
    """A held review judged against the due date set by the one before it."""

    date: date
    due: date
    kind: ReviewKind
    on_time: bool


def _held(dates: Sequence[date]) -> list[date]:
    # Two records on one day are one review as far as the clock is concerned.
    return sorted(set(dates))


def _months(n: int) -> str:
    return "1 month" if n == 1 else f"{n} months"


# -- Which period (or episode) a review belongs to -----------------------------------------


def review_in_period(on: date, start: date, end: date | None) -> bool:
    """A review belongs to a period of care from its first day to its last, the day care
    ends (the 903's DEC) included: the review that closes a period is still its review.
    The 903 import and ``review add`` both ask this."""
    return start <= on and (end is None or on <= end)


def period_for_review(on: date, spans: Sequence[tuple[date, date | None]]) -> int | None:
    """Index of the span (period or episode) a review on ``on`` belongs to, or None.

    On a change-over day (one span ends as the next starts) the review belongs to the
    one that starts that day, so the latest-starting span that holds ``on`` wins.
    """
    found: int | None = None
    for i, (start, end) in enumerate(spans):
        if review_in_period(on, start, end) and (found is None or start >= spans[found][0]):
            found = i
    return found


# -- Looked After Reviews (reg 33) ------------------------------------------------------


def lar_due(period_start: date, reviews: Sequence[date], cal: WorkingCalendar) -> Due:
    """Next Looked After Review: 20 WD from the start of care, then 3 months, then 6."""
    held = _held(reviews)
    if not held:
        return Due(
            cal.add_working_days(period_start, FIRST_LAR_WD),
            ReviewKind.LAR1,
            f"{FIRST_LAR_WD} WD from start of care {period_start.isoformat()}",
        )
    last = held[-1]
    if len(held) == 1:
        return Due(
            add_months(last, SECOND_LAR_MONTHS),
            ReviewKind.LAR2,
            f"{_months(SECOND_LAR_MONTHS)} after first review {last.isoformat()}",
        )
    return Due(
        add_months(last, LATER_LAR_MONTHS),
        ReviewKind.LAR,
        f"{_months(LATER_LAR_MONTHS)} after previous review {last.isoformat()}",
    )


# -- Short breaks (reg 48) --------------------------------------------------------------


def is_short_break(legal_status: str | None) -> bool:
    """True for legal status V3/V4, whose reviews follow reg 48, not reg 33."""
    return legal_status is not None and legal_status.strip().upper() in SHORT_BREAK_STATUSES


def short_break_series_start(
    break_starts: Sequence[date], as_of: date, gap_months: int, *, in_break: bool = False
) -> date | None:
    """The first break of the series of short breaks running on ``as_of``, or None.

    In the 903 each break is its own period of care, but reg 48 reviews run across the
    series. Breaks are one series while each starts within ``gap_months`` of the one
    before (the *setting*); the series still runs on ``as_of`` while that is within
    ``gap_months`` of the latest start, or while a break is open (``in_break``). On the
    day the gap is reached the series still runs, as an event on its due date is on time.
    Only breaks started by ``as_of`` count.
    """
    starts = sorted({d for d in break_starts if d <= as_of}, reverse=True)
    if not starts:
        return None
    if not in_break and as_of > add_months(starts[0], gap_months):
        return None
    first = starts[0]
    for earlier in starts[1:]:
        if add_months(earlier, gap_months) < first:
            break
        first = earlier
    return first


def short_break_due(first_break: date, reviews: Sequence[date]) -> Due:
    """Next short-break review: within 3 months of the first break, then 6 months."""
    held = _held(reviews)
    if not held:
        return Due(
            add_months(first_break, SHORT_BREAK_FIRST_MONTHS),
            ReviewKind.SHORT_BREAK,
            f"{_months(SHORT_BREAK_FIRST_MONTHS)} after first short break "
            f"{first_break.isoformat()}",
        )
    last = held[-1]
    return Due(
        add_months(last, SHORT_BREAK_LATER_MONTHS),
        ReviewKind.SHORT_BREAK,
        f"{_months(SHORT_BREAK_LATER_MONTHS)} after previous review {last.isoformat()}",
    )


# -- Child protection conferences (Working Together) ------------------------------------


def icpc_due(strategy_date: date, cal: WorkingCalendar) -> Due:
    """Initial Child Protection Conference: 15 WD from the strategy discussion."""
    return Due(
        cal.add_working_days(strategy_date, ICPC_WD),
        ReviewKind.ICPC,
        f"{ICPC_WD} WD from strategy discussion {strategy_date.isoformat()}",
    )


def icpc_on_time(strategy_date: date, icpc_date: date, cal: WorkingCalendar) -> bool:
    return icpc_date <= icpc_due(strategy_date, cal).date


def rcpc_due(icpc_date: date, rcpcs: Sequence[date]) -> Due:
    """Review conference: 3 months after the ICPC, then 6 months after the previous one."""
    held = _held(rcpcs)
    if not held:
        return Due(
            add_months(icpc_date, FIRST_RCPC_MONTHS),
            ReviewKind.RCPC1,
            f"{_months(FIRST_RCPC_MONTHS)} after ICPC {icpc_date.isoformat()}",
        )
    last = held[-1]
    return Due(
        add_months(last, LATER_RCPC_MONTHS),
        ReviewKind.RCPC,
        f"{_months(LATER_RCPC_MONTHS)} after previous RCPC {last.isoformat()}",
    )


# -- Secure accommodation (Secure Accommodation Regs 1991) ------------------------------


def secure_review_due(placed: date, reviews: Sequence[date], ts: Timescales) -> Due:
    """Secure review: within 1 month of placement, then every 3 months (settings)."""
    held = _held(reviews)
    if not held:
        return Due(
            add_months(placed, ts.secure_first_months),
            ReviewKind.SECURE,
            f"{_months(ts.secure_first_months)} after secure placement {placed.isoformat()}",
        )
    last = held[-1]
    return Due(
        add_months(last, ts.secure_later_months),
        ReviewKind.SECURE,
        f"{_months(ts.secure_later_months)} after previous secure review {last.isoformat()}",
    )


# -- Timeliness of held reviews ---------------------------------------------------------


def _timeliness(held: list[date], due_after: Callable[[list[date]], Due]) -> list[ReviewTiming]:
    out: list[ReviewTiming] = []
    for i, held_on in enumerate(held):
        due = due_after(held[:i])
        out.append(ReviewTiming(held_on, due.date, due.kind, held_on <= due.date))
    return out


def lar_timeliness(
    period_start: date, reviews: Sequence[date], cal: WorkingCalendar
) -> list[ReviewTiming]:
    """Each Looked After Review, oldest first, judged against the review before it."""
    return _timeliness(_held(reviews), lambda before: lar_due(period_start, before, cal))


def short_break_timeliness(first_break: date, reviews: Sequence[date]) -> list[ReviewTiming]:
    return _timeliness(_held(reviews), lambda before: short_break_due(first_break, before))


def rcpc_timeliness(icpc_date: date, rcpcs: Sequence[date]) -> list[ReviewTiming]:
    return _timeliness(_held(rcpcs), lambda before: rcpc_due(icpc_date, before))


def secure_timeliness(placed: date, reviews: Sequence[date], ts: Timescales) -> list[ReviewTiming]:
    return _timeliness(_held(reviews), lambda before: secure_review_due(placed, before, ts))


# -- One child's next review across all clocks ------------------------------------------


@dataclass(frozen=True)
class ChildFacts:
    """What the schedules need to know about one child (current period/plan/placement)."""

    period_start: date | None
    legal_status: str | None
    lar_dates: tuple[date, ...] = ()
    strategy_date: date | None = None
    icpc_date: date | None = None
    rcpc_dates: tuple[date, ...] = ()
    secure_placed: date | None = None
    secure_review_dates: tuple[date, ...] = ()


def next_review(facts: ChildFacts, cal: WorkingCalendar, ts: Timescales) -> Due | None:
    """The earliest due review or conference across the child's clocks, or None."""
    candidates: list[Due] = []
    if facts.period_start is not None:
        if is_short_break(facts.legal_status):
            candidates.append(short_break_due(facts.period_start, facts.lar_dates))
        else:
            candidates.append(lar_due(facts.period_start, facts.lar_dates, cal))
    if facts.icpc_date is not None:
        candidates.append(rcpc_due(facts.icpc_date, facts.rcpc_dates))
    elif facts.strategy_date is not None:
        candidates.append(icpc_due(facts.strategy_date, cal))
    if facts.secure_placed is not None:
        candidates.append(secure_review_due(facts.secure_placed, facts.secure_review_dates, ts))
    if not candidates:
        return None
    # min() keeps the first of equal dates, so ties favour the order above.
    return min(candidates, key=lambda d: d.date)


def _clock_key(start: date | None, held: Sequence[date]) -> tuple[object, ...]:
    """What a clock's next due date depends on: its start while nothing is held, then only
    whether one or more reviews were held and the latest (see the functions above)."""
    if not held:
        return (start, 0, None)
    return (None, min(len(set(held)), 2), max(held))


class ScheduleCache:
    """``next_review`` for many children at once (a whole caseload, a whole country).

    Children share clock starts and review dates, so each distinct answer is worked out
    once by ``next_review`` itself and reused.
    """

    def __init__(self, cal: WorkingCalendar, ts: Timescales) -> None:
        self.cal, self.ts = cal, ts
        self._answers: dict[tuple[object, ...], Due | None] = {}

    def next_review(self, facts: ChildFacts) -> Due | None:
        key = (
            is_short_break(facts.legal_status),
            _clock_key(facts.period_start, facts.lar_dates) if facts.period_start else None,
            _clock_key(facts.icpc_date, facts.rcpc_dates) if facts.icpc_date else None,
            facts.strategy_date if facts.icpc_date is None else None,
            _clock_key(facts.secure_placed, facts.secure_review_dates)
            if facts.secure_placed
            else None,
        )
        try:
            return self._answers[key]
        except KeyError:
            answer = self._answers[key] = next_review(facts, self.cal, self.ts)
            return answer


def reviews_from_span(first: date | None, last: date | None) -> tuple[date, ...]:
    """Reviews as the clocks see them, from the first and latest held: none, one, or two
    or more (first and latest). Nothing else changes a due date, so set-based readers
    need not fetch every review."""
    if last is None:
        return ()
    if first is None or first == last:
        return (last,)
    return (first, last)


def working_days_left(as_of: date, due: date | Due, cal: WorkingCalendar) -> int:
    """Working days from ``as_of`` to the due date: 0 on the day, negative when overdue."""
    due_date = due.date if isinstance(due, Due) else due
    return cal.working_days_between(as_of, due_date)


def is_overdue(as_of: date, due: date | Due) -> bool:
    due_date = due.date if isinstance(due, Due) else due
    return as_of > due_date
