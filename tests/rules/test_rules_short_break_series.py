"""Series of short breaks (reg 48): where a series begins and whether it still runs."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from iro_desk.rules.dates import add_months
from iro_desk.rules.reviews import short_break_series_start

D = date
days = st.dates(min_value=D(2010, 1, 1), max_value=D(2030, 12, 31))


def test_breaks_within_the_gap_are_one_series() -> None:
    starts = [D(2025, 1, 10), D(2025, 6, 1), D(2026, 5, 30)]
    assert short_break_series_start(starts, D(2026, 11, 27), 12) == D(2025, 1, 10)
    # On the day the gap is reached the series still runs; the day after it has ended.
    assert short_break_series_start(starts, D(2027, 5, 30), 12) == D(2025, 1, 10)
    assert short_break_series_start(starts, D(2027, 5, 31), 12) is None
    # An open break keeps it running.
    assert short_break_series_start(starts, D(2027, 5, 31), 12, in_break=True) == D(2025, 1, 10)
    # Breaks not yet started do not count.
    assert short_break_series_start(starts, D(2025, 3, 1), 12) == D(2025, 1, 10)
    assert short_break_series_start(starts, D(2025, 1, 9), 12) is None


def test_a_longer_gap_starts_a_new_series() -> None:
    starts = [D(2024, 3, 1), D(2025, 3, 2)]
    assert short_break_series_start(starts, D(2025, 4, 1), 12) == D(2025, 3, 2)
    assert short_break_series_start(starts, D(2025, 4, 1), 13) == D(2024, 3, 1)


@given(st.lists(days, min_size=1, max_size=8), days, st.integers(1, 36))
def test_the_series_found_is_a_chain_with_no_gap_wider_than_the_setting(
    starts: list[date], as_of: date, gap: int
) -> None:
    first = short_break_series_start(starts, as_of, gap)
    started = sorted({d for d in starts if d <= as_of})
    if first is None:
        assert not started or as_of > add_months(started[-1], gap)
        return
    chain = [d for d in started if d >= first]
    assert chain[0] == first and as_of <= add_months(chain[-1], gap)
    for a, b in zip(chain, chain[1:], strict=False):
        assert b <= add_months(a, gap)
    # The break before the series (if any) is more than the gap away from its first.
    before = [d for d in started if d < first]
    if before:
        assert add_months(before[-1], gap) < first


@given(days, st.integers(1, 36), st.integers(0, 2000))
def test_an_open_break_keeps_the_series_running(start: date, gap: int, later: int) -> None:
    as_of = start + timedelta(days=later)
    assert short_break_series_start([start], as_of, gap, in_break=True) == start
