"""Writing what came from the server into the laptop's replica.

Always inside one laptop transaction with capture quiet (these are not the laptop's
own changes) and foreign keys checked at commit, since one batch may bring a row
before the row it points at. A record with changes still waiting to be sent is left
as it is: the next push merges them, and the record is fetched again after it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.engine import Connection

from iro_desk.services.sync.state import OUTBOX, quiet_capture, resume_capture
from iro_desk.services.sync.values import hex_id

CHUNK = 500  # ids per IN (...) list: well inside every database's parameter limit

# Facts that are only ever added: a pulled copy is inserted once and never written over
# (the database refuses an update anyway), and never removed from a laptop, not even
# when a scoped replica's scope moves on: the trail of what was done here stays here.
APPEND_ONLY = frozenset({"audit_event"})


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def begin_apply(conn: Connection) -> None:
    conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
    quiet_capture(conn)


def end_apply(conn: Connection) -> None:
    resume_capture(conn)


def pending_rows(conn: Connection) -> set[tuple[str, str]]:
    return {(t, r) for t, r in conn.execute(select(OUTBOX.c.table_name, OUTBOX.c.row_id))}


def _writer(conn: Connection, table: Table) -> tuple[str, list[Any]]:
    """The upsert statement and each column's conversion, as SQLAlchemy itself would bind.

    Rows go to sqlite3's executemany directly: a first sync writes every record of the
    unit, and compiling and binding each batch through the ORM layer would double its time.
    """
    dialect = conn.dialect
    names = [c.name for c in table.columns]
    processors = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in table.columns]
    quoted = ", ".join(f'"{n}"' for n in names)
    updates = ", ".join(f'"{n}" = excluded."{n}"' for n in names if n != "id")
    on_conflict = "DO NOTHING" if table.name in APPEND_ONLY else f"DO UPDATE SET {updates}"
    sql = (
        f'INSERT INTO "{table.name}" ({quoted}) VALUES ({", ".join("?" for _ in names)}) '
        f"ON CONFLICT (id) {on_conflict}"
    )
    return sql, list(zip(names, processors, strict=True))


def upsert(
    conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]], pending: set[tuple[str, str]]
) -> int:
    sql, columns = _writer(conn, table)
    wanted = [
        tuple(
            r[name] if process is None or r[name] is None else process(r[name])
            for name, process in columns
        )
        for r in rows
        if (table.name, hex_id(r["id"])) not in pending
    ]
    if wanted:
        conn.connection.driver_connection.executemany(sql, wanted)
    return len(wanted)


def remove(
    conn: Connection, table: Table, ids: Iterable[Any], pending: set[tuple[str, str]]
) -> int:
    if table.name in APPEND_ONLY:
        return 0
    gone = [i for i in ids if (table.name, hex_id(i)) not in pending]
    for part in chunks(gone):
        conn.execute(table.delete().where(table.c.id.in_(list(part))))
    return len(gone)
