"""Everything about one child, for the child screen and ``iro-desk child show``."""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from iro_desk.db.models import Allocation, Iro
from iro_desk.rules import codes
from iro_desk.rules.reviews import (
    icpc_due,
    lar_timeliness,
    rcpc_timeliness,
    short_break_timeliness,
)
from iro_desk.rules.working_days import WorkingCalendar
from iro_desk.services.audit_trail import record_opened
from iro_desk.services.caseload import CaseloadRow, build_caseload_for_child
from iro_desk.services.children import (
    age_text,
    child_by_ref,
    cp_plans_of,
    display_name,
    episodes_of,
    periods_of,
)
from iro_desk.services.context import Ctx
from iro_desk.services.meetings import meetings_of
from iro_desk.services.visits import VisitRow, visits_of

if TYPE_CHECKING:
    from iro_desk.services.context import Desk


@dataclass(frozen=True)
class EpisodeLine:
    start: date
    end: date | None
    legal_status: str
    legal_label: str
    placement: str | None
    placement_group: str | None
    reason_place_change: str | None


@dataclass(frozen=True)
class PeriodLine:
    id: uuid.UUID
    start: date
    end: date | None
    episodes: list[EpisodeLine]


@dataclass(frozen=True)
class PlanLine:
    id: uuid.UUID
    strategy_date: date
    icpc_date: date | None
    start: date | None
    category: str | None
    end: date | None
    outcome: str | None


@dataclass(frozen=True)
class MeetingLine:
    meeting_id: uuid.UUID
    meeting_child_id: uuid.UUID
    kind: str
    date: date
    due: date | None
    on_time: bool | None
    brought_forward: bool
    participation: str | None
    cp_took_part: bool | None
    cp_method: str | None
    decisions_circulated: date | None
    record_circulated: date | None
    views: str


@dataclass(frozen=True)
class AllocationLine:
    iro: str
    start: date
    end: date | None


@dataclass(frozen=True)
class ViewLine:
    date: date
    source: str
    text: str


@dataclass(frozen=True)
class ChildRecord:
    id: uuid.UUID
    ref: str
    name: str
    first_name: str
    last_name: str
    dob: date | None
    expected_dob: date | None
    age: str
    sex: str | None
    ethnicity: str | None
    ethnicity_label: str | None
    nhs_number: str | None
    upn: str | None
    as_of: date
    current: CaseloadRow | None
    allocations: list[AllocationLine]
    periods: list[PeriodLine]
    plans: list[PlanLine]
    meetings: list[MeetingLine]
    visits: list[VisitRow]
    views: list[ViewLine]
    forms: list[Any] = field(default_factory=list)
    cases: list[Any] = field(default_factory=list)
    # 903 details and the open findings of 903 imports about the child.
    upn_reason: str | None = None
    mother: bool | None = None
    mc_dob: date | None = None
    findings: list[str] = field(default_factory=list)

    @property
    def iro(self) -> str | None:
        return self.current.iro if self.current else None

    def as_json(self) -> dict[str, Any]:
        def plain(value: Any) -> Any:
            if dataclasses.is_dataclass(value) and not isinstance(value, type):
                return {k: plain(v) for k, v in dataclasses.asdict(value).items()}
            if isinstance(value, list | tuple):
                return [plain(v) for v in value]
            if isinstance(value, dict):
                return {k: plain(v) for k, v in value.items()}
            if isinstance(value, date | uuid.UUID):
                return str(value)
            return value

        data = plain(self)
        data["current"] = self.current.as_json() if self.current else None
        return data


def child_record(session: Session, ctx: Ctx, ref: str, *, as_of: date) -> ChildRecord:
    child = child_by_ref(session, ref)
    periods = periods_of(session, child.id)
    episodes = episodes_of(session, child.id)
    plans = cp_plans_of(session, child.id)
    pairs = meetings_of(session, child.id)

    judged = _judge_period_reviews(periods, pairs, ctx.calendar)
    judged.update(_judge_conferences(plans, pairs, ctx.calendar))
    meeting_lines = _meeting_lines(pairs, judged)
    visits = visits_of(session, child.id)
    allocations = _allocations(session, child.id)
    from iro_desk.services.compliance import forms_for_child
    from iro_desk.services.record_checks import open_finding_lines
    from iro_desk.services.resolution import cases_for_child

    return ChildRecord(
        id=child.id,
        ref=child.ref,
        name=display_name(child),
        first_name=child.first_name,
        last_name=child.last_name,
        dob=child.dob,
        expected_dob=child.expected_dob,
        age=age_text(child.dob, child.expected_dob, as_of),
        sex=child.sex,
        ethnicity=child.ethnicity,
        ethnicity_label=codes.ETHNIC_CODES.get(child.ethnicity) if child.ethnicity else None,
        nhs_number=child.nhs_number,
        upn=child.upn,
        as_of=as_of,
        current=build_caseload_for_child(session, ctx, child.id, as_of),
        allocations=allocations,
        periods=_period_lines(periods, episodes),
        plans=[
            PlanLine(
                p.id, p.strategy_date, p.icpc_date, p.start_date, p.category, p.end_date, p.outcome
            )
            for p in plans
        ],
        meetings=meeting_lines,
        visits=visits,
        views=_views(visits, meeting_lines),
        forms=forms_for_child(session, child.id, as_of=as_of),
        cases=cases_for_child(session, child.id, as_of=as_of),
        upn_reason=child.upn_reason,
        mother=child.mother,
        mc_dob=child.mc_dob,
        findings=open_finding_lines(session, child.ref),
    )


