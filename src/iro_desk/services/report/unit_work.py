"""Counting the unit's own work: caseloads, visits, enquiries, compliance, resolution."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, case, distinct, exists, func, select
from sqlalchemy.orm import Session, aliased

from iro_desk import clock
from iro_desk.db.models import (
    Allocation,
    ComplianceForm,
    ComplianceItem,
    Enquiry,
    Iro,
    ResolutionCase,
    ResolutionStage,
    Visit,
)
from iro_desk.db.queries import covering, unindexed
from iro_desk.rules.codes import ENQUIRY_CATEGORIES, RESOLUTION_STAGES
from iro_desk.rules.timescales import CASELOAD_HIGH, CASELOAD_LOW
from iro_desk.services.report.common import fetch_rows
from iro_desk.services.report.figures import (
    CaseloadFigures,
    CodeCount,
    ComplianceFigures,
    IroCaseload,
    ResolutionFigures,
    VisitFigures,
    pct,
)


def band_text(per_fte: float | None) -> str:
    """Against the IRO Handbook's 50-70 children per full-time IRO."""
    span = f"{CASELOAD_LOW}-{CASELOAD_HIGH}"
    if per_fte is None:
        return "no active IROs"
    if per_fte > CASELOAD_HIGH:
        return f"above the Handbook's {span}"
    if per_fte < CASELOAD_LOW:
        return f"below the Handbook's {span}"
    return f"within the Handbook's {span}"


def count_caseload(session: Session, on: date) -> CaseloadFigures:
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
        for iro_id, n in fetch_rows(session, select(iro, func.count()).where(held).group_by(iro))
    }
    allocated = sum(per_iro.values())
    by_iro = []
    fte = 0.0
    active = 0
    for iro_id, name, iro_fte, is_active in fetch_rows(
        session, select(Iro.id, Iro.name, Iro.fte, Iro.active).order_by(Iro.name)
    ):
        children = int(per_iro.get(iro_id, 0))
        if is_active:
            active += 1
            fte += iro_fte
        elif not children:
            continue  # a former IRO with nobody allocated at the year end
        by_iro.append(
            IroCaseload(name, iro_fte, bool(is_active), children, ratio(children, iro_fte))
        )
    fte = round(fte, 2)
    per_fte = ratio(allocated, fte)
    return CaseloadFigures(
        active_iros=active,
        fte=fte,
        allocated=allocated,
        per_fte=per_fte,
        low=CASELOAD_LOW,
        high=CASELOAD_HIGH,
        band=band_text(per_fte),
        by_iro=tuple(by_iro),
    )


def ratio(n: int, fte: float) -> float | None:
    return round(n / fte, 1) if fte else None


def count_visits(session: Session, start: date, end: date) -> VisitFigures:
    """Visits in the year; a visit amended later counts once, as its latest version."""
    amended = select(Visit.amends_id).where(Visit.amends_id.is_not(None))
    n, children = fetch_rows(
        session,
        select(func.count(Visit.id), func.count(distinct(Visit.child_id))).where(
            Visit.visit_date.between(start, end), Visit.id.not_in(amended)
        ),
    ).one()
    return VisitFigures(int(n or 0), int(children or 0))


def count_enquiries(session: Session, start: date, end: date) -> dict[str, Any]:
    # Local days, as in services.duty.
    since, until = clock.day_start(start), clock.day_start(end + timedelta(days=1))
    counts: dict[str, int] = {
        category: n
        for category, n in fetch_rows(
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


def count_compliance(session: Session, start: date, end: date) -> ComplianceFigures:
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
    sent, answered, ok, concerns = fetch_rows(
        session,
        select(
            func.count(ComplianceForm.id),
            func.count(ComplianceForm.response_date),
            func.sum(case((in_time, 1), else_=0)),
            func.sum(case((concern, 1), else_=0)),
        ).where(ComplianceForm.sent_date.between(start, end)),
    ).one()
    sent, answered, ok, concerns = (int(v or 0) for v in (sent, answered, ok, concerns))
    # Over every form sent: one never answered is late, not left out of the rate.
    return ComplianceFigures(sent, answered, ok, pct(ok, sent), concerns)


def count_resolution(session: Session, start: date, end: date) -> ResolutionFigures:
    """Cases raised in the year, each at the highest stage it reached; "in time" means
    resolved by the due date of that stage. The rate is over every case raised: one not
    resolved (still open, or gone to Cafcass) counts as late."""
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
    for stage, n, res, ok, caf in fetch_rows(session, query):
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
        resolved_in_time_percent=pct(n_in_time, sum(stages.values())),
        cafcass_referred=n_cafcass,
    )
