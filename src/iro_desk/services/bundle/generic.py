"""Files whose rows are one record each, keyed by the bundle's own key (or a natural key).

Column kinds beyond table.py's: ``key`` (the row's own key, becoming its id), ``child``
(a child's reference), ``iro`` (an IRO key), ``ref`` (a key of the file in ``Col.ref``)
and ``meeting`` (a key of conferences.csv or meetings.csv).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from iro_desk.db.models import Child, Meeting, Record
from iro_desk.services.bundle.meetings import CONFERENCES, MEETINGS
from iro_desk.services.bundle.store import Refs, Store, load
from iro_desk.services.bundle.table import Col, Line, Problems, cell, key_id, parse_line

Parsed = list[tuple[Line, dict[str, Any]]]
_ID_KINDS = ("key", "iro", "ref", "meeting")


@dataclass(frozen=True)
class Spec:
    file: str
    model: type[Record]
    cols: tuple[Col, ...]
    # Attributes that identify a row on the desk instead of its key (e.g. a rota day).
    match: tuple[str, ...] = ()
    # Append-only records (docs/architecture.md): one already held is never changed.
    append_only: bool = False


def export_rows(
    session: Session, spec: Spec, refs_by_id: dict[uuid.UUID, str]
) -> Iterator[list[str]]:
    order = [getattr(spec.model, c.attr) for c in spec.cols if c.kind not in _ID_KINDS]
    query = select(spec.model).order_by(*order[:2], spec.model.id)
    for row in session.scalars(query):
        out = []
        for col in spec.cols:
            value = getattr(row, col.attr)
            if col.kind == "child":
                out.append(refs_by_id.get(value, "") if value is not None else "")
            else:
                out.append(cell(value))
        yield out


def child_refs_by_id(session: Session) -> dict[uuid.UUID, str]:
    return dict((i, r) for i, r in session.execute(select(Child.id, Child.ref)))


def read_rows(
    spec: Spec, lines: list[Line], refs: Refs, today: date, problems: Problems, models: dict
) -> Parsed:
    """Each line checked, its references found in the bundle or on the desk."""
    out: Parsed = []
    keys = refs.keys.setdefault(spec.file, set())
    matched: dict[tuple, int] = {}
    for line in lines:
        values = parse_line(line, spec.cols, today, problems)
        if spec.match:
            same = tuple(values.get(a) for a in spec.match)
            if same in matched:
                problems.add(line.where, spec.cols[0].name, f"repeats line {matched[same]}")
            matched.setdefault(same, line.number)
        for col in spec.cols:
            value = values.get(col.attr)
            if not value:
                continue
            if col.kind == "key":
                if value in keys:
                    problems.add(line.where, col.name, f"{value!r} appears twice")
                keys.add(value)
            elif col.kind == "child":
                refs.check_child(value, problems, line.where, col.name)
            elif col.kind == "iro":
                refs.check_iro(value, problems, line.where, col.name)
            elif col.kind == "meeting":
                if value not in refs.keys.get(CONFERENCES, set()) | refs.keys.get(MEETINGS, set()):
                    refs.check_key(CONFERENCES, Meeting, value, problems, line.where, col.name)
            elif col.kind == "ref":
                refs.check_key(col.ref, models[col.ref], value, problems, line.where, col.name)
        out.append((line, values))
    return out


def _resolve(spec: Spec, values: dict[str, Any], refs: Refs) -> dict[str, Any]:
    out = dict(values)
    for col in spec.cols:
        value = values.get(col.attr)
        if col.kind == "key":
            out.pop(col.attr, None)
        elif not value and col.kind in ("child", "iro", "ref", "meeting"):
            out[col.attr] = None
        elif col.kind == "child":
            out[col.attr] = refs.child(value)
        elif col.kind == "iro":
            out[col.attr] = refs.iro(value)
        elif col.kind == "ref":
            out[col.attr] = key_id(col.ref, value)
        elif col.kind == "meeting":
            out[col.attr] = refs.meeting_ids.get(
                (MEETINGS, value), refs.meeting_ids.get((CONFERENCES, value))
            ) or key_id(CONFERENCES, value)
    return out


def _row_key(spec: Spec, line: Line, values: dict[str, Any]) -> uuid.UUID | None:
    key_col = next((c for c in spec.cols if c.kind == "key"), None)
    if key_col is None:
        return None
    # A file without its key column: the row's own content is its key.
    key = values.get(key_col.attr) or "|".join(f"{k}={v}" for k, v in sorted(line.cells.items()))
    return key_id(spec.file, key)


def _amended_first(spec: Spec, rows: list[tuple[Line, uuid.UUID | None, dict]]) -> list:
    """Rows that refer to a row of the same file (a visit's AMENDS) after that row."""
    own = [c.attr for c in spec.cols if c.kind == "ref" and c.ref == spec.file]
    if not own:
        return rows
    waiting, done, ordered = list(rows), set(), []
    in_file = {new_id for _, new_id, _ in rows}
    while waiting:
        ready = [
            r for r in waiting
            if all(r[2].get(a) is None or r[2][a] not in in_file or r[2][a] in done for a in own)
        ]  # fmt: skip
        ready = ready or waiting  # a cycle: left to the database to refuse
        for r in ready:
            done.add(r[1])
            ordered.append(r)
        waiting = [r for r in waiting if r[1] not in done]
    return ordered


def write_rows(spec: Spec, parsed: Parsed, refs: Refs, store: Store, problems: Problems) -> None:
    """Each row added or brought up to date (append-only rows only added), flushed once."""
    rows = [(line, _row_key(spec, line, v), _resolve(spec, v, refs)) for line, v in parsed]
    if spec.match:
        first = spec.match[0]
        held = load(
            store.session, spec.model, getattr(spec.model, first), [w[first] for *_, w in rows]
        )
        existing = {tuple(getattr(r, a) for a in spec.match): r for r in held}
    else:
        held = load(store.session, spec.model, spec.model.id, [i for _, i, _ in rows])
        existing = {r.id: r for r in held}
    for line, new_id, wanted in _amended_first(spec, rows):
        key = tuple(wanted[a] for a in spec.match) if spec.match else new_id
        found = existing.get(key)
        moved = found is not None and any(getattr(found, k) != v for k, v in wanted.items())
        if spec.append_only and moved:
            column = next((c.name for c in spec.cols if c.kind == "key"), spec.cols[0].name)
            problems.add(
                line.where, column, "is already held with other details and cannot "
                "be changed (add a new row that corrects it)",
            )  # fmt: skip
            continue
        existing[key] = store.put(spec.file, spec.model, found, wanted, new_id=new_id)
    store.session.flush()
