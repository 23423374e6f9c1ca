"""A deadline judged on a day: on time, late, pending or overdue."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from iro_desk.rules.clocks import deadline

D = date
days = st.dates(min_value=D(2000, 1, 1), max_value=D(2040, 12, 31))


def test_done_on_the_due_day_is_on_time() -> None:
    assert deadline("x", D(2026, 11, 9), D(2026, 11, 9), D(2026, 11, 27)).state == "on time"
    assert deadline("x", D(2026, 11, 9), D(2026, 11, 10), D(2026, 11, 27)).state == "late"
    assert deadline("x", D(2026, 11, 9), None, D(2026, 11, 9)).state == "pending"
    assert deadline("x", D(2026, 11, 9), None, D(2026, 11, 10)).state == "overdue"


@given(days, st.one_of(st.none(), days), days)
def test_late_exactly_when_done_after_due_or_not_done_by_a_later_day(
    due: date, done: date | None, as_of: date
) -> None:
    d = deadline("x", due, done, as_of)
    known = done if done is not None and done <= as_of else None
    assert d.done == known
    assert d.late == (known > due if known is not None else as_of > due)
    assert d.state in {"on time", "late", "pending", "overdue"}


@given(days, st.integers(0, 400))
def test_something_done_later_than_the_day_asked_about_is_not_known_yet(
    due: date, ahead: int
) -> None:
    as_of = due - timedelta(days=ahead)
    assert deadline("x", due, as_of + timedelta(days=1), as_of).done is None
