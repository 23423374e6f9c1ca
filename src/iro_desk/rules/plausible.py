"""How far from today a date may plausibly be, for each kind of date the desk records.

A year-1 date of birth or a duty day in 9999 is a typing slip, never a fact, and dates
that far out also overflow date arithmetic. One table here, applied by the services'
validator, so the CLI, the TUI and file imports refuse the same dates with the same words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from iro_desk.rules.dates import add_months

__all__ = [
    "AS_OF",
    "BIRTH",
    "DUTY_DAY",
    "EARLIEST_BIRTH",
    "EARLIEST_RECORD",
    "EXPECTED_BIRTH",
    "FOLLOW_UP",
    "RECORD",
    "DateRange",
    "date_problem",
    "report_year_problem",
    "report_years",
]

# Nobody in the care of a children's service today was born before this.
EARLIEST_BIRTH = date(1900, 1, 1)
# The desk holds current casework: no visit, review or meeting it records predates this.
EARLIEST_RECORD = date(2000, 1, 1)
# The first reporting year a 903 return or annual report can be asked for.
FIRST_REPORT_YEAR = 2000


@dataclass(frozen=True)
class DateRange:
    """Dates from ``today`` + ``back`` months (or ``earliest``) to ``today`` + ``ahead`` months.

    ``back``/``ahead`` of None mean "no bound from today" on that side; ``earliest`` is a
    fixed floor. ``words`` is the range as the error message says it.
    """

    words: str
    earliest: date | None = None
    back: int | None = None
    ahead: int | None = None

    def bounds(self, today: date) -> tuple[date, date]:
        low = self.earliest or date.min
        if self.back is not None:
            low = max(low, add_months(today, -self.back))
        high = add_months(today, self.ahead) if self.ahead is not None else date.max
        return low, high

    def contains(self, value: date, today: date) -> bool:
        low, high = self.bounds(today)
        return low <= value <= high


BIRTH = DateRange("not before 1900 and not in the future", earliest=EARLIEST_BIRTH, ahead=0)
# An unborn child is expected within the pregnancy; a date a little past is not yet updated.
EXPECTED_BIRTH = DateRange("within a year either side of today", back=12, ahead=12)
# Visits, reviews, conferences and other meetings.
RECORD = DateRange("between 2000-01-01 and a year after today", earliest=EARLIEST_RECORD, ahead=12)
DUTY_DAY = DateRange("within 5 years of today", back=60, ahead=60)
FOLLOW_UP = DateRange(
    "between 2000-01-01 and 2 years after today", earliest=EARLIEST_RECORD, ahead=24
)
# The day a question is asked "as of": wide, but far enough from date.max that
# deadlines counted from it never overflow.
AS_OF = DateRange("between 1900-01-01 and 10 years after today", earliest=EARLIEST_BIRTH, ahead=120)


def date_problem(kind: DateRange, value: date, today: date) -> str | None:
    """None if ``value`` is plausible for ``kind``; else the reason, naming the range."""
    if kind.contains(value, today):
        return None
    return f"{value.isoformat()} is not plausible (must be {kind.words})"


def report_years(today: date) -> range:
    """The reporting years (by starting year) a return or report can be made for."""
    return range(FIRST_REPORT_YEAR, today.year + 2)


def report_year_problem(year: int, today: date) -> str | None:
    years = report_years(today)
    if year in years:
        return None
    return f"{year} is not a reporting year the desk can make (from {years[0]} to {years[-1]})"
