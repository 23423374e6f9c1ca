"""How long a child's record is kept (docs/domain.md, "Retention of records").

- Looked-after children: until the 75th birthday (CPPCR Regs 2010 reg 50). A child who
  was ever looked after is in this class even if also on a CP plan: the longer duty wins.
- CP-only records: local policy, ``cp_years`` (a setting, default 35) after the last
  plan ends; while any plan is open nothing is due.
- Anything else (a child known only from an enquiry), or a looked-after child whose
  date of birth is not known: no date, so the record is never offered for destruction.

A birthday on 29 February falls on 1 March in other years (the later date: when in
doubt a record is kept longer, never shorter).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

LOOKED_AFTER_YEARS = 75
DEFAULT_CP_YEARS = 35
MIN_CP_YEARS, MAX_CP_YEARS = 1, 100

LOOKED_AFTER = "looked_after"
CP_ONLY = "cp_only"
NO_CLASS = "none"


@dataclass(frozen=True)
class Retention:
    retention_class: str
    destroy_after: date | None  # None: nothing is due (see ``reason``)
    reason: str

    def due(self, today: date) -> bool:
        """Past its date: the record may be destroyed from the day after ``destroy_after``."""
        return self.destroy_after is not None and today > self.destroy_after


def years_after(day: date, years: int) -> date:
    """The same day ``years`` later; 29 February becomes 1 March in a common year."""
    target = day.year + years
    try:
        return day.replace(year=target)
    except ValueError:  # 29 February into a common year
        return date(target, 3, 1)


def retention(
    *,
    dob: date | None,
    looked_after: bool,
    cp_plan_ends: Sequence[date | None],
    cp_years: int = DEFAULT_CP_YEARS,
) -> Retention:
    """The retention class and destroy-after date of one child's record.

    ``cp_plan_ends`` holds each CP plan's end date (None for a plan still open).
    """
    if not MIN_CP_YEARS <= cp_years <= MAX_CP_YEARS:
        raise ValueError(f"cp_years: {cp_years} must be between {MIN_CP_YEARS} and {MAX_CP_YEARS}")
    if looked_after:
        if dob is None:
            return Retention(LOOKED_AFTER, None, "date of birth not known")
        return Retention(
            LOOKED_AFTER, years_after(dob, LOOKED_AFTER_YEARS), "looked after: 75th birthday"
        )
    if cp_plan_ends:
        if any(end is None for end in cp_plan_ends):
            return Retention(CP_ONLY, None, "a child protection plan is still open")
        last = max(end for end in cp_plan_ends if end is not None)
        return Retention(
            CP_ONLY, years_after(last, cp_years), f"CP only: {cp_years} years after the last plan"
        )
    return Retention(NO_CLASS, None, "neither looked after nor on a CP plan: no rule applies")
