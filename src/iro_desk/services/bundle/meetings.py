"""conferences.csv, meetings.csv and conference_reports.csv: who met about which child.

A meeting is matched on the desk by one of its children's (child, kind, date), so a
conference recorded on the desk, or a review that reviews.csv brought in, is completed
rather than doubled; otherwise its key gives it its id.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from iro_desk.db.models import CarePeriod, Child, ConferenceReport, CpPlan, Meeting, MeetingChild
from iro_desk.rules import clocks, codes
from iro_desk.services.bundle.store import Refs, Store, load
from iro_desk.services.bundle.table import Col, Line, Problems, cell, key_id, parse_line
from iro_desk.services.context import Ctx

CONFERENCES = "conferences.csv"
MEETINGS = "meetings.csv"
REPORTS = "conference_reports.csv"
CONFERENCE_KINDS = ("ICPC", "RCPC")
OTHER_KINDS = tuple(k for k in codes.MEETING_KINDS if k not in CONFERENCE_KINDS)

# Columns that describe the meeting, not the child: rows sharing a key must agree.
_MEETING_ATTRS = (
    "kind", "meeting_date", "chair", "brought_forward", "decisions_circulated",
    "record_circulated", "notes",
)  # fmt: skip
_EXTRA = (
    Col("BROUGHT_FORWARD", "brought_forward", "bool", listed=False),
    Col("DECISIONS_CIRCULATED", "decisions_circulated", "date", past=True, listed=False),
    Col("RECORD_CIRCULATED", "record_circulated", "date", past=True, listed=False),
    Col("VIEWS", "views", listed=False),
    Col("NOTES", "notes", listed=False),
)
CONFERENCE_COLS = (
    Col("CONFERENCE", "key", required=True, max_len=100, one_line=True),
    Col("CHILD", "child", required=True, max_len=40),
    Col("DATE", "meeting_date", "date", required=True, past=True),
    Col("TYPE", "kind", required=True, choices=CONFERENCE_KINDS),
    Col("CHAIR", "chair", max_len=100),
    Col("PARTICIPATED", "cp_took_part", "bool"),
    Col("METHOD", "cp_method", choices=codes.CP_PARTICIPATION_METHODS),
    *_EXTRA,
)
MEETING_COLS = (
    Col("MEETING", "key", required=True, max_len=100, one_line=True),
    Col("CHILD", "child", required=True, max_len=40),
    Col("DATE", "meeting_date", "date", required=True, past=True),
    Col("KIND", "kind", required=True, choices=OTHER_KINDS),
    Col("CHAIR", "chair", max_len=100),
    Col("PARTICIPATION", "participation", choices=codes.PARTICIPATION_CODES),
    *_EXTRA,
)
REPORT_COLS = (
    Col("CONFERENCE", "key", required=True, max_len=100),
    Col("AGENCY", "agency", required=True, max_len=60, one_line=True),
    Col("RECEIVED", "received_date", "date", past=True),
    Col("DUE", "due_date", "date", listed=False),
)

Parsed = list[tuple[Line, dict[str, Any]]]


# --- export ------------------------------------------------------------------------------


def _meeting_rows(session: Session, kinds: tuple[str, ...], child_cells) -> Iterator[list[str]]:
    query = (
        select(MeetingChild, Meeting, Child.ref)
        .join(Meeting, Meeting.id == MeetingChild.meeting_id)
        .join(Child, Child.id == MeetingChild.child_id)
        .where(MeetingChild.kind.in_(kinds))
        .order_by(MeetingChild.meeting_date, Meeting.id, Child.ref)
    )
    for mc, meeting, ref in session.execute(query):
        yield [
            str(meeting.id),
            ref,
            cell(meeting.meeting_date),
            meeting.kind,
            cell(meeting.chair_iro_id),
            *child_cells(mc),
            cell(meeting.brought_forward),
            cell(meeting.decisions_circulated),
            cell(meeting.record_circulated),
            mc.views,
            meeting.notes,
        ]


def conference_rows(session: Session) -> Iterator[list[str]]:
    return _meeting_rows(
        session, CONFERENCE_KINDS, lambda mc: [cell(mc.cp_took_part), mc.cp_method or ""]
    )


def meeting_rows(session: Session) -> Iterator[list[str]]:
    return _meeting_rows(session, OTHER_KINDS, lambda mc: [mc.participation or ""])


def report_rows(session: Session) -> Iterator[list[str]]:
    query = select(ConferenceReport).order_by(ConferenceReport.meeting_id, ConferenceReport.agency)
    for row in session.scalars(query):
        yield [str(row.meeting_id), row.agency, cell(row.received_date), cell(row.due_date)]


# --- import: reading ---------------------------------------------------------------------


def read_meetings(
    file: str, lines: list[Line], refs: Refs, today: date, problems: Problems
) -> Parsed:
    """Each row checked; rows of one meeting must agree on what describes the meeting."""
    cols = CONFERENCE_COLS if file == CONFERENCES else MEETING_COLS
    out: Parsed = []
    first: dict[str, tuple[Line, dict[str, Any]]] = {}
    seen: set[tuple[str, str]] = set()
    for line in lines:
        values = parse_line(line, cols, today, problems)
        refs.check_child(values["child"], problems, line.where, "CHILD")
        refs.check_iro(values.get("chair"), problems, line.where, "CHAIR")
        if values.get("cp_took_part") is False and values.get("cp_method"):
            problems.add(line.where, "METHOD", "is only given when PARTICIPATED is Y")
        key = values["key"]
        if (key, values["child"]) in seen:
            problems.add(line.where, "CHILD", f"{values['child']!r} is twice in {key!r}")
        seen.add((key, values["child"]))
        if key in first:
            _, earlier = first[key]
            for attr in _MEETING_ATTRS:
                if attr in values and values[attr] != earlier.get(attr):
                    column = next(c.name for c in cols if c.attr == attr)
                    problems.add(line.where, column, f"differs from line {first[key][0].number}")
        else:
            first[key] = (line, values)
        out.append((line, values))
    refs.keys.setdefault(file, set()).update(first)
    return out


def read_reports(lines: list[Line], refs: Refs, today: date, problems: Problems) -> Parsed:
    out: Parsed = []
    seen: set[tuple[str, str]] = set()
    for line in lines:
        values = parse_line(line, REPORT_COLS, today, problems)
        refs.check_key(CONFERENCES, Meeting, values["key"], problems, line.where, "CONFERENCE")
        pair = (values["key"], values["agency"].lower())
        if pair in seen:
            problems.add(line.where, "AGENCY", f"{values['agency']!r} is twice for this meeting")
        seen.add(pair)
        out.append((line, values))
    return out


# --- import: writing ---------------------------------------------------------------------


Span = tuple[date, date | None, uuid.UUID]


def _covering(spans: list[Span], on: date) -> uuid.UUID | None:
    """The period of care or CP plan open on ``on`` (the latest to start)."""
    open_then = [s for s in spans if s[0] <= on and (s[1] is None or s[1] >= on)]
    return max(open_then, key=lambda s: s[0])[2] if open_then else None


class _Held:
    """What the desk holds about the file's children, read once rather than row by row."""

    def __init__(self, session: Session, child_ids: list[uuid.UUID], ids: list[uuid.UUID]):
        rows = load(session, MeetingChild, MeetingChild.child_id, child_ids)
        self.slots = {(m.child_id, m.kind, m.meeting_date): m for m in rows}
        self.pairs = {(m.meeting_id, m.child_id): m for m in rows}
        meeting_ids = [m.meeting_id for m in rows] + ids
        self.meetings = {m.id: m for m in load(session, Meeting, Meeting.id, meeting_ids)}
        self.periods: dict[uuid.UUID, list[Span]] = {}
        for p in load(session, CarePeriod, CarePeriod.child_id, child_ids):
            self.periods.setdefault(p.child_id, []).append((p.start_date, p.end_date, p.id))
        self.plans: dict[uuid.UUID, list[Span]] = {}
        for c in load(session, CpPlan, CpPlan.child_id, child_ids):
            self.plans.setdefault(c.child_id, []).append((c.strategy_date, c.end_date, c.id))

    def meeting(self, file: str, key: str, rows: Parsed, refs: Refs) -> Meeting | None:
        """The desk's meeting for one of these children on that day, or the key's own."""
        for _line, values in rows:
            slot = (refs.child(values["child"]), values["kind"], values["meeting_date"])
            if slot in self.slots:
                return self.meetings.get(self.slots[slot].meeting_id)
        return self.meetings.get(key_id(file, key))


