"""Dates as people type them: ``30/11/2026``, ``30/11/26``, ``30 Nov 2026`` and ISO.

One reader for every date a user types, in the TUI and on the CLI. Day comes before month
(an English desk: ``01/02/2026`` is 1 February). A two-digit year is 2000-2068 for 00-68
and 1969-1999 for 69-99, as POSIX ``strptime`` reads it. An impossible date is refused with
the part that is wrong (``day 31: November has 30 days``), so the user knows what to fix.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, time

__all__ = ["TypedDateError", "parse_typed_date", "parse_typed_time"]

EXAMPLE = "30/11/2026, 30 Nov 2026 or 2026-11-30"

_MONTHS = {name.lower(): n for n, name in enumerate(calendar.month_name) if name} | {
    name.lower(): n for n, name in enumerate(calendar.month_abbr) if name
}
_MONTHS["sept"] = 9

# ASCII only: a digit from another script is not a digit the desk should read.
_FLAGS = re.ASCII | re.IGNORECASE
_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", _FLAGS)
_NUMERIC = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{2}|\d{4})", _FLAGS)
_WORDS = re.compile(
    r"(\d{1,2})(?:st|nd|rd|th)?[\s\-/.]*([a-z]+)\.?,?[\s\-/.]*(\d{2}|\d{4})", _FLAGS
)


class TypedDateError(ValueError):
    """The text is not a date; the message says which part is wrong, or how to write one."""


def _full_year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        return 2000 + year if year < 69 else 1900 + year
    return year


def _checked(year: int, month: int, day: int) -> date:
    if not 1 <= year <= 9999:
        raise TypedDateError(f"year {year}: must be 1 to 9999")
    if not 1 <= month <= 12:
        raise TypedDateError(f"month {month}: must be 1 to 12")
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        raise TypedDateError(f"day {day}: {calendar.month_name[month]} {year} has {days} days")
    return date(year, month, day)


def parse_typed_date(text: str) -> date:
    """The date ``text`` names, or :class:`TypedDateError` saying what is wrong."""
    try:
        return _parse(text)
    except TypedDateError as exc:
        if str(exc).startswith(("day ", "month ", "year ")):
            raise TypedDateError(f"{text.strip()!r} is not a date: {exc}") from None
        raise


def _parse(text: str) -> date:
    cleaned = " ".join(text.split())
    if match := _ISO.fullmatch(cleaned):
        year, month, day = (int(g) for g in match.groups())
        return _checked(year, month, day)
    if match := _NUMERIC.fullmatch(cleaned):
        day_text, _sep, month_text, year_text = match.groups()
        return _checked(_full_year(year_text), int(month_text), int(day_text))
    if match := _WORDS.fullmatch(cleaned):
        day_text, month_name, year_text = match.groups()
        month = _MONTHS.get(month_name.lower())
        if month is None:
            raise TypedDateError(f"month {month_name!r}: not a month's name")
        return _checked(_full_year(year_text), month, int(day_text))
    raise TypedDateError(f"{text.strip()!r} is not a date (write {EXAMPLE})")


_TIME = re.compile(r"(.*?)[\sT,]+(\d{1,2})[:.](\d{2})", re.ASCII | re.DOTALL)


def parse_typed_time(text: str) -> datetime:
    """A date as above and a 24-hour time (``30/11/2026 23:30``), as a wall-clock time with
    no zone: the caller says which zone it was typed in."""
    match = _TIME.fullmatch(text.strip())
    if match is None:
        raise TypedDateError(f"{text.strip()!r} is not a date and time (write 30/11/2026 14:05)")
    day = parse_typed_date(match.group(1))
    hour, minute = int(match.group(2)), int(match.group(3))
    if hour > 23:
        raise TypedDateError(f"{text.strip()!r} is not a time: hour {hour}: must be 0 to 23")
    if minute > 59:
        raise TypedDateError(f"{text.strip()!r} is not a time: minute {minute}: must be 0 to 59")
    return datetime.combine(day, time(hour, minute))
