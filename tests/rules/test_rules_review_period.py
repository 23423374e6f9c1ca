"""Which period of care (or episode) a review belongs to: the day care ends included."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from iro_desk.rules.reviews import period_for_review, review_in_period

D = date
days = st.dates(min_value=D(2000, 1, 1), max_value=D(2040, 12, 31))


def test_the_day_care_ends_belongs_to_the_period() -> None:
    assert review_in_period(D(2026, 3, 31), D(2025, 4, 1), D(2026, 3, 31))
    assert not review_in_period(D(2026, 4, 1), D(2025, 4, 1), D(2026, 3, 31))
    assert not review_in_period(D(2025, 3, 31), D(2025, 4, 1), None)


@given(days, st.integers(0, 2000), st.integers(-50, 2050))
def test_a_period_holds_exactly_its_first_to_its_last_day(
    start: date, length: int, offset: int
) -> None:
    end = start + timedelta(days=length)
    on = start + timedelta(days=offset)
    assert review_in_period(on, start, end) == (0 <= offset <= length)
    assert review_in_period(on, start, None) == (offset >= 0)


def test_on_a_change_over_day_the_review_belongs_to_the_span_that_starts() -> None:
    spans = [(D(2025, 1, 1), D(2025, 6, 1)), (D(2025, 6, 1), None)]
    assert period_for_review(D(2025, 6, 1), spans) == 1
    assert period_for_review(D(2025, 5, 31), spans) == 0
    assert period_for_review(D(2024, 12, 31), spans) is None
    # Order does not matter.
    assert period_for_review(D(2025, 6, 1), spans[::-1]) == 0


@given(st.lists(st.tuples(days, st.integers(0, 400)), min_size=1, max_size=6), days)
def test_the_span_found_holds_the_day_and_none_later_starting_does(
    raw: list[tuple[date, int]], on: date
) -> None:
    spans = [(start, start + timedelta(days=n)) for start, n in raw]
    i = period_for_review(on, spans)
    holding = [s for s in spans if s[0] <= on <= s[1]]
    if i is None:
        assert not holding
    else:
        assert review_in_period(on, *spans[i])
        assert spans[i][0] == max(s[0] for s in holding)