def _write_child(
    store: Store, file: str, meeting: Meeting, values: dict[str, Any], refs: Refs, held: _Held
) -> None:
    child_id = refs.child(values["child"])
    on, kind = values["meeting_date"], values["kind"]
    found = held.pairs.get((meeting.id, child_id)) or held.slots.get((child_id, kind, on))
    wanted: dict[str, Any] = {
        "meeting_id": meeting.id, "child_id": child_id, "kind": kind, "meeting_date": on,
        "views": values.get("views", found.views if found else ""),
    }  # fmt: skip
    if kind in CONFERENCE_KINDS:
        wanted["cp_plan_id"] = _covering(held.plans.get(child_id, []), on)
        wanted["cp_took_part"] = values.get("cp_took_part")
        wanted["cp_method"] = values.get("cp_method")
    else:
        wanted["period_id"] = _covering(held.periods.get(child_id, []), on)
        wanted["participation"] = values.get("participation")
    row = store.put(file, MeetingChild, found, wanted)
    held.pairs[(meeting.id, child_id)] = held.slots[(child_id, kind, on)] = row  # type: ignore[assignment]


def write_meetings(file: str, parsed: Parsed, refs: Refs, store: Store) -> None:
    groups: dict[str, Parsed] = {}
    for line, values in parsed:
        groups.setdefault(values["key"], []).append((line, values))
    child_ids = [refs.child(values["child"]) for _, values in parsed]
    held = _Held(store.session, child_ids, [key_id(file, key) for key in groups])
    for key, rows in groups.items():
        values = rows[0][1]
        wanted: dict[str, Any] = {
            "kind": values["kind"],
            "meeting_date": values["meeting_date"],
            "chair_iro_id": refs.iro(values["chair"]) if values.get("chair") else None,
        }
        for attr in ("brought_forward", "decisions_circulated", "record_circulated", "notes"):
            if attr in values:
                wanted[attr] = values[attr] if attr != "brought_forward" else bool(values[attr])
        found = held.meeting(file, key, rows, refs)
        meeting = store.put(file, Meeting, found, wanted, new_id=key_id(file, key))
        held.meetings[meeting.id] = meeting  # type: ignore[assignment]
        refs.meeting_ids[(file, key)] = meeting.id
        for _line, child_values in rows:
            _write_child(store, file, meeting, child_values, refs, held)
    store.session.flush()


def write_reports(parsed: Parsed, refs: Refs, store: Store, ctx: Ctx) -> None:
    session = store.session
    ids = [
        refs.meeting_ids.get((CONFERENCES, v["key"]), key_id(CONFERENCES, v["key"]))
        for _, v in parsed
    ]
    meetings = {m.id: m for m in load(session, Meeting, Meeting.id, ids)}
    reports = {
        (r.meeting_id, r.agency): r
        for r in load(session, ConferenceReport, ConferenceReport.meeting_id, ids)
    }
    for (_line, values), meeting_id in zip(parsed, ids, strict=True):
        meeting = meetings[meeting_id]  # checked when read
        due = values.get("due_date") or clocks.conference_reports_due(
            meeting.meeting_date, meeting.kind, ctx.calendar, ctx.ts
        )
        wanted = {
            "meeting_id": meeting.id,
            "agency": values["agency"],
            "due_date": due,
            "received_date": values.get("received_date"),
        }
        found = reports.get((meeting.id, values["agency"]))
        reports[(meeting.id, values["agency"])] = store.put(
            REPORTS, ConferenceReport, found, wanted
        )  # type: ignore[assignment]
    session.flush()
