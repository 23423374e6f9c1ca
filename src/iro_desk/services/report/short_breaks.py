"""Short-break reviews (reg 48) judged on the clock of their series of breaks.

In the 903 each break is its own period of care, so a period's clock would restart at
every break and could not judge a review held between breaks. The series' first break
and the reviews held since it set the due date (``rules.reviews``), as on the caseload.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from iro_desk.db.models import Episode, MeetingChild
from iro_desk.db.queries import raw_key
from iro_desk.rules.reviews import short_break_due, short_break_series_start
from iro_desk.services.context import Ctx
from iro_desk.services.report.common import SHORT_BREAKS, fetch_rows

CHUNK = 5_000  # children per IN list


def judge_series(session: Session, ctx: Ctx, by_child: dict[Any, set[date]], end: date) -> int:
    """How many of the year's short-break reviews (days per child) were on time."""
    gap = ctx.settings.timescales.short_break_series_months
    ids = list(by_child)
    breaks: dict[Any, list[tuple[date, date | None]]] = defaultdict(list)
    history: dict[Any, set[date]] = defaultdict(set)
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i : i + CHUNK]
        for cid, start, stop in fetch_rows(
            session,
            select(raw_key(Episode.child_id), Episode.start_date, Episode.end_date).where(
                raw_key(Episode.child_id).in_(chunk),
                Episode.legal_status.in_(SHORT_BREAKS),
                Episode.start_date <= end,
            ),
        ):
            breaks[cid].append((start, stop))
        for cid, day in fetch_rows(
            session,
            select(raw_key(MeetingChild.child_id), MeetingChild.meeting_date).where(
                raw_key(MeetingChild.child_id).in_(chunk),
                MeetingChild.kind == "SHORTBREAK",
                MeetingChild.meeting_date <= end,
            ),
        ):
            history[cid].add(day)
    on_time = 0
    for cid, days in by_child.items():
        spans = breaks.get(cid, [])
        for day in sorted(days):
            in_break = any(s <= day and (e is None or e >= day) for s, e in spans)
            first = short_break_series_start([s for s, _ in spans], day, gap, in_break=in_break)
            if first is None:
                continue  # no series of breaks that day: it cannot be judged
            earlier = [d for d in history[cid] if first <= d < day]
            on_time += day <= short_break_due(first, earlier).date
    return on_time
