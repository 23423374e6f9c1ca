"""Counting the Looked After Reviews held in the year, and how the children took part."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased

from iro_desk.db.models import CarePeriod, Episode, MeetingChild
from iro_desk.db.queries import ends_after, raw_key, unindexed
from iro_desk.rules.codes import ATTENDED, PARTICIPATED, PARTICIPATION_CODES
from iro_desk.rules.reviews import lar_due, reviews_from_span, short_break_due
from iro_desk.services.context import Ctx
from iro_desk.services.report.common import NOT_RECORDED, PERIOD_REVIEWS, SHORT_BREAKS, fetch_rows
from iro_desk.services.report.figures import CodeCount, ParticipationFigures, ReviewFigures, pct
from iro_desk.services.report.short_breaks import judge_series

# Per period of care: its start, and its first and latest review before the year.
_PeriodHistory = dict[Any, tuple[date, date | None, date | None]]


def count_reviews(
    session: Session, ctx: Ctx, start: date, end: date
) -> tuple[ReviewFigures, ParticipationFigures]:
    """Looked After Reviews held in the year, each judged against the review before it in
    its period of care, and how the children took part.

    The clocks are ``lar_due`` (reg 33) and ``short_break_due`` (reg 48, for a review held
    while the child's legal status was V3/V4), which ``lar_timeliness`` and
    ``short_break_timeliness`` apply to each review in turn. Calling them per review lets
    the many reviews whose clocks run from the same day share one answer.
    """
    held, by_period, by_child, codes = _reviews_held(session, start, end)
    periods = _period_histories(session, start, end)
    breaks = _short_break_spans(session, start, end)
    on_time, short_break = _judge(ctx, by_period, periods, breaks)
    series_on_time = judge_series(session, ctx, by_child, end)
    on_time, short_break = on_time + series_on_time, short_break + sum(map(len, by_child.values()))
    figures = ReviewFigures(held, on_time, pct(on_time, held), short_break)
    return figures, _participation(codes)


def _reviews_held(
    session: Session, start: date, end: date
) -> tuple[int, dict[Any, set[date]], dict[Any, set[date]], dict[str, int]]:
    """How many reviews were held in the year; the days of the LARs per period of care and
    of the short-break reviews per child (their clock runs across a series of breaks,
    each its own period); and the LARs' participation codes (tidied; a blank one is
    "Not recorded")."""
    rows = fetch_rows(
        session,
        select(
            raw_key(MeetingChild.period_id),
            MeetingChild.meeting_date,
            MeetingChild.participation,
            MeetingChild.kind,
            raw_key(MeetingChild.child_id),
        ).where(
            MeetingChild.kind.in_(PERIOD_REVIEWS), MeetingChild.meeting_date.between(start, end)
        ),
    )
    by_period: dict[Any, set[date]] = defaultdict(set)
    by_child: dict[Any, set[date]] = defaultdict(set)
    raw_codes: dict[str | None, int] = defaultdict(int)
    held = 0
    for period_id, day, code, kind, child_id in rows:
        held += 1
        if kind == "SHORTBREAK":
            by_child[child_id].add(day)
            continue
        raw_codes[code] += 1  # participation is a 903 figure: Looked After Reviews only
        by_period[period_id].add(day)
    # Without a period of care a review cannot be judged, so it is not on time.
    by_period.pop(None, None)
    codes: dict[str, int] = defaultdict(int)
    for code, n in raw_codes.items():
        codes[(code or "").strip().upper() or NOT_RECORDED] += n
    return held, by_period, by_child, codes


def _period_histories(session: Session, start: date, end: date) -> _PeriodHistory:
    """Every period of care open during the year, with its start and its first and latest
    review before the year: all the clocks need of the history."""
    h = aliased(MeetingChild)
    return {
        period_id: (period_start, first, last)
        for period_id, period_start, first, last in fetch_rows(
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
                    h.kind.in_(PERIOD_REVIEWS),
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


def _short_break_spans(
    session: Session, start: date, end: date
) -> dict[Any, list[tuple[date, date | None]]]:
    """Per period of care, the spans of the year under short-break legal statuses."""
    breaks: dict[Any, list[tuple[date, date | None]]] = defaultdict(list)
    for period_id, b_start, b_end in fetch_rows(
        session,
        select(raw_key(Episode.period_id), Episode.start_date, Episode.end_date).where(
            Episode.legal_status.in_(SHORT_BREAKS),
            unindexed(Episode.start_date) <= end,
            ends_after(Episode.end_date, start),
        ),
    ):
        breaks[period_id].append((b_start, b_end))
    return breaks


def _judge(
    ctx: Ctx,
    by_period: dict[Any, set[date]],
    periods: _PeriodHistory,
    breaks: dict[Any, list[tuple[date, date | None]]],
) -> tuple[int, int]:
    """(on time, short-break reviews): each review against its period's clock."""
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
    return on_time, short_break


def _participation(codes: dict[str, int]) -> ParticipationFigures:
    """The PN codes of the year's Looked After Reviews, and the shares of those aged 4+."""
    by_code = [CodeCount(c, label, codes.get(c, 0)) for c, label in PARTICIPATION_CODES.items()]
    others = sorted(k for k in codes if k not in PARTICIPATION_CODES)
    by_code += [CodeCount(k, NOT_RECORDED if k == NOT_RECORDED else k, codes[k]) for k in others]
    over_4 = sum(n for c, n in codes.items() if c in PARTICIPATION_CODES and c != "PN0")
    participated = sum(codes.get(c, 0) for c in PARTICIPATED)
    attended = sum(codes.get(c, 0) for c in ATTENDED)
    return ParticipationFigures(
        by_code=tuple(by_code),
        aged_4_plus=over_4,
        participated=participated,
        participated_percent=pct(participated, over_4),
        attended=attended,
        attended_percent=pct(attended, over_4),
    )
