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

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from iro_desk.db.models import CarePeriod, Child, ConferenceReport, CpPlan, Meeting, MeetingChild
from iro_desk.rules import clocks, codes
from iro_desk.services.bundle.store import Refs, Store
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


def _covering(session: Session, model: Any, child_id: uuid.UUID, on: date, start: Any) -> Any:
    """The child's period of care or CP plan open on ``on`` (the latest to start)."""
    query = (
        select(model.id)
        .where(model.child_id == child_id, start <= on)
        .where(or_(model.end_date.is_(None), model.end_date >= on))
        .order_by(start.desc())
        .limit(1)
    )
    return session.scalars(query).first()


def _find_meeting(store: Store, file: str, key: str, rows: Parsed, refs: Refs) -> Meeting | None:
    for _line, values in rows:
        mc = store.session.scalars(
            select(MeetingChild).where(
                MeetingChild.child_id == refs.child(values["child"]),
                MeetingChild.kind == values["kind"],
                MeetingChild.meeting_date == values["meeting_date"],
            )
        ).first()
        if mc is not None:
            return store.session.get(Meeting, mc.meeting_id)
    return store.session.get(Meeting, key_id(file, key))


def _write_child(store: Store, file: str, meeting: Meeting, values: dict[str, Any], refs: Refs):
    session = store.session
    child_id = refs.child(values["child"])
    on, kind = values["meeting_date"], values["kind"]
    found = session.scalars(
        select(MeetingChild).where(
            MeetingChild.child_id == child_id,
            or_(
                MeetingChild.meeting_id == meeting.id,
                (MeetingChild.kind == kind) & (MeetingChild.meeting_date == on),
            ),
        )
    ).first()
    wanted: dict[str, Any] = {
        "meeting_id": meeting.id, "child_id": child_id, "kind": kind, "meeting_date": on,
        "views": values.get("views", found.views if found else ""),
    }  # fmt: skip
    if kind in CONFERENCE_KINDS:
        wanted["cp_plan_id"] = _covering(session, CpPlan, child_id, on, CpPlan.strategy_date)
        wanted["cp_took_part"] = values.get("cp_took_part")
        wanted["cp_method"] = values.get("cp_method")
    else:
        wanted["period_id"] = _covering(session, CarePeriod, child_id, on, CarePeriod.start_date)
        wanted["participation"] = values.get("participation")
    store.put(file, MeetingChild, found, wanted)


def write_meetings(file: str, parsed: Parsed, refs: Refs, store: Store) -> None:
    groups: dict[str, Parsed] = {}
    for line, values in parsed:
        groups.setdefault(values["key"], []).append((line, values))
    for key, rows in groups.items():
        values = rows[0][1]
        found = _find_meeting(store, file, key, rows, refs)
        wanted: dict[str, Any] = {
            "kind": values["kind"],
            "meeting_date": values["meeting_date"],
            "chair_iro_id": refs.iro(values["chair"]) if values.get("chair") else None,
        }
        for attr in ("brought_forward", "decisions_circulated", "record_circulated", "notes"):
            if attr in values:
                wanted[attr] = values[attr] if attr != "brought_forward" else bool(values[attr])
        meeting = store.put(file, Meeting, found, wanted, new_id=key_id(file, key))
        store.session.flush()
        refs.meeting_ids[(file, key)] = meeting.id
        for _line, child_values in rows:
            _write_child(store, file, meeting, child_values, refs)
    store.session.flush()


def write_reports(parsed: Parsed, refs: Refs, store: Store, ctx: Ctx) -> None:
    session = store.session
    for _line, values in parsed:
        key = values["key"]
        meeting_id = refs.meeting_ids.get((CONFERENCES, key), key_id(CONFERENCES, key))
        meeting = session.get(Meeting, meeting_id)
        assert meeting is not None  # checked when read
        due = values.get("due_date") or clocks.conference_reports_due(
            meeting.meeting_date, meeting.kind, ctx.calendar, ctx.ts
        )
        found = session.scalars(
            select(ConferenceReport).where(
                ConferenceReport.meeting_id == meeting.id,
                ConferenceReport.agency == values["agency"],
            )
        ).first()
        wanted = {
            "meeting_id": meeting.id,
            "agency": values["agency"],
            "due_date": due,
            "received_date": values.get("received_date"),
        }
        store.put(REPORTS, ConferenceReport, found, wanted)
    session.flush()
