"""Review schedules. Expected dates worked out by hand from the England calendar."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from iro_desk.rules.reviews import (
    ChildFacts,
    Due,
    ReviewKind,
    ReviewTiming,
    icpc_due,
    icpc_on_time,
    is_overdue,
    is_short_break,
    lar_due,
    lar_timeliness,
    next_review,
    rcpc_due,
    rcpc_timeliness,
    secure_review_due,
    secure_timeliness,
    short_break_due,
    short_break_timeliness,
    working_days_left,
)
from iro_desk.rules.timescales import Timescales
from iro_desk.rules.working_days import default_calendar

CAL = default_calendar()
TS = Timescales()
D = date


def test_review_kind_values() -> None:
    assert ReviewKind.LAR1 == "First LAR"
    assert ReviewKind.SHORT_BREAK.value == "Short-break review"
    assert ReviewKind("RCPC") is ReviewKind.RCPC


# -- LAR ----------------------------------------------------------------------------------


def test_first_lar_is_20_wd_after_start_of_care() -> None:
    # Mon 5 Jan 2026 + 20 WD (no holidays in the span): 4 full weeks -> Mon 2 Feb.
    due = lar_due(D(2026, 1, 5), [], CAL)
    assert due == Due(D(2026, 2, 2), ReviewKind.LAR1, "20 WD from start of care 2026-01-05")


def test_first_lar_across_christmas() -> None:
    # Mon 15 Dec 2025 + 20 WD skips 25, 26 Dec and 1 Jan -> Thu 15 Jan 2026.
    assert lar_due(D(2025, 12, 15), [], CAL).date == D(2026, 1, 15)


def test_lar_sequence_3_then_6_months_from_actual_dates() -> None:
    start = D(2026, 1, 5)
    second = lar_due(start, [D(2026, 1, 30)], CAL)
    assert second.date == D(2026, 4, 30)
    assert second.kind is ReviewKind.LAR2
    assert second.basis == "3 months after first review 2026-01-30"
    third = lar_due(start, [D(2026, 4, 28), D(2026, 1, 30)], CAL)  # any order
    assert third.date == D(2026, 10, 28)
    assert third.kind is ReviewKind.LAR
    assert third.basis == "6 months after previous review 2026-04-28"


def test_brought_forward_review_resets_the_clock() -> None:
    start = D(2026, 1, 5)
    reviews = [D(2026, 1, 30), D(2026, 4, 28)]
    assert lar_due(start, reviews, CAL).date == D(2026, 10, 28)
    # Brought forward to 15 Jul: the next is due 6 months after that, not after 28 Oct.
    assert lar_due(start, [*reviews, D(2026, 7, 15)], CAL).date == D(2027, 1, 15)


def test_lar_month_end_clamping() -> None:
    start = D(2025, 11, 3)
    assert lar_due(start, [D(2025, 11, 30)], CAL).date == D(2026, 2, 28)
    assert lar_due(start, [D(2025, 11, 30), D(2025, 8, 31)], CAL).date == D(2026, 5, 30)
    assert lar_due(start, [D(2025, 5, 1), D(2025, 8, 31)], CAL).date == D(2026, 2, 28)


def test_duplicate_review_dates_count_once() -> None:
    assert lar_due(D(2026, 1, 5), [D(2026, 1, 30), D(2026, 1, 30)], CAL).kind is ReviewKind.LAR2


def test_lar_timeliness_on_the_due_date_and_the_day_after() -> None:
    start = D(2026, 1, 5)  # first due Mon 2 Feb 2026
    timings = lar_timeliness(start, [D(2026, 5, 3), D(2026, 2, 2), D(2026, 11, 3)], CAL)
    assert timings == [
        ReviewTiming(D(2026, 2, 2), D(2026, 2, 2), ReviewKind.LAR1, True),  # on the day
        ReviewTiming(D(2026, 5, 3), D(2026, 5, 2), ReviewKind.LAR2, False),  # a day late
        ReviewTiming(D(2026, 11, 3), D(2026, 11, 3), ReviewKind.LAR, True),  # from 3 May
    ]
    late = lar_timeliness(start, [D(2026, 2, 3)], CAL)
    assert late == [ReviewTiming(D(2026, 2, 3), D(2026, 2, 2), ReviewKind.LAR1, False)]
    assert lar_timeliness(start, [], CAL) == []


# -- short breaks -------------------------------------------------------------------------


def test_is_short_break() -> None:
    assert is_short_break("V3")
    assert is_short_break("v4 ")
    assert not is_short_break("V2")
    assert not is_short_break("C2")
    assert not is_short_break(None)


def test_short_break_schedule() -> None:
    first = short_break_due(D(2026, 1, 10), [])
    assert first == Due(
        D(2026, 4, 10), ReviewKind.SHORT_BREAK, "3 months after first short break 2026-01-10"
    )
    assert short_break_due(D(2026, 1, 10), [D(2026, 4, 1)]).date == D(2026, 10, 1)
    assert short_break_due(D(2025, 8, 31), []).date == D(2025, 11, 30)


def test_short_break_timeliness() -> None:
    assert short_break_timeliness(D(2026, 1, 10), [D(2026, 4, 10), D(2026, 10, 11)]) == [
        ReviewTiming(D(2026, 4, 10), D(2026, 4, 10), ReviewKind.SHORT_BREAK, True),
        ReviewTiming(D(2026, 10, 11), D(2026, 10, 10), ReviewKind.SHORT_BREAK, False),
    ]


# -- child protection ---------------------------------------------------------------------


def test_icpc_is_15_wd_after_strategy_discussion() -> None:
    # Mon 2 Mar 2026 + 15 WD (no holidays): 3 weeks -> Mon 23 Mar.
    due = icpc_due(D(2026, 3, 2), CAL)
    assert due == Due(D(2026, 3, 23), ReviewKind.ICPC, "15 WD from strategy discussion 2026-03-02")
    # Mon 15 Dec 2025 + 15 WD: ... Wed 31 Dec (10), Fri 2 Jan (11), 5-8 Jan -> Thu 8 Jan.
    assert icpc_due(D(2025, 12, 15), CAL).date == D(2026, 1, 8)


def test_icpc_on_time() -> None:
    assert icpc_on_time(D(2026, 3, 2), D(2026, 3, 23), CAL)
    assert not icpc_on_time(D(2026, 3, 2), D(2026, 3, 24), CAL)
    assert icpc_on_time(D(2026, 3, 2), D(2026, 3, 10), CAL)


def test_rcpc_schedule_and_timeliness() -> None:
    assert rcpc_due(D(2026, 1, 8), []) == Due(
        D(2026, 4, 8), ReviewKind.RCPC1, "3 months after ICPC 2026-01-08"
    )
    assert rcpc_due(D(2026, 1, 8), [D(2026, 4, 8)]).date == D(2026, 10, 8)
    assert rcpc_due(D(2026, 1, 8), [D(2026, 4, 8)]).kind is ReviewKind.RCPC
    assert rcpc_timeliness(D(2026, 1, 8), [D(2026, 4, 8), D(2026, 10, 9)]) == [
        ReviewTiming(D(2026, 4, 8), D(2026, 4, 8), ReviewKind.RCPC1, True),
        ReviewTiming(D(2026, 10, 9), D(2026, 10, 8), ReviewKind.RCPC, False),
    ]


# -- secure accommodation -----------------------------------------------------------------


def test_secure_reviews() -> None:
    # 1 month after 31 Jan 2026 clamps to 28 Feb; then 3 months from the actual review.
    first = secure_review_due(D(2026, 1, 31), [], TS)
    assert first == Due(
        D(2026, 2, 28), ReviewKind.SECURE, "1 month after secure placement 2026-01-31"
    )
    assert secure_review_due(D(2026, 1, 31), [D(2026, 2, 20)], TS).date == D(2026, 5, 20)
    local = Timescales(secure_first_months=2, secure_later_months=2)
    assert secure_review_due(D(2026, 1, 31), [], local).date == D(2026, 3, 31)
    assert secure_review_due(D(2026, 1, 31), [D(2026, 3, 31)], local).date == D(2026, 5, 31)
    assert secure_timeliness(D(2026, 1, 31), [D(2026, 3, 1)], TS) == [
        ReviewTiming(D(2026, 3, 1), D(2026, 2, 28), ReviewKind.SECURE, False)
    ]


# -- next review across clocks ------------------------------------------------------------


def test_next_review_none_when_no_clock_runs() -> None:
    assert next_review(ChildFacts(period_start=None, legal_status=None), CAL, TS) is None


def test_next_review_looked_after() -> None:
    facts = ChildFacts(period_start=D(2026, 1, 5), legal_status="C2")
    assert next_review(facts, CAL, TS) == lar_due(D(2026, 1, 5), [], CAL)


def test_next_review_short_breaks_use_reg_48() -> None:
    facts = ChildFacts(period_start=D(2026, 1, 10), legal_status="V3")
    due = next_review(facts, CAL, TS)
    assert due is not None
    assert (due.date, due.kind) == (D(2026, 4, 10), ReviewKind.SHORT_BREAK)


def test_next_review_picks_the_earliest_clock() -> None:
    # LAR2 due 30 Apr 2026; ICPC due 23 Mar 2026 -> ICPC first.
    facts = ChildFacts(
        period_start=D(2026, 1, 5),
        legal_status="C1",
        lar_dates=(D(2026, 1, 30),),
        strategy_date=D(2026, 3, 2),
    )
    due = next_review(facts, CAL, TS)
    assert due is not None
    assert (due.date, due.kind) == (D(2026, 3, 23), ReviewKind.ICPC)


def test_next_review_cp_after_icpc_and_secure() -> None:
    facts = ChildFacts(
        period_start=None,
        legal_status=None,
        strategy_date=D(2025, 12, 15),
        icpc_date=D(2026, 1, 8),
        rcpc_dates=(D(2026, 4, 8),),
    )
    due = next_review(facts, CAL, TS)
    assert due is not None
    assert (due.date, due.kind) == (D(2026, 10, 8), ReviewKind.RCPC)
    secure = ChildFacts(
        period_start=D(2025, 6, 2),
        legal_status="J1",
        lar_dates=(D(2025, 6, 27), D(2025, 9, 20)),  # next LAR 20 Mar 2026
        secure_placed=D(2026, 1, 31),  # secure review 28 Feb 2026
    )
    due = next_review(secure, CAL, TS)
    assert due is not None
    assert (due.date, due.kind) == (D(2026, 2, 28), ReviewKind.SECURE)


# -- days left / overdue ------------------------------------------------------------------


def test_working_days_left_and_overdue() -> None:
    due = lar_due(D(2025, 12, 15), [], CAL)  # Thu 15 Jan 2026
    assert working_days_left(D(2025, 12, 15), due, CAL) == 20
    assert working_days_left(D(2026, 1, 15), due, CAL) == 0
    assert working_days_left(D(2026, 1, 16), due.date, CAL) == -1
    assert working_days_left(D(2026, 1, 19), due, CAL) == -2  # Mon after
    assert not is_overdue(D(2026, 1, 15), due)
    assert is_overdue(D(2026, 1, 16), due)
    assert is_overdue(D(2026, 1, 16), due.date)


# -- properties ---------------------------------------------------------------------------

dates = st.dates(min_value=D(2005, 1, 1), max_value=D(2035, 12, 31))
gaps = st.lists(st.integers(min_value=1, max_value=250), max_size=5)


def _reviews_after(start: date, gap_days: list[int]) -> list[date]:
    out, d = [], start
    for g in gap_days:
        d += timedelta(days=g)
        out.append(d)
    return out


@given(dates, gaps)
def test_lar_on_due_date_on_time_and_day_after_late(start: date, gap_days: list[int]) -> None:
    held = _reviews_after(start, gap_days)
    due = lar_due(start, held, CAL).date
    assert lar_timeliness(start, [*held, due], CAL)[-1].on_time
    assert not lar_timeliness(start, [*held, due + timedelta(days=1)], CAL)[-1].on_time


@given(dates, gaps)
def test_rcpc_on_due_date_on_time_and_day_after_late(start: date, gap_days: list[int]) -> None:
    held = _reviews_after(start, gap_days)
    due = rcpc_due(start, held).date
    assert rcpc_timeliness(start, [*held, due])[-1].on_time
    assert not rcpc_timeliness(start, [*held, due + timedelta(days=1)])[-1].on_time


@given(dates, gaps)
def test_short_break_on_due_date_on_time_and_day_after_late(
    start: date, gap_days: list[int]
) -> None:
    held = _reviews_after(start, gap_days)
    due = short_break_due(start, held).date
    assert short_break_timeliness(start, [*held, due])[-1].on_time
    assert not short_break_timeliness(start, [*held, due + timedelta(days=1)])[-1].on_time


@given(dates)
def test_icpc_on_due_date_on_time_and_day_after_late(strategy: date) -> None:
    due = icpc_due(strategy, CAL).date
    assert icpc_on_time(strategy, due, CAL)
    assert not icpc_on_time(strategy, due + timedelta(days=1), CAL)


@given(dates, gaps)
def test_timeliness_returns_one_entry_per_distinct_review(start: date, gap_days: list[int]) -> None:
    held = _reviews_after(start, gap_days)
    timings = lar_timeliness(start, list(reversed(held)), CAL)
    assert [t.date for t in timings] == sorted(set(held))
