"""Working days against the real England calendar.

Every expected date below was worked out by hand from the published bank holidays
(weekday names given in the comments), not copied from the code's output.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iro_desk.rules.england_bank_holidays import (
    FIRST_YEAR,
    LAST_YEAR,
    TABLE,
    generate_table_lines,
)
from iro_desk.rules.working_days import (
    WorkingCalendar,
    default_calendar,
    england_holidays,
    package_england_holidays,
)

CAL = default_calendar()
D = date


def naive_is_working_day(d: date) -> bool:
    return d.weekday() < 5 and d not in england_holidays(d.year)


def naive_add(start: date, n: int) -> date:
    """Independent day-by-day oracle for small spans."""
    d = start
    step = 1 if n > 0 else -1
    left = abs(n)
    while left:
        d += timedelta(days=step)
        if naive_is_working_day(d):
            left -= 1
    return d


# -- england_holidays ---------------------------------------------------------------------


def test_england_holidays_2025_26_christmas_and_easter() -> None:
    assert D(2025, 12, 25) in england_holidays(2025)
    assert D(2025, 12, 26) in england_holidays(2025)
    assert D(2026, 1, 1) in england_holidays(2026)
    assert D(2026, 4, 3) in england_holidays(2026)  # Good Friday
    assert D(2026, 4, 6) in england_holidays(2026)  # Easter Monday
    assert D(2026, 4, 2) not in england_holidays(2026)


def test_england_holidays_substitute_days_and_one_offs() -> None:
    assert D(2026, 12, 28) in england_holidays(2026)  # Boxing Day (Sat) observed Mon
    assert D(2022, 12, 27) in england_holidays(2022)  # Christmas (Sun) observed Tue
    assert D(2022, 9, 19) in england_holidays(2022)  # State funeral of Elizabeth II
    assert D(2022, 6, 3) in england_holidays(2022)  # Platinum Jubilee


def test_england_holidays_is_england_not_scotland() -> None:
    assert D(2026, 1, 2) not in england_holidays(2026)  # 2 January is Scotland only
    assert D(2026, 8, 31) in england_holidays(2026)  # late summer (Scotland: 3 Aug)


def test_england_holidays_table_matches_the_holidays_package_every_year() -> None:
    # The shipped table must say exactly what the installed package says; on a package
    # upgrade that changes a year, the message holds the lines to paste into the table.
    differ = [
        year
        for year in range(FIRST_YEAR, LAST_YEAR + 1)
        if england_holidays(year) != package_england_holidays(year)
    ]
    assert not differ, f"regenerate TABLE for {differ}:\n{generate_table_lines()}"


@pytest.mark.parametrize("year", [FIRST_YEAR - 1, LAST_YEAR + 1, 1978, 2100])
def test_england_holidays_outside_the_table_come_from_the_package(year: int) -> None:
    assert year not in TABLE
    assert england_holidays(year) == package_england_holidays(year)
    assert D(year, 12, 25) in england_holidays(year)


def test_calendar_built_from_the_table_imports_no_holidays_package() -> None:
    # Start-up speed: a quick command must not pay for the package's country registry.
    code = (
        "import sys\n"
        "from datetime import date\n"
        "from iro_desk.rules.working_days import WorkingCalendar\n"
        "cal = WorkingCalendar()\n"
        "print(cal.add_working_days(date(2026, 12, 24), 1))\n"
        "print(any(m == 'holidays' or m.startswith('holidays.') for m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["2026-12-29", "False"]


# -- worked cases -------------------------------------------------------------------------


def test_20_wd_across_christmas_and_new_year_2025_26() -> None:
    # Mon 15 Dec 2025. WD: 16-19 Dec (4), 22-24 (7), [25, 26 holidays], 29-31 (10),
    # [1 Jan holiday], Fri 2 Jan (11), 5-9 Jan (16), 12-15 Jan (20) -> Thu 15 Jan 2026.
    assert CAL.add_working_days(D(2025, 12, 15), 20) == D(2026, 1, 15)
    assert CAL.working_days_between(D(2025, 12, 15), D(2026, 1, 15)) == 20
    assert CAL.working_days_between(D(2026, 1, 15), D(2025, 12, 15)) == -20
    # 10 WD lands on Wed 31 Dec; 11 skips New Year's Day to Fri 2 Jan.
    assert CAL.add_working_days(D(2025, 12, 15), 10) == D(2025, 12, 31)
    assert CAL.add_working_days(D(2025, 12, 15), 11) == D(2026, 1, 2)


def test_easter_2026() -> None:
    # Thu 2 Apr + 1 WD: Good Friday 3 Apr, weekend, Easter Monday 6 Apr -> Tue 7 Apr.
    assert CAL.add_working_days(D(2026, 4, 2), 1) == D(2026, 4, 7)
    # Tue 31 Mar + 5 WD: 1, 2 Apr (2), 7, 8, 9 Apr (5) -> Thu 9 Apr.
    assert CAL.add_working_days(D(2026, 3, 31), 5) == D(2026, 4, 9)
    assert not CAL.is_working_day(D(2026, 4, 3))
    assert not CAL.is_working_day(D(2026, 4, 6))
    assert CAL.is_working_day(D(2026, 4, 7))


def test_substitute_bank_holidays() -> None:
    # Thu 24 Dec 2026 + 1: Fri 25 (Christmas), weekend, Mon 28 (Boxing Day observed)
    # -> Tue 29 Dec 2026.
    assert not CAL.is_working_day(D(2026, 12, 28))
    assert CAL.add_working_days(D(2026, 12, 24), 1) == D(2026, 12, 29)
    # Fri 23 Dec 2022 + 1: Mon 26 (Boxing Day), Tue 27 (Christmas observed) -> Wed 28.
    assert not CAL.is_working_day(D(2022, 12, 27))
    assert CAL.add_working_days(D(2022, 12, 23), 1) == D(2022, 12, 28)


def test_one_off_state_funeral_2022() -> None:
    # Fri 16 Sep 2022 + 1: Mon 19 Sep was the state funeral -> Tue 20 Sep.
    assert not CAL.is_working_day(D(2022, 9, 19))
    assert CAL.add_working_days(D(2022, 9, 16), 1) == D(2022, 9, 20)
    assert CAL.working_days_between(D(2022, 9, 16), D(2022, 9, 20)) == 1


def test_start_day_is_day_zero_even_when_not_a_working_day() -> None:
    assert CAL.add_working_days(D(2026, 1, 5), 0) == D(2026, 1, 5)
    assert CAL.add_working_days(D(2026, 1, 3), 0) == D(2026, 1, 3)  # Saturday
    assert CAL.add_working_days(D(2026, 1, 3), 1) == D(2026, 1, 5)  # Sat -> Mon
    assert CAL.add_working_days(D(2026, 1, 5), 1) == D(2026, 1, 6)  # Mon -> Tue


def test_subtract_working_days() -> None:
    # Tue 7 Apr 2026 - 2 WD: Easter Mon 6, weekend, Good Fri 3 are skipped: Thu 2 (1),
    # Wed 1 Apr (2).
    assert CAL.subtract_working_days(D(2026, 4, 7), 2) == D(2026, 4, 1)
    assert CAL.add_working_days(D(2026, 4, 7), -2) == D(2026, 4, 1)
    # Mon 5 Jan 2026 - 2 WD: Fri 2 Jan (1), [1 Jan holiday], Wed 31 Dec 2025 (2).
    assert CAL.subtract_working_days(D(2026, 1, 5), 2) == D(2025, 12, 31)
    # From a Saturday, the first working day before is the Friday.
    assert CAL.subtract_working_days(D(2026, 1, 10), 1) == D(2026, 1, 9)
    assert CAL.subtract_working_days(D(2026, 1, 10), 0) == D(2026, 1, 10)


def test_next_working_day_on_or_after() -> None:
    assert CAL.next_working_day_on_or_after(D(2026, 1, 5)) == D(2026, 1, 5)
    # Thu 25 Dec 2025 -> 26 holiday, weekend -> Mon 29 Dec.
    assert CAL.next_working_day_on_or_after(D(2025, 12, 25)) == D(2025, 12, 29)


def test_between_same_day_and_weekend_spans() -> None:
    assert CAL.working_days_between(D(2026, 1, 5), D(2026, 1, 5)) == 0
    # Fri -> Sun: nothing in (Fri, Sun].
    assert CAL.working_days_between(D(2026, 1, 9), D(2026, 1, 11)) == 0
    assert CAL.working_days_between(D(2026, 1, 9), D(2026, 1, 12)) == 1


def test_long_spans_match_a_day_by_day_count() -> None:
    start = D(2021, 6, 15)
    for n in (1, 250, 253, 800, 2000):
        assert CAL.add_working_days(start, n) == naive_add(start, n)
        assert CAL.add_working_days(start, -n) == naive_add(start, -n)


def test_fresh_calendar_extends_in_both_directions() -> None:
    cal = WorkingCalendar(lambda year: ())  # weekends only
    # Mon 5 Jan 2026 - 5 WD -> Mon 29 Dec 2025 (previous year built on demand).
    assert cal.add_working_days(D(2026, 1, 5), -5) == D(2025, 12, 29)
    # Fri 31 Dec 2027 + 1 -> Mon 3 Jan 2028 (next year built on demand).
    assert cal.add_working_days(D(2027, 12, 31), 1) == D(2028, 1, 3)
    # Far away in both directions, then back in the middle.
    assert cal.is_working_day(D(1990, 1, 1))  # a Monday
    assert not cal.is_working_day(D(2040, 1, 1))  # a Sunday
    assert cal.working_days_between(D(2026, 1, 5), D(2026, 1, 12)) == 5
    # 10 years of weekdays: 2016-01-01 .. 2025-12-31 inclusive has 2609 weekdays.
    assert cal.working_days_between(D(2015, 12, 31), D(2025, 12, 31)) == 2609


def test_custom_holidays_are_used() -> None:
    cal = WorkingCalendar(lambda year: {D(year, 6, 1)})
    assert not cal.is_working_day(D(2026, 6, 1))  # a Monday made a holiday
    assert cal.add_working_days(D(2026, 5, 29), 1) == D(2026, 6, 2)


def test_each_year_is_built_once() -> None:
    calls: list[int] = []

    def spy(year: int) -> frozenset[date]:
        calls.append(year)
        return england_holidays(year)

    cal = WorkingCalendar(spy)
    for _ in range(3):
        cal.add_working_days(D(2025, 12, 15), 20)
        cal.working_days_between(D(2024, 3, 1), D(2026, 3, 1))
    assert sorted(calls) == [2024, 2025, 2026]


def test_concurrent_use_from_threads() -> None:
    cal = WorkingCalendar()
    errors: list[BaseException] = []

    def work(offset: int) -> None:
        try:
            for i in range(50):
                d = D(2000 + (offset * 7 + i) % 40, 1 + i % 12, 1 + i % 28)
                assert cal.working_days_between(d, cal.add_working_days(d, 37)) == 37
        except BaseException as e:  # pragma: no cover - only on failure
            errors.append(e)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_default_calendar_is_shared() -> None:
    assert default_calendar() is default_calendar()


def test_out_of_range_raises_overflow() -> None:
    with pytest.raises(OverflowError):
        WorkingCalendar(lambda year: ()).add_working_days(D(9999, 12, 30), 5)


# -- properties ---------------------------------------------------------------------------

dates = st.dates(min_value=D(2000, 1, 1), max_value=D(2040, 12, 31))


@given(dates, st.integers(min_value=1, max_value=400))
def test_add_lands_on_a_working_day(start: date, n: int) -> None:
    result = CAL.add_working_days(start, n)
    assert result > start
    assert naive_is_working_day(result)
    assert CAL.is_working_day(result)


@given(dates, st.integers(min_value=0, max_value=600))
def test_between_inverts_add(start: date, n: int) -> None:
    assert CAL.working_days_between(start, CAL.add_working_days(start, n)) == n
    assert CAL.working_days_between(CAL.add_working_days(start, n), start) == -n


@given(dates, st.integers(min_value=0, max_value=600))
def test_subtract_inverts_add_from_a_working_day(start: date, n: int) -> None:
    start = CAL.next_working_day_on_or_after(start)
    earlier = CAL.subtract_working_days(start, n)
    assert CAL.add_working_days(earlier, n) == start
    assert CAL.working_days_between(earlier, start) == n


@given(dates, dates)
def test_between_is_antisymmetric(a: date, b: date) -> None:
    assert CAL.working_days_between(a, b) == -CAL.working_days_between(b, a)


@given(dates)
def test_is_working_day_matches_the_holiday_list(d: date) -> None:
    assert CAL.is_working_day(d) == naive_is_working_day(d)


@given(dates, st.integers(min_value=1, max_value=30))
def test_add_matches_day_by_day_count(start: date, n: int) -> None:
    assert CAL.add_working_days(start, n) == naive_add(start, n)
