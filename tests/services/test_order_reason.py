"""Checker.order's reason names the earlier date in words, never by a column's name."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from iro_desk.services.validate import ORDER_WORDS, Checker

FIELDS = st.sampled_from([*ORDER_WORDS, "decisions_circulated", "plan_end"])


@given(
    first_field=FIELDS, first=st.dates(date(1990, 1, 1), date(2100, 1, 1)), gap=st.integers(1, 900)
)
def test_a_date_before_another_is_named_in_words(first_field: str, first: date, gap: int) -> None:
    check = Checker()
    second = first - timedelta(days=gap)
    check.order(first_field, first, "later", second)
    [problem] = check.problems
    assert problem.field == "later"
    assert "_" not in problem.reason
    assert problem.reason.startswith(second.isoformat()) and f"({first})" in problem.reason


@given(first=st.dates(date(1990, 1, 1), date(2100, 1, 1)), gap=st.integers(0, 900))
def test_the_same_day_or_later_is_fine(first: date, gap: int) -> None:
    check = Checker()
    check.order("received_at", first, "later", first + timedelta(days=gap))
    assert check.problems == []
