"""The shortcuts used for whole caseloads give exactly the answers of the plain rules."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from iro_desk.rules.reviews import ChildFacts, ScheduleCache, next_review, reviews_from_span
from iro_desk.rules.timescales import Timescales
from iro_desk.rules.working_days import default_calendar

days = st.dates(min_value=date(2018, 1, 1), max_value=date(2027, 12, 31))
held = st.lists(days, max_size=6)


@st.composite
def child_facts(draw: st.DrawFn) -> ChildFacts:
    start = draw(st.none() | days)
    icpc = draw(st.none() | days)
    placed = draw(st.none() | days)
    return ChildFacts(
        period_start=start,
        legal_status=draw(st.sampled_from(["C1", "C2", "V2", "V3", "V4", None])),
        lar_dates=tuple(draw(held)) if start else (),
        strategy_date=draw(st.none() | days),
        icpc_date=icpc,
        rcpc_dates=tuple(draw(held)) if icpc else (),
        secure_placed=placed,
        secure_review_dates=tuple(draw(held)) if placed else (),
    )


@settings(max_examples=300)
@given(st.lists(child_facts(), min_size=1, max_size=20))
def test_cached_answers_equal_the_rules(many: list[ChildFacts]) -> None:
    cal, ts = default_calendar(), Timescales()
    cache = ScheduleCache(cal, ts)
    for facts in many + many:  # the second pass is answered from the cache
        assert cache.next_review(facts) == next_review(facts, cal, ts)


@given(held)
def test_first_and_latest_stand_for_all_the_reviews(reviews: list[date]) -> None:
    """A due date depends only on how many reviews (0, 1, 2+) and the latest."""
    cal, ts = default_calendar(), Timescales()
    start = date(2017, 6, 1)
    span = reviews_from_span(min(reviews, default=None), max(reviews, default=None))
    full = ChildFacts(period_start=start, legal_status="C2", lar_dates=tuple(reviews))
    short = ChildFacts(period_start=start, legal_status="C2", lar_dates=span)
    assert next_review(full, cal, ts) == next_review(short, cal, ts)


def test_span_of_one_day_is_one_review() -> None:
    d = date(2026, 3, 2)
    assert reviews_from_span(d, d) == (d,)
    assert reviews_from_span(None, None) == ()
    assert reviews_from_span(d, d + timedelta(days=1)) == (d, d + timedelta(days=1))
