"""Building the annual report: every figure counted for one reporting year."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from iro_desk.rules.codes import AGE_BANDS
from iro_desk.rules.dates import reporting_year_bounds, reporting_year_label
from iro_desk.services.context import Ctx
from iro_desk.services.report.common import ETHNIC_GROUPS, shares
from iro_desk.services.report.figures import AnnualReport
from iro_desk.services.report.looked_after import (
    count_cla_trend,
    count_legal_orders,
    count_placements_at,
    count_starts_and_ends,
    count_three_plus_placements,
    count_year_end,
    placement_rows,
)
from iro_desk.services.report.protection import (
    count_conference_participation,
    count_conference_reports,
    count_cp_ages,
    count_cp_on,
    count_cp_outcomes,
)
from iro_desk.services.report.reviews import count_reviews
from iro_desk.services.report.timeliness import count_timeliness
from iro_desk.services.report.unit_work import (
    count_caseload,
    count_compliance,
    count_enquiries,
    count_resolution,
    count_visits,
)


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

    trend = count_cla_trend(session, year_start)
    cla = trend[-1].cla
    now = count_year_end(session, end)
    placements_before = count_placements_at(session, previous_end)
    reviews, participation = count_reviews(session, ctx, start, end)
    starts, ends = count_starts_and_ends(session, start, end)
    cp_ages = count_cp_ages(session, year_start)

    return AnnualReport(
        year_start=year_start,
        label=reporting_year_label(year_start),
        start=start,
        end=end,
        cla=cla,
        cla_trend=trend,
        short_breaks_at_year_end=now.short_breaks,
        gender=shares(now.sexes, cla, ("Male", "Female")),
        age_bands=shares(now.ages, cla, AGE_BANDS),
        ethnicity=shares(now.ethnic_groups, cla, ETHNIC_GROUPS),
        placements=placement_rows(placements_before, now.placements),
        child_population=population,
        rate_per_10k=round(cla * 10_000 / population, 1) if population else None,
        legal_orders=count_legal_orders(session, start, end),
        cla_starts=starts,
        cla_ends=ends,
        net_change=starts - ends,
        reviews=reviews,
        participation=participation,
        three_plus_placements=count_three_plus_placements(session, start, end),
        cp_at_start=count_cp_on(session, previous_end),
        cp_at_end=cp_ages[-1].total,
        cp_ages=cp_ages,
        cp_outcomes=count_cp_outcomes(session, start, end),
        icpc_participation=count_conference_participation(session, "ICPC", year_start),
        rcpc_participation=count_conference_participation(session, "RCPC", year_start),
        icpc_reports=count_conference_reports(session, "ICPC", start, end),
        rcpc_reports=count_conference_reports(session, "RCPC", start, end),
        caseload=count_caseload(session, end),
        visits=count_visits(session, start, end),
        **count_enquiries(session, start, end),
        compliance=count_compliance(session, start, end),
        resolution=count_resolution(session, start, end),
        clocks=count_timeliness(session, ctx, start, end),
    )
