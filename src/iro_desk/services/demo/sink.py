"""Bulk writing for the demo: rows as plain dicts, inserted in chunks with executemany.

Values are encoded with the column types' own bind processors, so what is stored is
exactly what the ORM would store; parents are inserted before children so foreign keys
hold at every chunk.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from pydantic_core import PydanticUndefined
from sqlalchemy import Uuid, insert
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from iro_desk.db.models import (
    TABLES,
    Allocation,
    AuditEvent,
    CarePeriod,
    Child,
    ComplianceForm,
    ComplianceItem,
    ConferenceReport,
    CpPlan,
    Enquiry,
    EnquiryUpdate,
    Episode,
    FormDraft,
    Iro,
    Meeting,
    MeetingChild,
    ResolutionCase,
    ResolutionStage,
    RotaDay,
    Visit,
)

CHUNK = 5_000
_SAMPLE_UUID = uuid.UUID("0123abcd-4567-4890-abcd-ef0123456789")
MEMO_LIMIT = 200_000

_MODELS = (
    Iro, Child, CarePeriod, Episode, Allocation, CpPlan, Meeting, MeetingChild,
    ConferenceReport, Visit, RotaDay, Enquiry, EnquiryUpdate, ComplianceForm,
    ComplianceItem, ResolutionCase, ResolutionStage, FormDraft, AuditEvent,
)  # fmt: skip


def _column_defaults(model: type) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, info in model.model_fields.items():  # type: ignore[attr-defined]
        default = info.default
        out[name] = None if default is PydanticUndefined else default
    return out


# Parents before children, so every chunk can be inserted with foreign keys on.
TABLE_ORDER = [t.name for t in SQLModel.metadata.sorted_tables if t.name in TABLES]


class _TableWriter:
    """One table's INSERT, compiled for the session's database, and its row encoder.

    Values are encoded with the column types' own bind processors (so a UUID or a UTC
    timestamp is stored exactly as the ORM would store it) and sent with the driver's
    executemany. Values that recur (dates, stamps) are encoded once and remembered.
    """

    def __init__(
        self,
        table: Any,
        dialect: Any,
        template: dict[str, Any],
        memos: dict[type, dict[Any, Any]],
    ) -> None:
        compiled = insert(table).compile(dialect=dialect)
        self.sql = str(compiled)
        positional = bool(dialect.positional)
        names = list(compiled.positiontup or []) if positional else list(table.columns.keys())
        self.encode = _row_encoder(table, dialect, names, template, memos, positional)


def _row_encoder(
    table: Any,
    dialect: Any,
    names: list[str],
    template: dict[str, Any],
    memos: dict[type, dict[Any, Any]],
    positional: bool,
) -> Callable[[dict[str, Any]], Any]:
    """Compile ``encode(row)`` for one table: a row dict in, the driver's parameters out.

    Generated as straight-line code because it runs once per row, millions of times for
    a national-sized unit; the loop it unrolls would be twice as slow.
    """
    env: dict[str, Any] = {"_remember": _remember}
    body = ["def encode(row):", "    get = row.get"]
    for i, name in enumerate(names):
        env[f"d{i}"] = template.get(name)
        body.append(f"    v{i} = get({name!r}, d{i})")
        column_type = table.columns[name].type
        proc = column_type.dialect_impl(dialect).bind_processor(dialect)
        if proc is None:
            continue
        env[f"p{i}"] = proc
        # UUIDs hash slowly and a row's own id never recurs: encode those directly, as
        # 32 hex digits in place of the processor's call when that is what it produces.
        if isinstance(column_type, Uuid):
            if proc(_SAMPLE_UUID) == f"{_SAMPLE_UUID.int:032x}":
                body.append(f"    if v{i} is not None: v{i} = '%032x' % v{i}.int")
            else:
                body.append(f"    if v{i} is not None: v{i} = p{i}(v{i})")
        else:
            env[f"m{i}"] = memos.setdefault(type(column_type), {})
            body.append(
                f"    if v{i} is not None: v{i} = m{i}.get(v{i}) or _remember(m{i}, p{i}, v{i})"
            )
    values = ", ".join(f"v{i}" for i in range(len(names)))
    if positional:
        body.append(f"    return ({values},)")
    else:
        body.append(f"    return dict(zip({names!r}, ({values},)))")
    exec("\n".join(body), env)  # the source is built from the table's own column names
    return env["encode"]


def _remember(memo: dict[Any, Any], proc: Callable[[Any], Any], value: Any) -> Any:
    if len(memo) >= MEMO_LIMIT:
        memo.clear()  # bounded: only recent values are likely to recur
    encoded = memo[value] = proc(value)
    return encoded


class Sink:
    """Buffers rows per table and inserts them in chunks, parents before children."""

    def __init__(self, session: Session, stamp: dict[str, Any]) -> None:
        self._conn = session.connection()
        dialect = self._conn.dialect
        memos: dict[type, dict[Any, Any]] = {}
        self._writers = {
            m.__tablename__: _TableWriter(  # type: ignore[attr-defined]
                TABLES[m.__tablename__],  # type: ignore[attr-defined]
                dialect,
                {**_column_defaults(m), **stamp},
                memos,
            )
            for m in _MODELS
        }
        self._encoders = {name: writer.encode for name, writer in self._writers.items()}
        self._buffers: dict[str, list[Any]] = {name: [] for name in TABLE_ORDER}
        self._pending = 0
        self.counts: dict[str, int] = dict.fromkeys(TABLE_ORDER, 0)

    def add(self, table: str, row: dict[str, Any]) -> None:
        """Queue a row; columns it leaves out get the model's default (and the stamps)."""
        self._buffers[table].append(self._encoders[table](row))
        self.counts[table] += 1
        self._pending += 1
        if self._pending >= CHUNK:
            self.flush()

    def flush(self) -> None:
        for name in TABLE_ORDER:
            rows = self._buffers[name]
            if rows:
                self._conn.exec_driver_sql(self._writers[name].sql, rows)
                self._buffers[name] = []
        self._pending = 0
