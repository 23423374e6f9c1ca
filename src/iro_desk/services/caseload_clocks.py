"""The caseload's plumbing and its other clocks: reading rows for many children at once,
and each row's IRO allocation and circulation deadlines (``rules.clocks``)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from iro_desk.db.models import Allocation, Meeting, MeetingChild
from iro_desk.db.queries import raw_key
from iro_desk.rules.clocks import (
    Deadline,
    deadline,
    decisions_circulation_due,
    iro_allocation_due,
    record_circulation_due,
)
from iro_desk.services.context import Ctx

CHUNK = 5_000  # ids per IN list: well inside SQLite's and PostgreSQL's parameter limits
Key = object  # a uuid as the database returns it (see db.queries.raw_key)

# The meetings whose decisions and record are circulated (reviews and conferences).
CIRCULATED = ("LAR", "SHORTBREAK", "ICPC", "RCPC", "SECURE")
# The other clocks on each row, and their keys in ``caseload --json`` (due, done, late).
ALLOCATED, DECISIONS, RECORD = "IRO allocated", "Decisions circulated", "Record circulated"
DEADLINE_KEYS = {
    ALLOCATED: ("iro_allocation_due", "iro_allocated", "iro_allocation_late"),
    DECISIONS: ("decisions_due", "decisions_circulated", "decisions_late"),
    RECORD: ("record_due", "record_circulated", "record_late"),
}


def chunks(ids: Sequence[Key]) -> Iterator[Sequence[Key]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


def rows_for(session: Session, query, id_col, ids: Sequence[Key] | None) -> Iterator:
    """Plain row tuples (Core, not ORM), for everyone or for the given children."""
    conn = session.connection()
    # fetchall: the driver hands rows over in bulk, several times faster than one by one.
    if ids is None:
        yield from conn.execute(query).all()
        return
    for chunk in chunks(ids):
        yield from conn.execute(query.where(raw_key(id_col).in_(chunk))).all()


# Each child's latest review or conference: (day of the meeting, decisions circulated,
# record circulated) for the clocks, and (participation, CP took part, CP method) for the
# caseload's "took part" column.
Circulation = tuple[date, date | None, date | None]
TookPart = tuple[str | None, bool | None, str | None]


def latest_meetings(
    session: Session, ids: list[Key], as_of: date
) -> tuple[dict[Key, Circulation], dict[Key, TookPart]]:
    """Each child's latest review or conference by ``as_of``, read once for the clocks
    and for how the child took part: the latest day is found on meeting_child's (child,
    kind, date) index, so only that day's meetings are read (not every meeting held).

    Of two meetings on a child's latest day, the first in the index's order (child, kind,
    date) is the one that counts, for both, as when each read its own rows."""
    before = aliased(MeetingChild)
    last_day = (
        select(func.max(before.meeting_date))
        .where(
            before.child_id == MeetingChild.child_id,
            before.kind.in_(CIRCULATED),
            before.meeting_date <= as_of,
        )
        .correlate(MeetingChild)
        .scalar_subquery()
    )
    query = (
        select(
            raw_key(MeetingChild.child_id),
            Meeting.meeting_date,
            Meeting.decisions_circulated,
            Meeting.record_circulated,
            MeetingChild.participation,
            MeetingChild.cp_took_part,
            MeetingChild.cp_method,
        )
        .join(Meeting, Meeting.id == MeetingChild.meeting_id)
        .where(MeetingChild.kind.in_(CIRCULATED), MeetingChild.meeting_date == last_day)
    )
    circulation: dict[Key, Circulation] = {}
    took_part: dict[Key, TookPart] = {}
    for cid, day, decisions, record, pn, took, method in rows_for(
        session, query, MeetingChild.child_id, ids
    ):
        if cid not in circulation or day > circulation[cid][0]:
            circulation[cid] = (day, decisions, record)
        # Every row here is on the child's latest day: the first one counts.
        took_part.setdefault(cid, (pn, took, method))
    return circulation, took_part


def deadlines(
    session: Session,
    ctx: Ctx,
    ids: list[Key],
    care_starts: dict[Key, date | None],
    as_of: date,
    latest: dict[Key, Circulation],
) -> dict[Key, tuple[Deadline, ...]]:
    """IRO allocation (from the start of care, or of the series of short breaks) and the
    circulation of the decisions and record of each child's latest review or conference
    (``latest``, from ``latest_meetings``)."""
    cal, ts = ctx.calendar, ctx.settings.timescales
    allocated: dict[Key, date] = {}
    query = select(raw_key(Allocation.child_id), Allocation.start_date, Allocation.end_date)
    for cid, start, end in rows_for(session, query, Allocation.child_id, ids):
        care = care_starts[cid]
        # The allocation that holds when care starts or begins after it (first one).
        if care is None or (end is not None and end <= care):
            continue
        if cid not in allocated or start < allocated[cid]:
            allocated[cid] = start
    # Many children share a start or review day: work each due date out once.
    alloc_due = functools.cache(lambda d: iro_allocation_due(d, cal, ts))
    decisions_due = functools.cache(lambda d: decisions_circulation_due(d, cal, ts))
    record_due = functools.cache(lambda d: record_circulation_due(d, cal, ts))
    out: dict[Key, tuple[Deadline, ...]] = {}
    for cid in ids:
        found: list[Deadline] = []
        care = care_starts[cid]
        if care is not None:
            found.append(deadline(ALLOCATED, alloc_due(care), allocated.get(cid), as_of))
        if cid in latest:
            day, decisions, record = latest[cid]
            found.append(deadline(DECISIONS, decisions_due(day), decisions, as_of))
            found.append(deadline(RECORD, record_due(day), record, as_of))
        out[cid] = tuple(found)
    return out


def deadline_text(d: Deadline, day: Callable[[date], str]) -> str:
    """One clock in words, for the child screen and `child show`: "IRO allocated: due 9
    Nov 2026, done 10 Nov 2026 (late)"; ``day`` formats a date the caller's way."""
    done = f", done {day(d.done)}" if d.done is not None else ""
    return f"{d.name}: due {day(d.due)}{done} ({d.state})"