def open_child_record(desk: Desk, *, ref: str, as_of: date, via: str) -> ChildRecord:
    """Everything about one child, with the opening audited (``via`` says where from).

    A write: who opened a child's record is recorded in the same transaction as the read.
    """
    with desk.write() as session:
        record = child_record(session, desk.ctx, ref, as_of=as_of)
        record_opened(session, desk.ctx, record.id, via=via)
    return record


def _period_lines(periods: list[Any], episodes: list[Any]) -> list[PeriodLine]:
    return [
        PeriodLine(
            p.id,
            p.start_date,
            p.end_date,
            [
                EpisodeLine(
                    e.start_date,
                    e.end_date,
                    e.legal_status,
                    codes.LEGAL_STATUSES.get(e.legal_status, e.legal_status),
                    e.placement,
                    codes.placement_group(e.placement) if e.placement else None,
                    e.reason_place_change,
                )
                for e in episodes
                if e.period_id == p.id
            ],
        )
        for p in periods
    ]


def _judge_period_reviews(
    periods: list[Any], pairs: list[Any], cal: WorkingCalendar
) -> dict[uuid.UUID, tuple[date, bool]]:
    """Each LAR or short-break review against the schedule of its own period of care."""
    judged: dict[uuid.UUID, tuple[date, bool]] = {}
    for p in periods:
        held = [
            (m, mc) for m, mc in pairs if mc.kind in ("LAR", "SHORTBREAK") and mc.period_id == p.id
        ]
        dates = [m.meeting_date for m, _ in held]
        short_breaks = any(mc.kind == "SHORTBREAK" for _m, mc in held)
        schedule = (
            short_break_timeliness(p.start_date, dates)
            if short_breaks
            else lar_timeliness(p.start_date, dates, cal)
        )
        timings = {t.date: t for t in schedule}
        for _m, mc in held:
            t = timings.get(mc.meeting_date)
            if t:
                judged[mc.id] = (t.due, t.on_time)
    return judged


def _judge_conferences(
    plans: list[Any], pairs: list[Any], cal: WorkingCalendar
) -> dict[uuid.UUID, tuple[date, bool]]:
    """Each ICPC and RCPC against the schedule of its own CP plan."""
    judged: dict[uuid.UUID, tuple[date, bool]] = {}
    for plan in plans:
        for _m, mc in pairs:
            if mc.cp_plan_id != plan.id:
                continue
            if mc.kind == "ICPC":
                due = icpc_due(plan.strategy_date, cal).date
                judged[mc.id] = (due, mc.meeting_date <= due)
        if plan.icpc_date:
            rcpcs = [
                mc.meeting_date
                for _m, mc in pairs
                if mc.kind == "RCPC" and mc.cp_plan_id == plan.id
            ]
            timings = {t.date: t for t in rcpc_timeliness(plan.icpc_date, rcpcs)}
            for _m, mc in pairs:
                if mc.kind == "RCPC" and mc.cp_plan_id == plan.id and mc.meeting_date in timings:
                    t = timings[mc.meeting_date]
                    judged[mc.id] = (t.due, t.on_time)
    return judged


def _meeting_lines(
    pairs: list[Any], judged: dict[uuid.UUID, tuple[date, bool]]
) -> list[MeetingLine]:
    """The child's meetings, latest first, each with its due date and whether it was on time."""
    return [
        MeetingLine(
            m.id,
            mc.id,
            mc.kind,
            mc.meeting_date,
            judged.get(mc.id, (None, None))[0],
            judged.get(mc.id, (None, None))[1],
            m.brought_forward,
            mc.participation,
            mc.cp_took_part,
            mc.cp_method,
            m.decisions_circulated,
            m.record_circulated,
            mc.views,
        )
        for m, mc in sorted(pairs, key=lambda pair: pair[0].meeting_date, reverse=True)
    ]


def _views(visits: list[Any], meeting_lines: list[MeetingLine]) -> list[ViewLine]:
    """The child's recorded views, from visits and meetings, latest first."""
    views = [
        ViewLine(v.visit_date, f"visit ({v.iro})", v.views)
        for v in visits
        if v.views and not v.superseded
    ]
    views += [ViewLine(m.date, m.kind, m.views) for m in meeting_lines if m.views]
    views.sort(key=lambda v: v.date, reverse=True)
    return views


def _allocations(session: Session, child_id: uuid.UUID) -> list[AllocationLine]:
    return [
        AllocationLine(name, a.start_date, a.end_date)
        for a, name in session.execute(
            select(Allocation, Iro.name)
            .join(Iro, Iro.id == Allocation.iro_id)
            .where(Allocation.child_id == child_id)
            .order_by(Allocation.start_date.desc())
        )
    ]
