"""The annual report of the IRO service: every figure counted from the records.

The reporting year runs from 1 April to 31 March (``year_start`` 2025 is 2025-26). What
the report holds follows a published IRO annual report's sections 4 to 9 (docs/domain.md,
"The annual report"); nothing is typed in.

Conventions:

- A state "at" a date (looked after, on a plan, allocated) uses the records' [start, end)
  rule: an end date (DEC) is the first day the state no longer holds, so a child who left
  care on 31 March is not looked after at 31 March.
- As in the national SSDA903 statistics, the looked-after counts (year end, trend,
  characteristics, placements, rate, starts, ends, 3+ placements) leave out children
  looked after only under an agreed series of short breaks (legal status V3/V4); their
  number at the year end is reported beside them. Their reviews (reg 48) still count
  among the reviews held.
- "At the start of the year" is the previous 31 March (the previous year end), so
  start + in - out = end holds for both looked-after children and CP plans.
- Outcomes of things started in the year (a form answered, a case resolved) are counted
  as the records stand now, so a report re-run later may show more of them. The on-time
  rates are over everything started in the year: what was not done counts as late.

Every figure comes from a set-based query (grouped in SQL where the grouping is
portable, otherwise a pass over plain row tuples); nothing is queried per child.

Layout: ``figures`` (the result dataclasses and ``as_json``), ``common`` (labels and
query helpers), the counting by section (``looked_after``, ``reviews``, ``protection``,
``unit_work``) and ``build`` (``annual_report``). The printed layout of the report is
``iro_desk.report_layout``, beside the CLI's other output.
"""

from __future__ import annotations

from iro_desk.services.report.build import annual_report
from iro_desk.services.report.common import (
    CP_MIN_AGE,
    ETHNIC_GROUPS,
    NOT_RECORDED,
    ORDER_STATUSES,
    SEX_LABELS,
    UNBORN,
    UNKNOWN,
)
from iro_desk.services.report.figures import (
    AgencyReports,
    AnnualReport,
    CaseloadFigures,
    CodeCount,
    ComplianceFigures,
    ConferenceParticipation,
    ConferenceReports,
    CpAgeQuarter,
    IroCaseload,
    MonthParticipation,
    ParticipationFigures,
    PlacementGroupRow,
    ResolutionFigures,
    ReviewFigures,
    Share,
    VisitFigures,
    YearEndCount,
)

__all__ = [
    "CP_MIN_AGE",
    "ETHNIC_GROUPS",
    "NOT_RECORDED",
    "ORDER_STATUSES",
    "SEX_LABELS",
    "UNBORN",
    "UNKNOWN",
    "AgencyReports",
    "AnnualReport",
    "CaseloadFigures",
    "CodeCount",
    "ComplianceFigures",
    "ConferenceParticipation",
    "ConferenceReports",
    "CpAgeQuarter",
    "IroCaseload",
    "MonthParticipation",
    "ParticipationFigures",
    "PlacementGroupRow",
    "ResolutionFigures",
    "ReviewFigures",
    "Share",
    "VisitFigures",
    "YearEndCount",
    "annual_report",
]
