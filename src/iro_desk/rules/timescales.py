"""Statutory figures (fixed) and local timescale settings (changeable in config).

See docs/domain.md, "The clocks". WD = working days.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = [
    "CASELOAD_HIGH",
    "CASELOAD_LOW",
    "FIRST_LAR_WD",
    "FIRST_RCPC_MONTHS",
    "ICPC_WD",
    "LATER_LAR_MONTHS",
    "LATER_RCPC_MONTHS",
    "SECOND_LAR_MONTHS",
    "SHORT_BREAK_FIRST_MONTHS",
    "SHORT_BREAK_LATER_MONTHS",
    "Timescales",
]

# Care Planning, Placement and Case Review (England) Regulations 2010, reg 33.
FIRST_LAR_WD = 20
SECOND_LAR_MONTHS = 3
LATER_LAR_MONTHS = 6
# Same regulations, reg 48 (short breaks, legal status V3/V4).
SHORT_BREAK_FIRST_MONTHS = 3
SHORT_BREAK_LATER_MONTHS = 6
# Working Together to Safeguard Children.
ICPC_WD = 15
FIRST_RCPC_MONTHS = 3
LATER_RCPC_MONTHS = 6
# IRO Handbook: recommended caseload per full-time IRO.
CASELOAD_LOW = 50
CASELOAD_HIGH = 70


@dataclass(frozen=True)
class Timescales:
    """The timescales a local authority may change; defaults as in docs/domain.md."""

    iro_allocation_wd: int = 5
    """An IRO is allocated within N WD of the child becoming looked after (IRO Handbook)."""
    decisions_circulation_wd: int = 5
    """A review's decisions are circulated within N WD of it (IRO Handbook)."""
    record_circulation_wd: int = 20
    """A review's full record is circulated within N WD of it (IRO Handbook)."""
    icpc_reports_wd: int = 2
    """Each agency's report reaches an ICPC at least N WD before it (local practice)."""
    rcpc_reports_wd: int = 2
    """As above, for review conferences (local practice)."""
    secure_first_months: int = 1
    """The first secure review is within N months of placement (Secure Accommodation Regs
    1991, reg 15)."""
    secure_later_months: int = 3
    """Later secure reviews are at most N months apart (the same regulation)."""
    short_break_series_months: int = 12
    """Reg 48: a series of short breaks ends when no break has started for N months."""
    lado_referral_wd: int = 1
    """An allegation reaches the LADO within N WD (Working Together; LADO standards)."""
    lado_meeting_wd: int = 5
    """The allegation management meeting is held within N WD (LADO minimum standards)."""
    compliance_response_wd: int = 10
    """A Team Manager answers a compliance form within N WD of it being sent (local)."""
    resolution_stage_wd: int = 20
    """Each Issues Resolution stage is resolved within N WD of it starting (local protocol)."""
    # Retention of CP-only records, in years after the last plan ends (rules/retention.py).
    cp_retention_years: int = 35

    @classmethod
    def from_mapping(cls, data: Mapping[str, object]) -> Timescales:
        """Build from config; missing keys keep their defaults.

        Raises ``ValueError`` naming the key for an unknown key or a value that is not a
        positive whole number.
        """
        known = {f.name for f in dataclasses.fields(cls)}
        values: dict[str, int] = {}
        for key, value in data.items():
            if key not in known:
                raise ValueError(
                    f"unknown timescale setting {key!r} (known: {', '.join(sorted(known))})"
                )
            # bool is an int subclass; "true" days is a config mistake, not 1.
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"timescale setting {key!r} must be a whole number, got {value!r}")
            if value <= 0:
                raise ValueError(f"timescale setting {key!r} must be positive, got {value}")
            if key == "cp_retention_years" and value > 100:
                raise ValueError(f"timescale setting {key!r} must be at most 100, got {value}")
            values[key] = value
        return cls(**values)
