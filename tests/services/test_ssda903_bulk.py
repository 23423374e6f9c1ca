"""The bulk 903 import writes exactly the rows the row-by-row import wrote (issue 11)."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from iro_desk.db.models import (
    AuditEvent,
    CarePeriod,
    Child,
    Episode,
    ImportFinding,
    Meeting,
    MeetingChild,
)
from iro_desk.services.context import Desk
from iro_desk.services.demo import generate_demo
from iro_desk.services.ssda903 import export_903, import_903
from iro_desk.services.ssda903.writing import BATCH_ACTION
from tests.builders import sqlite_desk_from

YEARS = (2024, 2025)  # two returns in order: the second updates what the first wrote
TABLES = (Child, CarePeriod, Episode, Meeting, MeetingChild, ImportFinding)
STAMPS = {"id", "created_at", "updated_at", "cleared_at"}


def _labels(session: Session) -> dict[uuid.UUID, tuple]:
    """A name for every row's key that does not depend on the key: what points at it."""
    refs = {c.id: c.ref for c in session.scalars(select(Child))}
    labels: dict[uuid.UUID, tuple] = {cid: ("child", ref) for cid, ref in refs.items()}
    for p in session.scalars(select(CarePeriod)):
        labels[p.id] = ("period", refs[p.child_id], p.start_date)
    for e in session.scalars(select(Episode)):
        labels[e.id] = ("episode", refs[e.child_id], e.start_date)
    for mc in session.scalars(select(MeetingChild)):
        labels[mc.meeting_id] = ("meeting", refs[mc.child_id], mc.kind, mc.meeting_date)
        labels[mc.id] = ("review", refs[mc.child_id], mc.kind, mc.meeting_date)
    return labels


def dump(desk: Desk) -> dict[str, list[tuple]]:
    """Every row of the imported tables, keys replaced by labels, in a stable order."""
    with desk.read() as s:
        labels = _labels(s)
        out: dict[str, list[tuple]] = {}
        for model in TABLES:
            table = model.__table__  # type: ignore[attr-defined]
            cols = [c for c in table.columns if c.name not in STAMPS]
            rows = s.execute(select(*cols)).all()
            out[table.name] = sorted(
                (tuple(labels.get(v, v) if isinstance(v, uuid.UUID) else v for v in row)
                 for row in rows),
                key=repr,
            )  # fmt: skip
        return out


def named_actions(desk: Desk) -> Counter[str]:
    """What the audit trail says was written: per-row events, or the rows a batch names."""
    found: Counter[str] = Counter()
    with desk.read() as s:
        for event in s.scalars(select(AuditEvent)):
            if event.action == BATCH_ACTION:
                found.update(row["action"] for row in json.loads(event.detail)["rows"])
            elif event.action.endswith((".add", ".update", ".start")):
                found[event.action] += 1
    return found


def test_the_bulk_import_writes_the_rows_the_row_by_row_import_wrote(
    sqlite_desk: Desk, sqlite_template: Path, tmp_path: Path
):
    with sqlite_desk.write() as s:
        generate_demo(s, sqlite_desk.ctx)
    with sqlite_desk.read() as s:
        for year in YEARS:
            export_903(s, sqlite_desk.ctx, tmp_path / str(year), year_start=year)

    desks = {}
    for bulk in (False, True):
        (tmp_path / str(bulk)).mkdir()
        desk = sqlite_desk_from(sqlite_template, tmp_path / str(bulk))
        for year in YEARS:
            with desk.write() as s:
                import_903(s, desk.ctx, tmp_path / str(year), bulk=bulk)
        desks[bulk] = desk

    old, new = dump(desks[False]), dump(desks[True])
    assert {name: len(rows) for name, rows in new.items()} == {
        name: len(rows) for name, rows in old.items()
    }
    assert all(new[name] for name in ("child", "episode", "meeting_child", "import_finding"))
    assert new == old
    # Both trails account for the same rows: one event each, or named in a batch.
    assert named_actions(desks[True]) == named_actions(desks[False])
    for desk in desks.values():
        desk.engine.dispose()
