"""Working days: Monday to Friday except England and Wales bank holidays.

Counting convention (docs/domain.md): the start day is day 0 and a deadline of N WD is the Nth
working day after it. Answers come from a sorted list of working-day ordinals searched with
``bisect``, so each call is O(log n); the list is built one year at a time, when first needed.
"""

from __future__ import annotations

import functools
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from datetime import MAXYEAR, MINYEAR, date

from iro_desk.rules.england_bank_holidays import TABLE

__all__ = [
    "WorkingCalendar",
    "default_calendar",
    "england_holidays",
    "package_england_holidays",
]

# Rough working days per year, used only to guess how many years to build in one go.
_WD_PER_YEAR = 250


@functools.lru_cache(maxsize=256)
def england_holidays(year: int) -> frozenset[date]:
    """Bank holidays in England for ``year``, including substitute days and one-offs."""
    # The table is what the holidays package says for these years, without its slow import.
    listed = TABLE.get(year)
    if listed is not None:
        return frozenset(date(year, int(d[:2]), int(d[2:])) for d in listed.split())
    return package_england_holidays(year)


def package_england_holidays(year: int) -> frozenset[date]:
    """The ``holidays`` package's answer (years outside the table, and the table's test)."""
    import holidays  # lazy: importing holidays loads every country (about 0.2 s)

    return frozenset(holidays.UK(subdiv="ENG", years=year).keys())


# (first year, last year, sorted working-day ordinals of every day in those years).
# Replaced as a whole, never mutated, so readers on other threads always see a consistent
# snapshot without taking the lock.
_State = tuple[int, int, list[int]]


class WorkingCalendar:
    """Working-day arithmetic over a lazily built, contiguous range of years."""

    def __init__(
        self, holidays_for_year: Callable[[int], Iterable[date]] = england_holidays
    ) -> None:
        self._holidays_for_year = holidays_for_year
        self._lock = threading.Lock()
        self._state: _State | None = None

    # -- building ---------------------------------------------------------------------

    def _year_ordinals(self, year: int) -> list[int]:
        holidays = {d.toordinal() for d in self._holidays_for_year(year)}
        first = date(year, 1, 1).toordinal()
        last = date(year, 12, 31).toordinal()
        # (ordinal - 1) % 7 is date.weekday(): ordinal 1 (0001-01-01) was a Monday.
        return [o for o in range(first, last + 1) if (o - 1) % 7 < 5 and o not in holidays]

    def _cover(self, lo_year: int, hi_year: int) -> _State:
        """Return a snapshot covering at least the years ``lo_year..hi_year``."""
        state = self._state
        if state is not None and state[0] <= lo_year and hi_year <= state[1]:
            return state
        if lo_year < MINYEAR or hi_year > MAXYEAR:
            raise OverflowError("date value out of range")
        with self._lock:
            state = self._state
            if state is None:
                first, last, ords = lo_year, hi_year, []
                for y in range(lo_year, hi_year + 1):
                    ords.extend(self._year_ordinals(y))
            else:
                first, last, ords = state
                if lo_year < first:
                    before: list[int] = []
                    for y in range(lo_year, first):
                        before.extend(self._year_ordinals(y))
                    ords = before + ords
                    first = lo_year
                if hi_year > last:
                    ords = list(ords)
                    for y in range(last + 1, hi_year + 1):
                        ords.extend(self._year_ordinals(y))
                    last = hi_year
            state = (first, last, ords)
            self._state = state
            return state

    # -- queries ----------------------------------------------------------------------

    def is_working_day(self, d: date) -> bool:
        ords = self._cover(d.year, d.year)[2]
        o = d.toordinal()
        i = bisect_left(ords, o)
        return i < len(ords) and ords[i] == o

    def add_working_days(self, start: date, n: int) -> date:
        """The nth working day after ``start`` (day 0, which may be a non-working day).

        ``n == 0`` returns ``start``; a negative ``n`` counts backwards
        (see :meth:`subtract_working_days`).
        """
        if n == 0:
            return start
        if n < 0:
            return self.subtract_working_days(start, -n)
        o = start.toordinal()
        hi = start.year
        while True:
            _, last, ords = self._cover(start.year, hi)
            i = bisect_right(ords, o) + n - 1
            if i < len(ords):
                return date.fromordinal(ords[i])
            hi = last + 1 + (i - len(ords)) // _WD_PER_YEAR

    def subtract_working_days(self, start: date, n: int) -> date:
        """The nth working day before ``start`` (day 0); ``n == 0`` returns ``start``.

        Used for "received at least N WD before the conference": for a working-day
        ``start`` this inverts :meth:`add_working_days`.
        """
        if n == 0:
            return start
        if n < 0:
            return self.add_working_days(start, -n)
        o = start.toordinal()
        lo = start.year
        while True:
            first, _, ords = self._cover(lo, start.year)
            i = bisect_left(ords, o) - n
            if i >= 0:
                return date.fromordinal(ords[i])
            lo = first - 1 - (-i) // _WD_PER_YEAR

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative if ``end`` is before ``start``.

        ``working_days_between(s, add_working_days(s, n)) == n`` for every ``n >= 0``.
        """
        if end < start:
            return -self.working_days_between(end, start)
        ords = self._cover(start.year, end.year)[2]
        return bisect_right(ords, end.toordinal()) - bisect_right(ords, start.toordinal())

    def next_working_day_on_or_after(self, d: date) -> date:
        return d if self.is_working_day(d) else self.add_working_days(d, 1)


@functools.cache
def default_calendar() -> WorkingCalendar:
    """The process-wide England calendar (built lazily, shared by every caller)."""
    return WorkingCalendar()
