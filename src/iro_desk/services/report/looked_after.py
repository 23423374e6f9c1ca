"""Counting the looked-after children: year ends, characteristics, placements, orders."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, distinct, func, select
from sqlalchemy.orm import Session, aliased

from iro_desk.db.models import CarePeriod, Child, Episode
from iro_desk.db.queries import covering, ends_after, unindexed
from iro_desk.rules.codes import (
    LEGAL_STATUSES,
    PLACEMENT_GROUP_NAMES,
    ethnic_group,
    placement_group,
)
from iro_desk.rules.dates import reporting_year_bounds, reporting_year_label
from iro_desk.rules.reviews import is_short_break
from iro_desk.services.report.common import (
    NOT_RECORDED,
    ORDER_STATUSES,
    SEX_LABELS,
    SHORT_BREAKS,
    age_band_on,
    fetch_rows,
    fetch_scalar,
    not_short_break,
)
from iro_desk.services.report.figures import CodeCount, PlacementGroupRow, YearEndCount, pct


def count_cla_trend(session: Session, year_start: int) -> tuple[YearEndCount, ...]:
    """Children looked after at this year end and the three before, in one pass."""
    years = [year_start - 3, year_start - 2, year_start - 1, year_start]
    ends = [reporting_year_bounds(y)[1] for y in years]
    columns = [
        func.count(
            distinct(case((covering(Episode.start_date, Episode.end_date, d), Episode.child_id)))
        )
        for d in ends
    ]
    row = fetch_rows(
        session,
        select(*columns).where(
            unindexed(Episode.start_date) <= ends[-1],
            ends_after(Episode.end_date, ends[0]),
            not_short_break(),
        ),
    ).one()
    return tuple(
        YearEndCount(reporting_year_label(y), d, int(n or 0))
        for y, d, n in zip(years, ends, row, strict=True)
    )


@dataclass(frozen=True)
class YearEnd:
    sexes: dict[str, int]
    ages: dict[str, int]
    ethnic_groups: dict[str, int]
    placements: dict[str, int]
    short_breaks: int


def count_year_end(session: Session, on: date) -> YearEnd:
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
    for sex, ethnicity, dob, placement, legal_status, n in fetch_rows(session, query):
        if is_short_break(legal_status):
            short_breaks += n
            continue
        sexes[SEX_LABELS.get(sex or "", NOT_RECORDED)] += n
        ages[age_band_on(dob, None, on)] += n
        groups[ethnic_group(ethnicity) if ethnicity else "Not obtained"] += n
        places[placement_group(placement) if placement else NOT_RECORDED] += n
    return YearEnd(sexes, ages, groups, places, short_breaks)


def count_placements_at(session: Session, on: date) -> dict[str, int]:
    query = (
        select(Episode.placement, func.count(distinct(Episode.child_id)))
        .where(covering(Episode.start_date, Episode.end_date, on), not_short_break())
        .group_by(Episode.placement)
    )
    out: dict[str, int] = defaultdict(int)
    for placement, n in fetch_rows(session, query):
        out[placement_group(placement) if placement else NOT_RECORDED] += n
    return out


def placement_rows(before: dict[str, int], now: dict[str, int]) -> tuple[PlacementGroupRow, ...]:
    total_before, total_now = sum(before.values()), sum(now.values())
    groups = list(PLACEMENT_GROUP_NAMES)
    if before.get(NOT_RECORDED) or now.get(NOT_RECORDED):
        groups.append(NOT_RECORDED)
    return tuple(
        PlacementGroupRow(
            group=g,
            previous=before.get(g, 0),
            previous_percent=pct(before.get(g, 0), total_before),
            current=now.get(g, 0),
            current_percent=pct(now.get(g, 0), total_now),
        )
        for g in groups
    )


def count_legal_orders(session: Session, start: date, end: date) -> tuple[CodeCount, ...]:
    """Episodes starting in the year under C1, C2 or E1 that open a period of care, or
    whose previous episode in the same period had another legal status: the order was
    made then. A new period always needs a new order, whatever the last one ended under."""
    prev = aliased(Episode)
    prev_status = (
        select(prev.legal_status)
        .where(prev.period_id == Episode.period_id, prev.start_date < Episode.start_date)
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
    counts = {ls: n for ls, n in fetch_rows(session, query)}
    return tuple(CodeCount(ls, LEGAL_STATUSES[ls], int(counts.get(ls, 0))) for ls in ORDER_STATUSES)


def count_starts_and_ends(session: Session, start: date, end: date) -> tuple[int, int]:
    """Periods of care starting / ending in the year (not short-break-only ones)."""
    first = aliased(Episode)
    starts = fetch_scalar(
        session,
        select(func.count(distinct(CarePeriod.id)))
        .join(
            first,
            and_(first.period_id == CarePeriod.id, first.start_date == CarePeriod.start_date),
        )
        .where(
            CarePeriod.start_date.between(start, end),
            first.legal_status.not_in(SHORT_BREAKS),
        ),
    )
    last = aliased(Episode)
    ends = fetch_scalar(
        session,
        select(func.count(distinct(CarePeriod.id)))
        .join(last, and_(last.period_id == CarePeriod.id, last.end_date == CarePeriod.end_date))
        .where(
            CarePeriod.end_date.between(start, end),
            last.legal_status.not_in(SHORT_BREAKS),
        ),
    )
    return int(starts or 0), int(ends or 0)


def count_three_plus_placements(session: Session, start: date, end: date) -> int:
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
            not_short_break(),
        )
        .subquery()
    )
    moved = case((inner.c.n == 1, 1), (inner.c.prev_place != inner.c.place, 1), else_=0)
    per_child = (
        select(inner.c.child_id).group_by(inner.c.child_id).having(func.sum(moved) >= 3).subquery()
    )
    return int(fetch_scalar(session, select(func.count()).select_from(per_child)) or 0)
