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
from iro_desk.services.bundle.store import Refs, Store
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
    for line in lines:
        values = parse_line(line, spec.cols, today, problems)
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


def write_rows(spec: Spec, parsed: Parsed, refs: Refs, store: Store, problems: Problems) -> None:
    session = store.session
    key_col = next((c for c in spec.cols if c.kind == "key"), None)
    for line, values in parsed:
        wanted = _resolve(spec, values, refs)
        new_id = None
        if key_col is not None:
            # A file without its key column: the row's own content is its key.
            key = values.get(key_col.attr) or "|".join(
                f"{k}={v}" for k, v in sorted(line.cells.items())
            )
            new_id = key_id(spec.file, key)
        if spec.match:
            query = select(spec.model)
            for attr in spec.match:
                query = query.where(getattr(spec.model, attr) == wanted[attr])
            found = session.scalars(query).first()
        else:
            found = session.get(spec.model, new_id)
        moved = found is not None and any(getattr(found, k) != v for k, v in wanted.items())
        if spec.append_only and moved:
            where_col = key_col.name if key_col else spec.cols[0].name
            problems.add(
                line.where, where_col, "is already held with other details and cannot "
                "be changed (add a new row that corrects it)",
            )  # fmt: skip
            continue
        store.put(spec.file, spec.model, found, wanted, new_id=new_id)
        session.flush()
