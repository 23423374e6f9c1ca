"""The annual report of the IRO service: every figure counted from the records.

The reporting year runs from 1 April to 31 March (``year_start`` 2025 is 2025-26). What
the report holds follows the seed report's sections 4 to 9 (DOMAIN.md, "The figures the
annual report must produce"); nothing is typed in.

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
  as the records stand now, so a report re-run later may show more of them.

Every figure comes from a set-based query (grouped in SQL where the grouping is
portable, otherwise a pass over plain row tuples); nothing is queried per child.
"""

from __future__ import annotations

import calendar
import dataclasses
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, distinct, exists, func, select
from sqlalchemy.orm import Session, aliased

from iro_desk.db.models import (
    Allocation,
    CarePeriod,
    Child,
    ComplianceForm,
    ComplianceItem,
    ConferenceReport,
    CpPlan,
    Enquiry,
    Episode,
    Iro,
    Meeting,
    MeetingChild,
    ResolutionCase,
    ResolutionStage,
    Visit,
)
from iro_desk.db.queries import covering, ends_after, raw_key, unindexed
from iro_desk.rules.codes import (
    AGE_BANDS,
    ATTENDED,
    ENQUIRY_CATEGORIES,
    LEGAL_STATUSES,
    PARTICIPATED,
    PARTICIPATION_CODES,
    PLACEMENT_GROUP_NAMES,
    RESOLUTION_STAGES,
    SHORT_BREAK_STATUSES,
    age_band,
    ethnic_group,
    placement_group,
)
from iro_desk.rules.dates import age_on, reporting_year_bounds, reporting_year_label
from iro_desk.rules.reviews import is_short_break, lar_due, reviews_from_span, short_break_due
from iro_desk.rules.timescales import CASELOAD_HIGH, CASELOAD_LOW
from iro_desk.services.context import Ctx

