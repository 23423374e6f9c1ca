"""Pull: bring everyone else's changes from the server's change log into the replica.

The whole-unit replica reads the log from its cursor, in order, a batch at a time; each
batch and the new cursor are written in one laptop transaction, so a pull cut short
anywhere resumes where it stopped. A replica limited to one IRO instead compares which
records (and which versions) the server has in its scope with what it holds, so that
records entering the scope arrive whole and records leaving it are removed.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import ColumnElement, Table, func, select
from sqlalchemy.engine import Connection, Engine

from iro_desk.db.engine import write_connection
from iro_desk.db.models import TABLES
from iro_desk.db.sync_ddl import shared_tables
from iro_desk.services.sync.apply import (
    begin_apply,
    chunks,
    end_apply,
    pending_rows,
    remove,
    upsert,
)
from iro_desk.services.sync.faults import checkpoint
from iro_desk.services.sync.server_log import SYNC_CHANGE as LOG
from iro_desk.services.sync.state import write_state

BATCH = 5000  # change-log entries per laptop transaction
Progress = Callable[[int, int], None]


def _end_of_log(sc: Connection) -> int:
    return sc.execute(select(func.coalesce(func.max(LOG.c.seq), 0))).scalar() or 0


def _version(table: Table) -> ColumnElement[Any]:
    """What says a record changed: its version, or for append-only facts its id."""
    return table.c.version if "version" in table.c else table.c.id


def _server_rows(
    server: Connection, table: Table, ids: list[uuid.UUID], where: ColumnElement[bool] | None
) -> list[Mapping[str, Any]]:
    rows: list[Mapping[str, Any]] = []
    for part in chunks(ids):
        query = select(table).where(table.c.id.in_(list(part)))
        if where is not None:
            query = query.where(where)
        rows.extend(server.execute(query).mappings().all())
    return rows


def clone(local: Engine, server: Engine, progress: Progress | None = None) -> int:
    """A replica's first pull: every shared table read whole from one server snapshot.

    Reading tables straight through is far quicker than following the log record by
    record; the snapshot's end of the log becomes the cursor, in the same laptop
    transaction as the rows. Records the laptop made before joining stay pending.
    """
    with server.connect() as sc, sc.begin():
        sc.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        cursor = _end_of_log(sc)
        total = sum(
            sc.execute(select(func.count()).select_from(t)).scalar() or 0 for t in shared_tables()
        )
        done = 0
        with write_connection(local) as lc:
            begin_apply(lc)
            pending = pending_rows(lc)
            for table in shared_tables():
                result = sc.execution_options(yield_per=BATCH).execute(select(table))
                for part in result.mappings().partitions():
                    upsert(lc, table, part, pending)
                    done += len(part)
                    if progress is not None:
                        progress(done, total)
                    checkpoint("pull:fetched")
            end_apply(lc)
            write_state(lc, cursor=cursor)
            checkpoint("pull:applied-before-commit")
    return cursor


def pull_log(
    local: Engine,
    server: Engine,
    cursor: int,
    progress: Progress | None = None,
) -> int:
    """Apply the log after ``cursor``; returns the new cursor."""
    if cursor == 0:
        return clone(local, server, progress)
    with server.connect() as sc:
        last = _end_of_log(sc)
    start = cursor
    while cursor < last:
        with server.connect() as sc:
            entries = sc.execute(
                select(LOG.c.seq, LOG.c.table_name, LOG.c.row_id)
                .where(LOG.c.seq > cursor, LOG.c.seq <= last)
                .order_by(LOG.c.seq)
                .limit(BATCH)
            ).all()
            if not entries:
                break
            wanted: dict[str, list[uuid.UUID]] = {}
            for _seq, table_name, row_id in entries:
                if table_name in TABLES:
                    wanted.setdefault(table_name, []).append(row_id)
            fetched = {
                name: _server_rows(sc, TABLES[name], list(dict.fromkeys(ids)), None)
                for name, ids in wanted.items()
            }
        cursor = entries[-1][0]
        checkpoint("pull:fetched")
        with write_connection(local) as lc:
            _apply(lc, wanted, fetched)
            write_state(lc, cursor=cursor)
            checkpoint("pull:applied-before-commit")
        if progress is not None:
            progress(cursor - start, last - start)
    return cursor


def _apply(
    lc: Connection,
    wanted: Mapping[str, list[uuid.UUID]],
    fetched: Mapping[str, list[Mapping[str, Any]]],
) -> None:
    begin_apply(lc)
    pending = pending_rows(lc)
    for table in shared_tables():
        if table.name in fetched:
            upsert(lc, table, fetched[table.name], pending)
    for table in reversed(shared_tables()):
        if table.name in wanted:
            present = {r["id"] for r in fetched.get(table.name, [])}
            gone = [i for i in dict.fromkeys(wanted[table.name]) if i not in present]
            remove(lc, table, gone, pending)
    end_apply(lc)


def refresh(local: Engine, server: Engine, ids: Mapping[str, list[uuid.UUID]]) -> None:
    """Fetch these records again (after a push) so the laptop holds what the server kept."""
    if not ids:
        return
    with server.connect() as sc:
        fetched = {name: _server_rows(sc, TABLES[name], rows, None) for name, rows in ids.items()}
    with write_connection(local) as lc:
        _apply(lc, ids, fetched)


def reconcile_scope(
    local: Engine,
    server: Engine,
    conditions: Mapping[str, ColumnElement[bool]],
    progress: Progress | None = None,
) -> int:
    """Make the replica hold exactly the server's records in scope; returns the log cursor."""
    with server.connect() as sc, sc.begin():
        sc.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor = _end_of_log(sc)
        theirs = {
            t.name: dict(sc.execute(select(t.c.id, _version(t)).where(conditions[t.name])).all())
            for t in shared_tables()
        }
    with local.connect() as lc:
        mine = {
            t.name: dict(lc.execute(select(t.c.id, _version(t))).all()) for t in shared_tables()
        }
    wanted = {
        name: [i for i, v in versions.items() if mine[name].get(i) != v]
        for name, versions in theirs.items()
    }
    extra = {name: [i for i in mine[name] if i not in theirs[name]] for name in theirs}
    with server.connect() as sc:
        fetched = {
            name: _server_rows(sc, TABLES[name], ids, None) for name, ids in wanted.items() if ids
        }
    checkpoint("pull:fetched")
    with write_connection(local) as lc:
        _apply(lc, {n: wanted[n] + extra[n] for n in theirs}, fetched)
        write_state(lc, cursor=cursor)
        checkpoint("pull:applied-before-commit")
    if progress is not None:
        progress(1, 1)
    return cursor
