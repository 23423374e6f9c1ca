"""Dates as people type them: every spelling of a day reads back as that day; an impossible
date names the part that is wrong."""

from __future__ import annotations

import calendar
from datetime import date, datetime, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iro_desk.rules.typed_dates import TypedDateError, parse_typed_date, parse_typed_time

DAYS = st.dates(min_value=date(1969, 1, 1), max_value=date(2068, 12, 31))


def spellings(d: date) -> list[str]:
    """The ways a person writes ``d`` (two-digit years only where they are not ambiguous)."""
    month = calendar.month_abbr[d.month]
    return [
        d.isoformat(),
        f"{d.day:02d}/{d.month:02d}/{d.year}",
        f"{d.day}/{d.month}/{d.year}",
        f"{d.day:02d}/{d.month:02d}/{d.year % 100:02d}",
        f"{d.day}-{d.month}-{d.year}",
        f"{d.day}.{d.month}.{d.year}",
        f"{d.day} {month} {d.year}",
        f"{d.day} {month.upper()} {d.year % 100:02d}",
        f"{d.day} {calendar.month_name[d.month]} {d.year}",
        f"  {d.day}-{month}-{d.year} ",
    ]


@given(DAYS)
def test_every_spelling_reads_back_as_the_same_day(d: date) -> None:
    for text in spellings(d):
        assert parse_typed_date(text) == d, text


@given(st.integers(1, 9999), st.integers(1, 12), st.integers(1, 40))
def test_an_impossible_day_is_named(year: int, month: int, day: int) -> None:
    days = calendar.monthrange(year, month)[1]
    text = f"{year:04d}-{month:02d}-{day:02d}"
    if day <= days:
        assert parse_typed_date(text) == date(year, month, day)
        return
    with pytest.raises(TypedDateError) as caught:
        parse_typed_date(text)
    assert f"day {day}: {calendar.month_name[month]} {year} has {days} days" in str(caught.value)


@given(st.integers(13, 99), st.integers(1, 28))
def test_an_impossible_month_is_named(month: int, day: int) -> None:
    with pytest.raises(TypedDateError, match=f"month {month}: must be 1 to 12"):
        parse_typed_date(f"{day}/{month}/2026")


@given(st.text(max_size=30))
def test_any_text_is_a_date_or_one_clear_reason(text: str) -> None:
    try:
        parsed = parse_typed_date(text)
    except TypedDateError as exc:
        assert "is not a date" in str(exc) and "\n" not in str(exc)
    else:
        assert isinstance(parsed, date)


def test_examples_from_the_desk() -> None:
    assert parse_typed_date("30/11/26") == date(2026, 11, 30)
    assert parse_typed_date("1/2/2026") == date(2026, 2, 1)  # day first: 1 February
    assert parse_typed_date("30 Nov 2026") == date(2026, 11, 30)
    assert parse_typed_date("1 Sept 2026") == date(2026, 9, 1)
    assert parse_typed_date("31/12/68") == date(2068, 12, 31)
    assert parse_typed_date("01/01/69") == date(1969, 1, 1)
    with pytest.raises(TypedDateError, match="month 'Nob': not a month's name"):
        parse_typed_date("30 Nob 2026")
    with pytest.raises(TypedDateError, match=r"write 30/11/2026, 30 Nov 2026 or 2026-11-30"):
        parse_typed_date("next Tuesday")
    with pytest.raises(TypedDateError, match="is not a date"):
        parse_typed_date("٣٠/١١/٢٠٢٦")  # digits of another script are not read


@given(DAYS, st.integers(0, 23), st.integers(0, 59))
def test_a_typed_time_reads_back(d: date, hour: int, minute: int) -> None:
    wall = datetime.combine(d, time(hour, minute))
    for text in (f"{d.isoformat()} {hour:02d}:{minute:02d}", f"{d:%d/%m/%Y} {hour}:{minute:02d}"):
        assert parse_typed_time(text) == wall, text


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("30/11/2026 24:00", "hour 24: must be 0 to 23"),
        ("30/11/2026 23:60", "minute 60: must be 0 to 59"),
        ("31/11/2026 10:00", "day 31: November 2026 has 30 days"),
        ("30/11/2026", "is not a date and time (write 30/11/2026 14:05)"),
    ],
)
def test_a_wrong_time_names_its_part(text: str, reason: str) -> None:
    with pytest.raises(TypedDateError) as caught:
        parse_typed_time(text)
    assert reason in str(caught.value)