__all__ = [
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

# The legal orders the seed counts: interim care, full care and placement orders.
ORDER_STATUSES: tuple[str, ...] = ("C1", "C2", "E1")
SEX_LABELS: dict[str, str] = {"M": "Male", "F": "Female", "U": "Unknown or indeterminate"}
ETHNIC_GROUPS: tuple[str, ...] = ("White British", "BME", "Not obtained")
UNBORN = "Unborn"
NOT_RECORDED = "Not recorded"
UNKNOWN = "Unknown"
CP_MIN_AGE = 4  # participation in CP conferences is recorded for children aged 4+
_SHORT_BREAKS = tuple(sorted(SHORT_BREAK_STATUSES))
# The reviews that run a period of care's clock: reg 33 LARs and reg 48 short-break reviews.
_PERIOD_REVIEWS = ("LAR", "SHORTBREAK")


# --- the figures --------------------------------------------------------------------


def _pct(count: int, total: int) -> float | None:
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
        return cls(label, count, total, _pct(count, total))


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

    @property
    def previous_year_end(self) -> date:
        return self.start - timedelta(days=1)

    def as_json(self) -> dict[str, Any]:
        """Every figure as plain JSON values (dates as ISO strings)."""
        out = _plain(self)
        assert isinstance(out, dict)
        return out

    def sections(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """The report as printable sections: (title, [(label, value)])."""
        return _sections(self)


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


# --- building it --------------------------------------------------------------------


def annual_report(
    session: Session, ctx: Ctx, year_start: int, *, child_population: int | None = None
) -> AnnualReport:
    """Count every figure of the report for 1 April ``year_start`` to 31 March after.

    ``child_population`` (children under 18 in the area) gives the rate per 10,000; it
    defaults to the ``child_population`` setting, and without either the rate is None.
    """
    start, end = reporting_year_bounds(year_start)
    previous_end = start - timedelta(days=1)
    population = child_population
    if population is None:
        population = ctx.settings.child_population

    trend = _cla_trend(session, year_start)
    cla = trend[-1].cla
    now = _year_end(session, end)
    placements_before = _placements_at(session, previous_end)
    reviews, participation = _reviews(session, ctx, start, end)
    starts, ends = _starts_and_ends(session, start, end)
    cp_ages = _cp_ages(session, year_start)

    return AnnualReport(
        year_start=year_start,
        label=reporting_year_label(year_start),
        start=start,
        end=end,
        cla=cla,
        cla_trend=trend,
        short_breaks_at_year_end=now.short_breaks,
        gender=_shares(now.sexes, cla, ("Male", "Female")),
        age_bands=_shares(now.ages, cla, AGE_BANDS),
        ethnicity=_shares(now.ethnic_groups, cla, ETHNIC_GROUPS),
        placements=_placement_rows(placements_before, now.placements),
        child_population=population,
        rate_per_10k=round(cla * 10_000 / population, 1) if population else None,
        legal_orders=_legal_orders(session, start, end),
        cla_starts=starts,
        cla_ends=ends,
        net_change=starts - ends,
        reviews=reviews,
        participation=participation,
        three_plus_placements=_three_plus_placements(session, start, end),
        cp_at_start=_cp_on(session, previous_end),
        cp_at_end=cp_ages[-1].total,
        cp_ages=cp_ages,
        cp_outcomes=_cp_outcomes(session, start, end),
        icpc_participation=_conference_participation(session, "ICPC", year_start),
        rcpc_participation=_conference_participation(session, "RCPC", year_start),
        icpc_reports=_conference_reports(session, "ICPC", start, end),
        rcpc_reports=_conference_reports(session, "RCPC", start, end),
        caseload=_caseload(session, end),
        visits=_visits(session, start, end),
        **_enquiries(session, start, end),
        compliance=_compliance(session, start, end),
        resolution=_resolution(session, start, end),
    )


def _rows(session: Session, query: Any) -> Any:
    """Plain row tuples through Core: for big results the ORM's row handling costs more
    than the query itself."""
    return session.connection().execute(query)


def _scalar(session: Session, query: Any) -> Any:
    return session.connection().scalar(query)


def _not_short_break() -> Any:
    return Episode.legal_status.not_in(_SHORT_BREAKS)


def _shares(counts: dict[str, int], total: int, always: Iterable[str]) -> tuple[Share, ...]:
    """Shares in the order of ``always`` (shown even when 0), then any others found."""
    labels = list(always)
    labels += sorted(k for k in counts if k not in labels and counts[k])
    return tuple(Share.of(label, counts.get(label, 0), total) for label in labels)


# -- looked-after children -------------------------------------------------------------


def _cla_trend(session: Session, year_start: int) -> tuple[YearEndCount, ...]:
    """Children looked after at this year end and the three before, in one pass."""
    years = [year_start - 3, year_start - 2, year_start - 1, year_start]
    ends = [reporting_year_bounds(y)[1] for y in years]
    columns = [
        func.count(
            distinct(case((covering(Episode.start_date, Episode.end_date, d), Episode.child_id)))
        )
        for d in ends
    ]
    row = _rows(
        session,
        select(*columns).where(
            unindexed(Episode.start_date) <= ends[-1],
            ends_after(Episode.end_date, ends[0]),
            _not_short_break(),
        ),
    ).one()
    return tuple(
        YearEndCount(reporting_year_label(y), d, int(n or 0))
        for y, d, n in zip(years, ends, row, strict=True)
    )


@dataclass(frozen=True)
class _YearEnd:
    sexes: dict[str, int]
    ages: dict[str, int]
    ethnic_groups: dict[str, int]
    placements: dict[str, int]
    short_breaks: int


def _year_end(session: Session, on: date) -> _YearEnd:
    """Sex, age band, ethnic group and placement group of the children looked after on
    ``on``, in one pass (grouped by date of birth, banded by the rules)."""
    query = (
        select(
            Child.sex,
            Child.ethnicity,
            Child.dob,
            Episode.placement,
            Episode.legal_status,
            func.count(),
        )
        .select_from(Episode)
        .join(Child, Child.id == Episode.child_id)
        .where(covering(Episode.start_date, Episode.end_date, on))
        .group_by(Child.sex, Child.ethnicity, Child.dob, Episode.placement, Episode.legal_status)
    )
    sexes: dict[str, int] = defaultdict(int)
    ages: dict[str, int] = defaultdict(int)
    groups: dict[str, int] = defaultdict(int)
    places: dict[str, int] = defaultdict(int)
    short_breaks = 0
    for sex, ethnicity, dob, placement, legal_status, n in _rows(session, query):
        if is_short_break(legal_status):
            short_breaks += n
            continue
        sexes[SEX_LABELS.get(sex or "", NOT_RECORDED)] += n
        ages[_band(dob, None, on)] += n
        groups[ethnic_group(ethnicity) if ethnicity else "Not obtained"] += n
        places[placement_group(placement) if placement else NOT_RECORDED] += n
    return _YearEnd(sexes, ages, groups, places, short_breaks)


def _band(dob: date | None, expected: date | None, on: date) -> str:
    if dob is None:
        return UNBORN if expected is not None else UNKNOWN
    age = age_on(dob, on)
    return UNBORN if age < 0 else age_band(age)


def _placements_at(session: Session, on: date) -> dict[str, int]:
    query = (
        select(Episode.placement, func.count(distinct(Episode.child_id)))
        .where(covering(Episode.start_date, Episode.end_date, on), _not_short_break())
        .group_by(Episode.placement)
    )
    out: dict[str, int] = defaultdict(int)
    for placement, n in _rows(session, query):
        out[placement_group(placement) if placement else NOT_RECORDED] += n
    return out


def _placement_rows(before: dict[str, int], now: dict[str, int]) -> tuple[PlacementGroupRow, ...]:
    total_before, total_now = sum(before.values()), sum(now.values())
    groups = list(PLACEMENT_GROUP_NAMES)
    if before.get(NOT_RECORDED) or now.get(NOT_RECORDED):
        groups.append(NOT_RECORDED)
    return tuple(
        PlacementGroupRow(
            group=g,
            previous=before.get(g, 0),
            previous_percent=_pct(before.get(g, 0), total_before),
            current=now.get(g, 0),
            current_percent=_pct(now.get(g, 0), total_now),
        )
        for g in groups
    )


def _legal_orders(session: Session, start: date, end: date) -> tuple[CodeCount, ...]:
    """Episodes starting in the year under C1, C2 or E1 when the child's previous episode
    (if any) had another legal status: the order was made then."""
    prev = aliased(Episode)
    prev_status = (
        select(prev.legal_status)
        .where(prev.child_id == Episode.child_id, prev.start_date < Episode.start_date)
        .order_by(prev.start_date.desc())
        .limit(1)
        .correlate(Episode)
        .scalar_subquery()
    )
    query = (
        select(Episode.legal_status, func.count())
        .where(
            Episode.start_date.between(start, end),
            Episode.legal_status.in_(ORDER_STATUSES),
            func.coalesce(prev_status, "") != Episode.legal_status,
        )
        .group_by(Episode.legal_status)
    )
    counts = {ls: n for ls, n in _rows(session, query)}
    return tuple(CodeCount(ls, LEGAL_STATUSES[ls], int(counts.get(ls, 0))) for ls in ORDER_STATUSES)


def _starts_and_ends(session: Session, start: date, end: date) -> tuple[int, int]:
    """Periods of care starting / ending in the year (not short-break-only ones)."""
    first = aliased(Episode)
    starts = _scalar(
        session,
        select(func.count(distinct(CarePeriod.id)))
        .join(
            first,
            and_(first.period_id == CarePeriod.id, first.start_date == CarePeriod.start_date),
        )
        .where(
            CarePeriod.start_date.between(start, end),
            first.legal_status.not_in(_SHORT_BREAKS),
        ),
    )
    last = aliased(Episode)
    ends = _scalar(
        session,
        select(func.count(distinct(CarePeriod.id)))
        .join(last, and_(last.period_id == CarePeriod.id, last.end_date == CarePeriod.end_date))
        .where(
            CarePeriod.end_date.between(start, end),
            last.legal_status.not_in(_SHORT_BREAKS),
        ),
    )
    return int(starts or 0), int(ends or 0)


def _three_plus_placements(session: Session, start: date, end: date) -> int:
    """Children whose episodes in the year involve three or more placements.

    The first episode of each period in the year is a placement; every later one counts
    when its PLACE differs from the episode before it in the period.
    """
    # Partitioned on an expression so that SQLite sorts the year's episodes instead of
    # reading every episode ever, one by one, in the order of the period index.
    order = {
        "partition_by": unindexed(Episode.period_id),
        "order_by": (Episode.start_date, Episode.id),
    }
    inner = (
        select(
            Episode.child_id.label("child_id"),
            func.coalesce(Episode.placement, "").label("place"),
            func.coalesce(func.lag(Episode.placement).over(**order), "").label("prev_place"),
            func.row_number().over(**order).label("n"),
        )
        .where(
            unindexed(Episode.start_date) <= end,
            ends_after(Episode.end_date, start),
            _not_short_break(),
        )
        .subquery()
    )
    moved = case((inner.c.n == 1, 1), (inner.c.prev_place != inner.c.place, 1), else_=0)
    per_child = (
        select(inner.c.child_id).group_by(inner.c.child_id).having(func.sum(moved) >= 3).subquery()
    )
    return int(_scalar(session, select(func.count()).select_from(per_child)) or 0)


# -- Looked After Reviews --------------------------------------------------------------


def _reviews(
    session: Session, ctx: Ctx, start: date, end: date
) -> tuple[ReviewFigures, ParticipationFigures]:
    """Looked After Reviews held in the year, each judged against the review before it in
    its period of care, and how the children took part.

    The clocks are ``lar_due`` (reg 33) and ``short_break_due`` (reg 48, for a review held
    while the child's legal status was V3/V4), which ``lar_timeliness`` and
    ``short_break_timeliness`` apply to each review in turn. Calling them per review lets
    the many reviews whose clocks run from the same day share one answer.
    """
    rows = _rows(
        session,
        select(
            raw_key(MeetingChild.period_id),
            MeetingChild.meeting_date,
            MeetingChild.participation,
            MeetingChild.kind,
        ).where(
            MeetingChild.kind.in_(_PERIOD_REVIEWS), MeetingChild.meeting_date.between(start, end)
        ),
    )
    by_period: dict[Any, set[date]] = defaultdict(set)
    raw_codes: dict[str | None, int] = defaultdict(int)
    held = 0
    for period_id, day, code, kind in rows:
        held += 1
        if kind == "LAR":  # participation is a 903 figure: Looked After Reviews only
            raw_codes[code] += 1
        by_period[period_id].add(day)
    # Without a period of care a review cannot be judged, so it is not on time.
    by_period.pop(None, None)
    codes: dict[str, int] = defaultdict(int)
    for code, n in raw_codes.items():
        codes[(code or "").strip().upper() or NOT_RECORDED] += n

    # Every period of care open during the year, with its start and its first and latest
    # review before the year: all the clocks need of the history.
    h = aliased(MeetingChild)
    periods = {
        period_id: (period_start, first, last)
        for period_id, period_start, first, last in _rows(
            session,
            select(
                raw_key(CarePeriod.id),
                CarePeriod.start_date,
                func.min(h.meeting_date),
                func.max(h.meeting_date),
            )
            .select_from(CarePeriod)
            .outerjoin(
                h,
                and_(
                    h.period_id == CarePeriod.id,
                    h.kind.in_(_PERIOD_REVIEWS),
                    h.meeting_date < start,
                ),
            )
            .where(
                unindexed(CarePeriod.start_date) <= end,
                ends_after(CarePeriod.end_date, start),
            )
            .group_by(CarePeriod.id, CarePeriod.start_date),
        )
    }
    breaks: dict[Any, list[tuple[date, date | None]]] = defaultdict(list)
    for period_id, b_start, b_end in _rows(
        session,
        select(raw_key(Episode.period_id), Episode.start_date, Episode.end_date).where(
            Episode.legal_status.in_(_SHORT_BREAKS),
            unindexed(Episode.start_date) <= end,
            ends_after(Episode.end_date, start),
        ),
    ):
        breaks[period_id].append((b_start, b_end))

    dues: dict[tuple[bool, int, date], date] = {}

    def due(is_break: bool, period_start: date, earlier: tuple[date, ...]) -> date:
        key = (is_break, len(earlier), earlier[-1] if earlier else period_start)
        if key not in dues:
            dues[key] = (
                short_break_due(period_start, earlier).date
                if is_break
                else lar_due(period_start, earlier, ctx.calendar).date
            )
        return dues[key]

    on_time = short_break = 0
    for period_id, days in by_period.items():
        if period_id not in periods:
            continue  # a review outside its period's dates cannot be judged
        period_start, first, last = periods[period_id]
        earlier = reviews_from_span(first, last)
        spans = breaks.get(period_id, ())
        for day in sorted(days):
            is_break = any(s <= day and (e is None or e > day) for s, e in spans)
            short_break += is_break
            on_time += day <= due(is_break, period_start, earlier)
            earlier = (earlier[0], day) if earlier else (day,)

    by_code = [CodeCount(c, label, codes.get(c, 0)) for c, label in PARTICIPATION_CODES.items()]
    others = sorted(k for k in codes if k not in PARTICIPATION_CODES)
    by_code += [CodeCount(k, NOT_RECORDED if k == NOT_RECORDED else k, codes[k]) for k in others]
    over_4 = sum(n for c, n in codes.items() if c in PARTICIPATION_CODES and c != "PN0")
    participated = sum(codes.get(c, 0) for c in PARTICIPATED)
    attended = sum(codes.get(c, 0) for c in ATTENDED)
    participation = ParticipationFigures(
        by_code=tuple(by_code),
        aged_4_plus=over_4,
        participated=participated,
        participated_percent=_pct(participated, over_4),
        attended=attended,
        attended_percent=_pct(attended, over_4),
    )
    return ReviewFigures(held, on_time, _pct(on_time, held), short_break), participation


# -- child protection ------------------------------------------------------------------


def _on_plan(on: date) -> Any:
    return and_(CpPlan.start_date.is_not(None), covering(CpPlan.start_date, CpPlan.end_date, on))


def _cp_on(session: Session, on: date) -> int:
    query = select(func.count(distinct(CpPlan.child_id))).where(_on_plan(on))
    return int(_scalar(session, query) or 0)


def _quarter_ends(year_start: int) -> list[date]:
    y = year_start
    return [date(y, 6, 30), date(y, 9, 30), date(y, 12, 31), date(y + 1, 3, 31)]


def _cp_ages(session: Session, year_start: int) -> tuple[CpAgeQuarter, ...]:
    """Children on plans at each quarter end, by age band (and unborn), from one pass over
    the plans that were open at any quarter end."""
    ends = _quarter_ends(year_start)
    query = (
        select(Child.dob, Child.expected_dob, CpPlan.start_date, CpPlan.end_date)
        .select_from(CpPlan)
        .join(Child, Child.id == CpPlan.child_id)
        .where(
            CpPlan.start_date.is_not(None),
            unindexed(CpPlan.start_date) <= ends[-1],
            ends_after(CpPlan.end_date, ends[0]),
        )
    )
    counts: list[dict[str, int]] = [defaultdict(int) for _ in ends]
    for dob, expected, plan_start, plan_end in _rows(session, query):
        for i, on in enumerate(ends):
            if plan_start <= on and (plan_end is None or plan_end > on):
                counts[i][_band(dob, expected, on)] += 1
    out = []
    for i, (on, by_band) in enumerate(zip(ends, counts, strict=True), start=1):
        total = sum(by_band.values())
        out.append(CpAgeQuarter(f"Q{i}", on, total, _shares(by_band, total, (UNBORN, *AGE_BANDS))))
    return tuple(out)


def _cp_outcomes(session: Session, start: date, end: date) -> tuple[Share, ...]:
    query = (
        select(CpPlan.outcome, func.count())
        .where(CpPlan.start_date.is_not(None), CpPlan.end_date.between(start, end))
        .group_by(CpPlan.outcome)
    )
    counts: dict[str, int] = defaultdict(int)
    for outcome, n in _rows(session, query):
        counts[(outcome or "").strip() or NOT_RECORDED] += n
    total = sum(counts.values())
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return tuple(Share.of(label, n, total) for label, n in ordered)


def _months(year_start: int) -> list[tuple[int, int]]:
    return [(year_start + (m < 4), m) for m in (*range(4, 13), 1, 2, 3)]


def _conference_participation(
    session: Session, kind: str, year_start: int
) -> ConferenceParticipation:
    """Children aged 4+ at an ICPC / RCPC in the year, and how many took part, by month."""
    start, end = reporting_year_bounds(year_start)
    youngest_dob = end.replace(year=end.year - CP_MIN_AGE)  # 31 March: no leap-day issue
    query = (
        select(MeetingChild.meeting_date, Child.dob, MeetingChild.cp_took_part)
        .select_from(MeetingChild)
        .join(Child, Child.id == MeetingChild.child_id)
        .where(
            MeetingChild.kind == kind,
            MeetingChild.meeting_date.between(start, end),
            # Nobody under 4 at the year end can have been 4 at a meeting in it.
            Child.dob <= youngest_dob,
        )
    )
    aged: dict[tuple[int, int], int] = defaultdict(int)
    took: dict[tuple[int, int], int] = defaultdict(int)
    for day, dob, took_part in _rows(session, query):
        if age_on(dob, day) < CP_MIN_AGE:
            continue
        key = (day.year, day.month)
        aged[key] += 1
        took[key] += bool(took_part)
    months = tuple(
        MonthParticipation(
            f"{calendar.month_name[m]} {y}",
            aged[(y, m)],
            took[(y, m)],
            _pct(took[(y, m)], aged[(y, m)]),
        )
        for y, m in _months(year_start)
    )
    total, part = sum(aged.values()), sum(took.values())
    return ConferenceParticipation(kind, months, total, part, _pct(part, total))


def _conference_reports(session: Session, kind: str, start: date, end: date) -> ConferenceReports:
    """Reports for the year's conferences: on time = received on or before the due date
    (N working days before the conference); a report never received is not on time."""
    held = and_(Meeting.kind == kind, Meeting.meeting_date.between(start, end))
    conferences = _scalar(session, select(func.count()).select_from(Meeting).where(held))
    on_time = case(
        (
            and_(
                ConferenceReport.received_date.is_not(None),
                ConferenceReport.received_date <= ConferenceReport.due_date,
            ),
            1,
        ),
        else_=0,
    )
    query = (
        select(ConferenceReport.agency, func.count(), func.sum(on_time))
        .select_from(ConferenceReport)
        .join(Meeting, Meeting.id == ConferenceReport.meeting_id)
        .where(held)
        .group_by(ConferenceReport.agency)
    )
    # Sorted here: the two databases collate text differently.
    agencies = tuple(
        AgencyReports(agency, int(n), int(ok or 0), _pct(int(ok or 0), int(n)))
        for agency, n, ok in sorted(_rows(session, query), key=lambda row: row[0].casefold())
    )
    required = sum(a.required for a in agencies)
    received = sum(a.on_time for a in agencies)
    return ConferenceReports(
        kind, int(conferences or 0), required, received, _pct(received, required), agencies
    )


# -- the unit's work -------------------------------------------------------------------


def _band_text(per_fte: float | None) -> str:
    """Against the IRO Handbook's 50-70 children per full-time IRO."""
    span = f"{CASELOAD_LOW}-{CASELOAD_HIGH}"
    if per_fte is None:
        return "no active IROs"
    if per_fte > CASELOAD_HIGH:
        return f"above the Handbook's {span}"
    if per_fte < CASELOAD_LOW:
        return f"below the Handbook's {span}"
    return f"within the Handbook's {span}"


def _caseload(session: Session, on: date) -> CaseloadFigures:
    """IROs and the children allocated to them at the year end.

    Whether an IRO is active is as recorded now (there is no history of it).
    """
    held = covering(Allocation.start_date, Allocation.end_date, on)
    # A child has one allocation at a time, so the IROs' counts add up to the children.
    # (Grouped on an expression: SQLite would otherwise read the table in iro_id order
    # through its index, one row at a time.)
    iro = unindexed(Allocation.iro_id)
    per_iro: dict[Any, int] = {
        iro_id: n
        for iro_id, n in _rows(session, select(iro, func.count()).where(held).group_by(iro))
    }
    allocated = sum(per_iro.values())
    by_iro = []
    fte = 0.0
    active = 0
    for iro_id, name, iro_fte, is_active in _rows(
        session, select(Iro.id, Iro.name, Iro.fte, Iro.active).order_by(Iro.name)
    ):
        children = int(per_iro.get(iro_id, 0))
        if is_active:
            active += 1
            fte += iro_fte
        elif not children:
            continue  # a former IRO with nobody allocated at the year end
        by_iro.append(
            IroCaseload(name, iro_fte, bool(is_active), children, _ratio(children, iro_fte))
        )
    fte = round(fte, 2)
    per_fte = _ratio(allocated, fte)
    return CaseloadFigures(
        active_iros=active,
        fte=fte,
        allocated=allocated,
        per_fte=per_fte,
        low=CASELOAD_LOW,
        high=CASELOAD_HIGH,
        band=_band_text(per_fte),
        by_iro=tuple(by_iro),
    )


def _ratio(n: int, fte: float) -> float | None:
    return round(n / fte, 1) if fte else None


def _visits(session: Session, start: date, end: date) -> VisitFigures:
    """Visits in the year; a visit amended later counts once, as its latest version."""
    amended = select(Visit.amends_id).where(Visit.amends_id.is_not(None))
    n, children = _rows(
        session,
        select(func.count(Visit.id), func.count(distinct(Visit.child_id))).where(
            Visit.visit_date.between(start, end), Visit.id.not_in(amended)
        ),
    ).one()
    return VisitFigures(int(n or 0), int(children or 0))


def _enquiries(session: Session, start: date, end: date) -> dict[str, Any]:
    # Day boundaries are UTC, as in services.duty.
    since = datetime(start.year, start.month, start.day, tzinfo=UTC)
    until = datetime(end.year, end.month, end.day, tzinfo=UTC) + timedelta(days=1)
    counts: dict[str, int] = {
        category: n
        for category, n in _rows(
            session,
            select(Enquiry.category, func.count())
            .where(Enquiry.received_at >= since, Enquiry.received_at < until)
            .group_by(Enquiry.category),
        )
    }
    rows = [CodeCount(c, label, int(counts.get(c, 0))) for c, label in ENQUIRY_CATEGORIES.items()]
    rows += [
        CodeCount(c, c, int(n)) for c, n in sorted(counts.items()) if c not in ENQUIRY_CATEGORIES
    ]
    return {"enquiries": tuple(rows), "enquiries_total": sum(r.count for r in rows)}


def _compliance(session: Session, start: date, end: date) -> ComplianceFigures:
    concern = (
        exists()
        .where(ComplianceItem.form_id == ComplianceForm.id, ComplianceItem.answer == "no")
        .correlate(ComplianceForm)
    )
    in_time = and_(
        ComplianceForm.response_date.is_not(None),
        ComplianceForm.response_due.is_not(None),
        ComplianceForm.response_date <= ComplianceForm.response_due,
    )
    sent, answered, ok, concerns = _rows(
        session,
        select(
            func.count(ComplianceForm.id),
            func.count(ComplianceForm.response_date),
            func.sum(case((in_time, 1), else_=0)),
            func.sum(case((concern, 1), else_=0)),
        ).where(ComplianceForm.sent_date.between(start, end)),
    ).one()
    sent, answered, ok, concerns = (int(v or 0) for v in (sent, answered, ok, concerns))
    return ComplianceFigures(sent, answered, ok, _pct(ok, answered), concerns)


def _resolution(session: Session, start: date, end: date) -> ResolutionFigures:
    """Cases raised in the year, each at the highest stage it reached; "in time" means
    resolved by the due date of that stage."""
    later = aliased(ResolutionStage)
    highest = ~(
        select(later.id)
        .where(later.case_id == ResolutionStage.case_id, later.stage > ResolutionStage.stage)
        .correlate(ResolutionStage)
        .exists()
    )
    resolved = ResolutionCase.resolved_date.is_not(None)
    in_time = and_(resolved, ResolutionCase.resolved_date <= ResolutionStage.due)
    query = (
        select(
            ResolutionStage.stage,
            func.count(distinct(ResolutionCase.id)),
            func.sum(case((resolved, 1), else_=0)),
            func.sum(case((in_time, 1), else_=0)),
            func.sum(case((ResolutionCase.cafcass_referred.is_not(None), 1), else_=0)),
        )
        .select_from(ResolutionCase)
        .join(ResolutionStage, ResolutionStage.case_id == ResolutionCase.id)
        .where(ResolutionCase.raised_date.between(start, end), highest)
        .group_by(ResolutionStage.stage)
    )
    stages: dict[int, int] = {}
    n_resolved = n_in_time = n_cafcass = 0
    for stage, n, res, ok, caf in _rows(session, query):
        stages[stage] = int(n)
        n_resolved += int(res or 0)
        n_in_time += int(ok or 0)
        n_cafcass += int(caf or 0)
    by_stage = tuple(
        CodeCount(str(s), label, stages.get(s, 0)) for s, label in RESOLUTION_STAGES.items()
    )
    return ResolutionFigures(
        raised=sum(stages.values()),
        by_stage=by_stage,
        resolved=n_resolved,
        resolved_in_time=n_in_time,
        resolved_in_time_percent=_pct(n_in_time, n_resolved),
        cafcass_referred=n_cafcass,
    )


# --- printing -----------------------------------------------------------------------


def _p(percent: float | None) -> str:
    return "n/a" if percent is None else f"{percent:.1f}%"


def _n_pct(count: int, percent: float | None) -> str:
    return f"{count} ({_p(percent)})"


def _of(count: int, total: int, percent: float | None) -> str:
    return f"{count} of {total} ({_p(percent)})"


def _day(d: date) -> str:
    return f"{d.day} {calendar.month_name[d.month]} {d.year}"


def _sections(r: AnnualReport) -> list[tuple[str, list[tuple[str, str]]]]:
    end, before = _day(r.end), _day(r.previous_year_end)
    out: list[tuple[str, list[tuple[str, str]]]] = []

    cla = [(f"Looked after at {end}", str(r.cla))]
    cla += [(f"{t.label} (at {_day(t.as_of)})", str(t.cla)) for t in r.cla_trend]
    cla.append((f"On short breaks only at {end} (not counted)", str(r.short_breaks_at_year_end)))
    rate = "not set (child_population)" if r.rate_per_10k is None else f"{r.rate_per_10k:.1f}"
    cla.append(("Rate per 10,000 children", rate))
    out.append((f"Children looked after, {r.label}", cla))

    traits = [(s.label, _n_pct(s.count, s.percent)) for s in r.gender]
    traits += [
        (f"Aged {s.label}" if s.label[0].isdigit() else s.label, _n_pct(s.count, s.percent))
        for s in r.age_bands
    ]
    traits += [(s.label, _n_pct(s.count, s.percent)) for s in r.ethnicity]
    out.append((f"Characteristics of children looked after at {end}", traits))

    out.append(
        (
            f"Placements at {before} and at {end}",
            [
                (
                    p.group,
                    f"{_n_pct(p.previous, p.previous_percent)} -> "
                    f"{_n_pct(p.current, p.current_percent)}",
                )
                for p in r.placements
            ],
        )
    )
    out.append(
        ("Legal orders made", [(f"{o.code} {o.label}", str(o.count)) for o in r.legal_orders])
    )
    out.append(
        (
            "Starts and ends of care",
            [
                ("Started to be looked after", str(r.cla_starts)),
                ("Ceased to be looked after", str(r.cla_ends)),
                ("Net change", f"{r.net_change:+d}"),
            ],
        )
    )
    rv = r.reviews
    out.append(
        (
            "Looked After Reviews",
            [
                ("Reviews held", str(rv.held)),
                ("Held on time", _of(rv.on_time, rv.held, rv.percent)),
                ("Of which short-break reviews (reg 48)", str(rv.short_break_held)),
            ],
        )
    )
    pa = r.participation
    part = [(f"{c.code} {c.label}", str(c.count)) for c in pa.by_code]
    part += [
        ("Reviews of children aged 4+ (PN1-PN7)", str(pa.aged_4_plus)),
        (
            "Participated (PN1-PN3, PN5, PN6)",
            _of(pa.participated, pa.aged_4_plus, pa.participated_percent),
        ),
        ("Attended (PN1-PN4)", _of(pa.attended, pa.aged_4_plus, pa.attended_percent)),
    ]
    out.append(("Participation in Looked After Reviews", part))
    out.append(
        (
            "Placement stability",
            [("Children with 3 or more placements in the year", str(r.three_plus_placements))],
        )
    )
    cp = [
        (f"On a plan at {before} (start of year)", str(r.cp_at_start)),
        (f"On a plan at {end} (end of year)", str(r.cp_at_end)),
    ]
    out.append(("Children on child protection plans", cp))
    ages = []
    for q in r.cp_ages:
        ages += [
            (f"{q.label} ({_day(q.as_of)}) {s.label}", _n_pct(s.count, s.percent)) for s in q.bands
        ]
    out.append(("Age groups of children on CP plans, by quarter", ages))
    out.append(
        (
            "Outcomes of CP plans ended in the year",
            [(s.label, _n_pct(s.count, s.percent)) for s in r.cp_outcomes] or [("None", "0")],
        )
    )
    for cpart, title in (
        (r.icpc_participation, "Participation in Initial Child Protection Conferences (aged 4+)"),
        (r.rcpc_participation, "Participation in Child Protection Reviews (aged 4+)"),
    ):
        rows = [(m.month, _of(m.took_part, m.aged_4_plus, m.percent)) for m in cpart.months]
        rows.append((f"{r.label} year", _of(cpart.took_part, cpart.aged_4_plus, cpart.percent)))
        out.append((title, rows))
    for rep, title in (
        (r.icpc_reports, "Reports received on time for ICPCs"),
        (r.rcpc_reports, "Reports received on time for RCPCs"),
    ):
        rows = [
            ("Conferences held", str(rep.conferences)),
            ("Reports on time", _of(rep.on_time, rep.required, rep.percent)),
        ]
        rows += [(a.agency, _of(a.on_time, a.required, a.percent)) for a in rep.by_agency]
        out.append((title, rows))
    cl = r.caseload
    per_fte = "n/a" if cl.per_fte is None else f"{cl.per_fte:.1f} ({cl.band})"
    loads = [
        ("Active IROs", str(cl.active_iros)),
        ("Full-time equivalent", f"{cl.fte:g}"),
        (f"Children allocated at {end}", str(cl.allocated)),
        ("Average per full-time IRO", per_fte),
    ]
    loads += [
        (
            f"{i.name} ({i.fte:g} FTE{'' if i.active else ', inactive'})",
            f"{i.children}" + ("" if i.per_fte is None else f" ({i.per_fte:.1f} per FTE)"),
        )
        for i in cl.by_iro
    ]
    out.append(("IRO caseloads", loads))
    out.append(
        (
            "IRO visits to children",
            [("Visits", f"{r.visits.visits} visits to {r.visits.children} children")],
        )
    )
    enq = [
        (e.label if f"({e.code})" in e.label else f"{e.label} ({e.code})", str(e.count))
        for e in r.enquiries
    ]
    enq.append(("Total", str(r.enquiries_total)))
    out.append(("Duty enquiries by category", enq))
    co = r.compliance
    out.append(
        (
            "Compliance forms",
            [
                ("Sent to Team Managers", str(co.sent)),
                ("Answered", str(co.answered)),
                (
                    "Answered within the response time",
                    _of(co.answered_in_time, co.answered, co.answered_in_time_percent),
                ),
                ("With concerns (an item answered no)", str(co.with_concerns)),
            ],
        )
    )
    rs = r.resolution
    res = [("Cases raised", str(rs.raised))]
    res += [(f"Highest stage: {s.label}", str(s.count)) for s in rs.by_stage]
    res += [
        ("Resolved", str(rs.resolved)),
        ("Resolved in time", _of(rs.resolved_in_time, rs.resolved, rs.resolved_in_time_percent)),
        ("Referred to Cafcass", str(rs.cafcass_referred)),
    ]
    out.append(("Issues Resolution", res))
    return out
