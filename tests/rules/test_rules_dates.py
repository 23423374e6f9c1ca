from __future__ import annotations

import calendar
from datetime import date

from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from iro_desk.rules.dates import (
    add_months,
    age_on,
    reporting_year,
    reporting_year_bounds,
    reporting_year_label,
)

D = date


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(D(2025, 8, 31), 6) == D(2026, 2, 28)
    assert add_months(D(2027, 8, 31), 6) == D(2028, 2, 29)  # 2028 is a leap year
    assert add_months(D(2025, 11, 30), 3) == D(2026, 2, 28)
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert add_months(D(2026, 3, 31), 3) == D(2026, 6, 30)


def test_add_months_plain_cases() -> None:
    assert add_months(D(2026, 1, 15), 3) == D(2026, 4, 15)
    assert add_months(D(2026, 10, 15), 6) == D(2027, 4, 15)
    assert add_months(D(2026, 4, 15), -6) == D(2025, 10, 15)
    assert add_months(D(2026, 4, 15), 0) == D(2026, 4, 15)


def test_age_on() -> None:
    dob = D(2019, 6, 1)
    assert age_on(dob, D(2026, 3, 2)) == 6
    assert age_on(dob, D(2026, 5, 31)) == 6
    assert age_on(dob, D(2026, 6, 1)) == 7
    assert age_on(dob, dob) == 0


def test_age_on_29_february_birthday() -> None:
    dob = D(2020, 2, 29)
    assert age_on(dob, D(2024, 2, 28)) == 3
    assert age_on(dob, D(2024, 2, 29)) == 4  # leap year: birthday itself
    assert age_on(dob, D(2025, 2, 28)) == 4  # non-leap: not yet
    assert age_on(dob, D(2025, 3, 1)) == 5


def test_age_before_birth_is_negative() -> None:
    assert age_on(D(2026, 5, 1), D(2026, 3, 1)) == -1


def test_reporting_year() -> None:
    assert reporting_year(D(2014, 3, 31)) == 2013
    assert reporting_year(D(2014, 4, 1)) == 2014
    assert reporting_year(D(2013, 4, 1)) == 2013
    assert reporting_year(D(2014, 1, 1)) == 2013
    assert reporting_year(D(2013, 12, 31)) == 2013
    assert reporting_year_bounds(2013) == (D(2013, 4, 1), D(2014, 3, 31))
    assert reporting_year_label(2013) == "2013-14"
    assert reporting_year_label(1999) == "1999-00"
    assert reporting_year_label(2009) == "2009-10"


@given(
    st.dates(min_value=D(1800, 1, 1), max_value=D(2200, 12, 31)),
    st.integers(min_value=-1200, max_value=1200),
)
def test_add_months_lands_in_the_right_month(d: date, n: int) -> None:
    result = add_months(d, n)
    year, month0 = divmod(d.year * 12 + d.month - 1 + n, 12)
    assert (result.year, result.month) == (year, month0 + 1)
    # Same day of month, or the month's last day when the month is shorter.
    assert result.day == min(d.day, calendar.monthrange(year, month0 + 1)[1])
    assert result == d + relativedelta(months=n)


@given(st.dates(min_value=D(1990, 1, 1), max_value=D(2100, 1, 1)))
def test_reporting_year_contains_its_date(d: date) -> None:
    start, end = reporting_year_bounds(reporting_year(d))
    assert start <= d <= end
