"""The retention rule: class and destroy-after date of a child's record."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iro_desk.rules.retention import (
    CP_ONLY,
    LOOKED_AFTER,
    NO_CLASS,
    retention,
    years_after,
)

days = st.dates(min_value=date(1930, 1, 1), max_value=date(2030, 12, 31))
ends = st.lists(st.one_of(st.none(), days), max_size=5)
years = st.integers(min_value=1, max_value=100)


@given(dob=days, plans=ends, cp_years=years)
def test_looked_after_is_the_75th_birthday_whatever_the_plans(dob, plans, cp_years) -> None:
    rule = retention(dob=dob, looked_after=True, cp_plan_ends=plans, cp_years=cp_years)
    assert rule.retention_class == LOOKED_AFTER
    assert rule.destroy_after is not None
    assert rule.destroy_after.year == dob.year + 75
    if (dob.month, dob.day) == (2, 29) and rule.destroy_after.month == 3:
        assert rule.destroy_after.day == 1  # a common year: 1 March, never earlier
    else:
        assert (rule.destroy_after.month, rule.destroy_after.day) == (dob.month, dob.day)


@given(dob=st.one_of(st.none(), days), plan_ends=st.lists(days, min_size=1, max_size=5), n=years)
def test_cp_only_counts_from_the_last_plans_end(dob, plan_ends, n) -> None:
    rule = retention(dob=dob, looked_after=False, cp_plan_ends=plan_ends, cp_years=n)
    assert rule.retention_class == CP_ONLY
    assert rule.destroy_after == years_after(max(plan_ends), n)
    assert rule.destroy_after > max(plan_ends)


@given(dob=st.one_of(st.none(), days), plan_ends=ends)
def test_an_open_plan_means_nothing_is_due(dob, plan_ends) -> None:
    rule = retention(dob=dob, looked_after=False, cp_plan_ends=[*plan_ends, None])
    assert rule.retention_class == CP_ONLY and rule.destroy_after is None
    assert not rule.due(date(2200, 1, 1))


@given(dob=st.one_of(st.none(), days), today=days)
def test_no_class_is_never_due(dob, today) -> None:
    rule = retention(dob=dob, looked_after=False, cp_plan_ends=[])
    assert rule.retention_class == NO_CLASS and not rule.due(today)


@given(dob=days, offset=st.integers(min_value=-400, max_value=400))
def test_due_only_after_the_date(dob, offset) -> None:
    rule = retention(dob=dob, looked_after=True, cp_plan_ends=[])
    assert rule.destroy_after is not None
    today = rule.destroy_after + timedelta(days=offset)
    assert rule.due(today) == (offset > 0)


def test_unknown_birth_date_is_kept() -> None:
    rule = retention(dob=None, looked_after=True, cp_plan_ends=[date(2000, 1, 1)])
    assert rule.retention_class == LOOKED_AFTER and rule.destroy_after is None


def test_leap_day_and_default_years() -> None:
    assert years_after(date(2008, 2, 29), 75) == date(2083, 3, 1)
    assert years_after(date(2008, 2, 29), 76) == date(2084, 2, 29)
    rule = retention(dob=None, looked_after=False, cp_plan_ends=[date(2020, 5, 1)])
    assert rule.destroy_after == date(2055, 5, 1)


@pytest.mark.parametrize("bad", [0, 101])
def test_cp_years_out_of_range_is_refused(bad) -> None:
    with pytest.raises(ValueError, match="cp_years"):
        retention(dob=None, looked_after=False, cp_plan_ends=[], cp_years=bad)
