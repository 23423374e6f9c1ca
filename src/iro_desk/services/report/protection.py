"""Counting child protection: plans, ages, outcomes, conference participation and reports."""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import and_, case, distinct, func, select
from sqlalchemy.orm import Session

from iro_desk.db.models import Child, ConferenceReport, CpPlan, Meeting, MeetingChild
from iro_desk.db.queries import covering, ends_after, unindexed
from iro_desk.rules.codes import AGE_BANDS
from iro_desk.rules.dates import age_on, reporting_year_bounds
from iro_desk.services.report.common import (
    CP_MIN_AGE,
    NOT_RECORDED,
    UNBORN,
    age_band_on,
    fetch_rows,
    fetch_scalar,
    shares,
)
from iro_desk.services.report.figures import (
    AgencyReports,
    ConferenceParticipation,
    ConferenceReports,
    CpAgeQuarter,
    MonthParticipation,
    Share,
    pct,
)


def on_plan(on: date) -> Any:
    return and_(CpPlan.start_date.is_not(None), covering(CpPlan.start_date, CpPlan.end_date, on))


def count_cp_on(session: Session, on: date) -> int:
    query = select(func.count(distinct(CpPlan.child_id))).where(on_plan(on))
    return int(fetch_scalar(session, query) or 0)


def quarter_ends(year_start: int) -> list[date]:
    y = year_start
    return [date(y, 6, 30), date(y, 9, 30), date(y, 12, 31), date(y + 1, 3, 31)]


def count_cp_ages(session: Session, year_start: int) -> tuple[CpAgeQuarter, ...]:
    """Children on plans at each quarter end, by age band (and unborn), from one pass over
    the plans that were open at any quarter end."""
    ends = quarter_ends(year_start)
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
    for dob, expected, plan_start, plan_end in fetch_rows(session, query):
        for i, on in enumerate(ends):
            if plan_start <= on and (plan_end is None or plan_end > on):
                counts[i][age_band_on(dob, expected, on)] += 1
    out = []
    for i, (on, by_band) in enumerate(zip(ends, counts, strict=True), start=1):
        total = sum(by_band.values())
        out.append(CpAgeQuarter(f"Q{i}", on, total, shares(by_band, total, (UNBORN, *AGE_BANDS))))
    return tuple(out)


def count_cp_outcomes(session: Session, start: date, end: date) -> tuple[Share, ...]:
    query = (
        select(CpPlan.outcome, func.count())
        .where(CpPlan.start_date.is_not(None), CpPlan.end_date.between(start, end))
        .group_by(CpPlan.outcome)
    )
    counts: dict[str, int] = defaultdict(int)
    for outcome, n in fetch_rows(session, query):
        counts[(outcome or "").strip() or NOT_RECORDED] += n
    total = sum(counts.values())
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return tuple(Share.of(label, n, total) for label, n in ordered)


def months_of(year_start: int) -> list[tuple[int, int]]:
    return [(year_start + (m < 4), m) for m in (*range(4, 13), 1, 2, 3)]


def count_conference_participation(
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
    for day, dob, took_part in fetch_rows(session, query):
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
            pct(took[(y, m)], aged[(y, m)]),
        )
        for y, m in months_of(year_start)
    )
    total, part = sum(aged.values()), sum(took.values())
    return ConferenceParticipation(kind, months, total, part, pct(part, total))


def count_conference_reports(
    session: Session, kind: str, start: date, end: date
) -> ConferenceReports:
    """Reports for the year's conferences: on time = received on or before the due date
    (N working days before the conference); a report never received is not on time."""
    held = and_(Meeting.kind == kind, Meeting.meeting_date.between(start, end))
    conferences = fetch_scalar(session, select(func.count()).select_from(Meeting).where(held))
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
        AgencyReports(agency, int(n), int(ok or 0), pct(int(ok or 0), int(n)))
        for agency, n, ok in sorted(fetch_rows(session, query), key=lambda row: row[0].casefold())
    )
    required = sum(a.required for a in agencies)
    received = sum(a.on_time for a in agencies)
    return ConferenceReports(
        kind, int(conferences or 0), required, received, pct(received, required), agencies
    )
