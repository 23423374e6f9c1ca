"""SQL expression helpers shared by the set-based reads (caseload, annual report)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import String, and_, func, type_coerce

FAR_FUTURE = date(9999, 12, 31)


def unindexed(column: Any) -> Any:
    """The same value, as an expression no index can serve.

    "Open on a date" matches a large share of the rows, and SQLite (with no statistics
    unless ANALYZE has run) would read them one by one through a date index: several
    times slower than scanning the table. PostgreSQL scans such shares anyway.
    """
    return func.coalesce(column, column)


def ends_after(end_col: Any, day: Any) -> Any:
    """Still open, or ended after ``day`` (an open end is the far future)."""
    return func.coalesce(end_col, FAR_FUTURE) > day


def covering(start_col: Any, end_col: Any, on: Any) -> Any:
    """Holds on ``on``: [start, end), since an end date (the 903's DEC) is the first day
    the state no longer holds."""
    return and_(unindexed(start_col) <= on, ends_after(end_col, on))


def raw_key(column: Any) -> Any:
    """A uuid column read (or compared) as the database stores it, for use as a dict key.

    Making a ``uuid.UUID`` for each of hundreds of thousands of rows costs more than the
    query itself; keys read this way must be compared through ``raw_key`` too.
    """
    return type_coerce(column, String)


def contains(column: Any, term: str) -> Any:
    """``term`` anywhere in the column, ignoring case; a typed % or _ means itself."""
    escaped = term.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return func.lower(column).like(f"%{escaped}%", escape="\\")
