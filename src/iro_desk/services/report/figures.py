"""The annual report's figures: what each section holds, and every figure as JSON."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any


def pct(count: int, total: int) -> float | None:
    """A percentage to one decimal place, as the seed prints them; None when there is no base."""
    return round(100 * count / total, 1) if total else None


@dataclass(frozen=True)
class Share:
    """``count`` of ``total``, with the percentage (one decimal place)."""

    label: str
    count: int
    total: int
    percent: float | None

    @classmethod
    def of(cls, label: str, count: int, total: int) -> Share:
        return cls(label, count, total, pct(count, total))


@dataclass(frozen=True)
class CodeCount:
    code: str
    label: str
    count: int


@dataclass(frozen=True)
class YearEndCount:
    label: str  # the reporting year that ends on ``as_of``, e.g. "2025-26"
    as_of: date
    cla: int


@dataclass(frozen=True)
class PlacementGroupRow:
    group: str
    previous: int  # at the previous year end
    previous_percent: float | None
    current: int  # at this year end
    current_percent: float | None


@dataclass(frozen=True)
class ReviewFigures:
    """Looked After Reviews held in the year and how many were on time."""

    held: int
    on_time: int
    percent: float | None
    short_break_held: int  # of ``held``: reg 48 short-break reviews (judged on that clock)


@dataclass(frozen=True)
class ParticipationFigures:
    by_code: tuple[CodeCount, ...]  # PN0-PN7 (plus "Not recorded" when any)
    aged_4_plus: int  # reviews coded PN1-PN7
    participated: int
    participated_percent: float | None
    attended: int
    attended_percent: float | None


@dataclass(frozen=True)
class CpAgeQuarter:
    label: str  # "Q1".."Q4"
    as_of: date
    total: int
    bands: tuple[Share, ...]


@dataclass(frozen=True)
class MonthParticipation:
    month: str  # "April 2025"
    aged_4_plus: int
    took_part: int
    percent: float | None


@dataclass(frozen=True)
class ConferenceParticipation:
    kind: str  # ICPC or RCPC
    months: tuple[MonthParticipation, ...]
    aged_4_plus: int
    took_part: int
    percent: float | None


@dataclass(frozen=True)
class AgencyReports:
    agency: str
    required: int
    on_time: int
    percent: float | None


@dataclass(frozen=True)
class ConferenceReports:
    kind: str  # ICPC or RCPC
    conferences: int
    required: int
    on_time: int
    percent: float | None
    by_agency: tuple[AgencyReports, ...]


@dataclass(frozen=True)
class IroCaseload:
    name: str
    fte: float
    active: bool
    children: int
    per_fte: float | None


@dataclass(frozen=True)
class CaseloadFigures:
    active_iros: int
    fte: float
    allocated: int  # children allocated to an IRO at the year end
    per_fte: float | None
    low: int
    high: int
    band: str
    by_iro: tuple[IroCaseload, ...]


@dataclass(frozen=True)
class VisitFigures:
    visits: int
    children: int


@dataclass(frozen=True)
class ComplianceFigures:
    sent: int
    answered: int
    answered_in_time: int
    answered_in_time_percent: float | None
    with_concerns: int


@dataclass(frozen=True)
class ResolutionFigures:
    raised: int
    by_stage: tuple[CodeCount, ...]  # by the highest stage each case reached
    resolved: int
    resolved_in_time: int
    resolved_in_time_percent: float | None
    cafcass_referred: int


@dataclass(frozen=True)
class AnnualReport:
    year_start: int
    label: str
    start: date
    end: date
    # Looked-after children (short breaks left out, see the module docstring).
    cla: int
    cla_trend: tuple[YearEndCount, ...]  # this year end and the three before, oldest first
    short_breaks_at_year_end: int
    gender: tuple[Share, ...]
    age_bands: tuple[Share, ...]
    ethnicity: tuple[Share, ...]
    placements: tuple[PlacementGroupRow, ...]
    child_population: int | None
    rate_per_10k: float | None
    legal_orders: tuple[CodeCount, ...]
    cla_starts: int
    cla_ends: int
    net_change: int
    reviews: ReviewFigures
    participation: ParticipationFigures
    three_plus_placements: int
    # Child protection.
    cp_at_start: int
    cp_at_end: int
    cp_ages: tuple[CpAgeQuarter, ...]
    cp_outcomes: tuple[Share, ...]
    icpc_participation: ConferenceParticipation
    rcpc_participation: ConferenceParticipation
    icpc_reports: ConferenceReports
    rcpc_reports: ConferenceReports
    # The unit's own work.
    caseload: CaseloadFigures
    visits: VisitFigures
    enquiries: tuple[CodeCount, ...]
    enquiries_total: int
    compliance: ComplianceFigures
    resolution: ResolutionFigures
    # IRO allocated, decisions and record circulated: in time, of all (services/report).
    clocks: tuple[Share, ...] = ()

    @property
    def previous_year_end(self) -> date:
        return self.start - timedelta(days=1)

    def as_json(self) -> dict[str, Any]:
        """Every figure as plain JSON values (dates as ISO strings)."""
        out = plain(self)
        assert isinstance(out, dict)
        return out

    def sections(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """The report as printable sections: (title, [(label, value)]).

        The layout lives in ``iro_desk.report_layout``, beside the CLI's output; this
        stays for callers that ask the report itself.
        """
        from iro_desk.report_layout import report_sections

        return report_sections(self)


def plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value
