"""Rows as plain Python values, whichever database they came from.

The laptop's triggers keep the row before a change as JSON of SQLite's stored values
(UUIDs as hex, dates as text, booleans as 0/1); the column types turn those back into
the values SQLAlchemy reads, so base, mine and theirs compare like with like.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table
from sqlalchemy.engine import Dialect

# Stamps and the version say who changed a row last, not what it holds: never merged.
BOOKKEEPING = frozenset({"id", "created_at", "created_by", "updated_at", "updated_by", "version"})


def data_fields(table: Table) -> list[str]:
    return [c.name for c in table.columns if c.name not in BOOKKEEPING]


def from_stored(table: Table, stored: dict[str, Any], dialect: Dialect) -> dict[str, Any]:
    """SQLite's stored values (as JSON gives them) to what SQLAlchemy would read."""
    row = {}
    for column in table.columns:
        value = stored.get(column.name)
        process = column.type.dialect_impl(dialect).result_processor(dialect, None)
        row[column.name] = process(value) if process is not None and value is not None else value
    return row


def to_json(value: Any) -> str:
    return json.dumps(value, default=str)


def from_json(table: Table, column: str, text: str) -> Any:
    """A value kept in a conflict, back as the column's Python type."""
    value = json.loads(text)
    if value is None:
        return None
    kind = table.columns[column].type.python_type
    if kind is uuid.UUID:
        return uuid.UUID(str(value))
    if kind is datetime:
        return datetime.fromisoformat(value)
    if kind is date:
        return date.fromisoformat(value)
    if kind is bool:
        return bool(value)
    return kind(value)


def hex_id(value: uuid.UUID | str) -> str:
    return value.hex if isinstance(value, uuid.UUID) else uuid.UUID(value).hex
