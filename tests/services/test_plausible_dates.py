"""Implausible dates (year 1, 9999) are refused by name, in every service that takes one."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iro_desk.rules import plausible
from iro_desk.rules.plausible import DateRange
from iro_desk.services import duty
from iro_desk.services.children import add_child, child_by_ref, start_care
from iro_desk.services.context import Desk
from iro_desk.services.errors import InvalidInput
from iro_desk.services.iros import add_iro, find_iro
from iro_desk.services.meetings import record_review
from iro_desk.services.ssda903 import export_903
from iro_desk.services.validate import Checker
from iro_desk.services.visits import record_visit
from tests.builders import TODAY

RANGES = {
    "dob": plausible.BIRTH,
    "expected_dob": plausible.EXPECTED_BIRTH,
    "visit": plausible.RECORD,
    "day": plausible.DUTY_DAY,
    "follow_up_due": plausible.FOLLOW_UP,
    "as_of": plausible.AS_OF,
}


@given(
    field=st.sampled_from(sorted(RANGES)),
    value=st.dates(),
    today=st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 12, 31)),
)
def test_validator_refuses_exactly_the_dates_outside_the_range(
    field: str, value: date, today: date
) -> None:
    kind = RANGES[field]
    low, high = kind.bounds(today)
    check = Checker()
    ok = check.plausible(field, value, kind, today)
    assert ok == (low <= value <= high)
    if ok:
        assert check.problems == []
    else:
        [problem] = check.problems
        assert problem.field == field
        assert kind.words in problem.reason and value.isoformat() in problem.reason


@given(st.integers(min_value=-10_000, max_value=10_000))
def test_report_years_run_from_2000_to_next_year(year: int) -> None:
    problem = plausible.report_year_problem(year, TODAY)
    assert (problem is None) == (2000 <= year <= TODAY.year + 1)


def test_the_ranges_say_what_the_issue_asks() -> None:
    assert plausible.BIRTH.bounds(TODAY) == (date(1900, 1, 1), TODAY)
    assert plausible.RECORD.bounds(TODAY) == (date(2000, 1, 1), date(2027, 11, 27))
    assert plausible.DUTY_DAY.bounds(TODAY) == (date(2021, 11, 27), date(2031, 11, 27))
    assert plausible.FOLLOW_UP.bounds(TODAY)[1] == date(2028, 11, 27)


def _refused(call, field: str) -> None:
    with pytest.raises(InvalidInput) as info:
        call()
    fields = [p.field for p in info.value.problems]
    assert field in fields, info.value
    assert "not plausible" in str(info.value)


@pytest.fixture
def unit(desk: Desk) -> Desk:
    with desk.write() as s:
        add_iro(s, desk.ctx, "Ada Example")
        kid = add_child(s, desk.ctx, ref="C1", dob=date(2015, 3, 1))
        start_care(s, desk.ctx, kid, date(2020, 1, 1), legal_status="C2", placement="U1")
    return desk


@pytest.mark.parametrize("bad", [date(1, 1, 1), date(1899, 12, 31)])
def test_child_dates(unit: Desk, bad: date) -> None:
    with unit.write() as s:
        _refused(lambda: add_child(s, unit.ctx, ref="C2", dob=bad), "dob")
        _refused(lambda: add_child(s, unit.ctx, ref="C2", expected_dob=bad), "expected_dob")
        far = date(9999, 12, 31)
        _refused(lambda: add_child(s, unit.ctx, ref="C2", expected_dob=far), "expected_dob")


@pytest.mark.parametrize("bad", [date(1, 1, 1), date(1999, 12, 31)])
def test_visit_and_review_dates(unit: Desk, bad: date) -> None:
    with unit.write() as s:
        kid, iro = child_by_ref(s, "C1"), find_iro(s, "Ada Example")
        _refused(
            lambda: record_visit(
                s,
                unit.ctx,
                kid,
                iro,
                visit_date=bad,
                location="placement",
                purpose="other",
                seen_alone=True,
            ),
            "date",
        )
        _refused(lambda: record_review(s, unit.ctx, kid, bad), "review_date")


@pytest.mark.parametrize("bad", [date(1, 1, 1), date(9999, 12, 31), date(2032, 1, 1)])
def test_duty_days(unit: Desk, bad: date) -> None:
    with unit.write() as s:
        _refused(lambda: duty.assign_duty(s, unit.ctx, bad, "Ada Example"), "day")
        _refused(lambda: duty.swap_duty(s, unit.ctx, TODAY, bad), "day_b")
        _refused(lambda: duty.clear_duty(s, unit.ctx, bad), "day")


def test_follow_ups(unit: Desk) -> None:
    far = date(9999, 12, 31)
    with unit.write() as s:
        _refused(
            lambda: duty.log_enquiry(
                s, unit.ctx, category="ADVICE", summary="x", subject="y", follow_up_due=far
            ),
            "follow_up_due",
        )
        row = duty.log_enquiry(s, unit.ctx, category="ADVICE", summary="x", subject="y")
        _refused(
            lambda: duty.update_enquiry(s, unit.ctx, row.id, note="n", follow_up_due=far),
            "follow_up_due",
        )


@pytest.mark.parametrize("year", [0, -5, 1, 1999, 9999, TODAY.year + 2])
def test_export_year(unit: Desk, year: int, tmp_path) -> None:
    with unit.read() as s, pytest.raises(InvalidInput) as info:
        export_903(s, unit.ctx, tmp_path / "out", year_start=year)
    assert info.value.problems[0].field == "year"
    assert not (tmp_path / "out").exists()


def test_a_range_from_today_only() -> None:
    kind = DateRange("soon", back=1, ahead=1)
    assert kind.bounds(date(2026, 3, 31)) == (date(2026, 2, 28), date(2026, 4, 30))
