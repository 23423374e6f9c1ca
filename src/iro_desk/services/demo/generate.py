"""The demo's public entry point: check the database is empty, tune, build, audit."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date

from sqlalchemy import literal, select
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from iro_desk.db.models import TABLES
from iro_desk.services.audit import audit
from iro_desk.services.context import Ctx
from iro_desk.services.demo.builder import DemoBuilder
from iro_desk.services.demo.proportions import DEFAULT_CHILDREN
from iro_desk.services.demo.sink import TABLE_ORDER
from iro_desk.services.demo.summary import DemoSummary
from iro_desk.services.errors import InvalidInput

MAX_CHILDREN = 1_000_000  # past ~300,000 the test NHS numbers run out; later children have none
MIN_CHILDREN = 20
# SQLite page cache while generating: ~10 KB per child, from 64 MB up to 1 GB.
SQLITE_CACHE_MIN_KIB = 64_000
SQLITE_CACHE_MAX_KIB = 1_000_000
SQLITE_SORT_THREADS = 4


def is_empty(session: Session) -> bool:
    """True when no table of ours holds a row (the audit trail and the rota included):
    the only kind of database a demo may be written into."""
    return all(
        session.execute(select(literal(1)).select_from(table).limit(1)).first() is None
        for table in SQLModel.metadata.sorted_tables
    )


def generate_demo(
    session: Session,
    ctx: Ctx,
    *,
    seed: int = 1,
    children: int | None = None,
    as_of: date | None = None,
    progress: Callable[[str], None] | None = None,
) -> DemoSummary:
    """Fill an empty database with a fictional unit as of ``as_of`` (default ctx.today).

    ``children`` is the number of children open to the unit at ``as_of`` (looked after
    plus on CP plans, 480 by default); everything else scales with it, IROs at about one
    per 70 children. A database holding any record is refused: fictional children must
    never mix with, or replace, real ones (there is deliberately no way to wipe).
    """
    if children is not None and not MIN_CHILDREN <= children <= MAX_CHILDREN:
        raise InvalidInput.one(
            "children", f"{children} must be between {MIN_CHILDREN} and {MAX_CHILDREN:,}"
        )
    if not is_empty(session):
        raise InvalidInput.one("database", "holds records; the demo only fills an empty database")
    say = progress or (lambda _msg: None)
    n_children = children or DEFAULT_CHILDREN
    with _sqlite_tuned(session, n_children), _indexes_after(session, say):
        builder = DemoBuilder(session, ctx, seed=seed, children=n_children, as_of=as_of, say=say)
        summary = builder.build()
    audit(
        session,
        ctx,
        "demo.generate",
        "database",
        None,
        seed=seed,
        children=n_children,
        as_of=summary.as_of,
        counts={table: n for table, n in builder.sink.counts.items() if n},
    )
    say("Done")
    return summary


@contextmanager
def _sqlite_tuned(session: Session, children: int) -> Iterator[None]:
    """SQLite only, while generating: a page cache big enough for the unit's indexes
    (random UUID keys touch every page; SQLite's default is 2 MB) and helper threads for
    the sorts that build the indexes. Both go back to what they were. Other databases
    are left alone."""
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        yield
        return
    cache_kib = min(SQLITE_CACHE_MAX_KIB, max(SQLITE_CACHE_MIN_KIB, children * 10))
    before = {
        pragma: conn.exec_driver_sql(f"PRAGMA {pragma}").scalar()
        for pragma in ("cache_size", "threads")
    }
    conn.exec_driver_sql(f"PRAGMA cache_size = {-cache_kib}")
    conn.exec_driver_sql(f"PRAGMA threads = {SQLITE_SORT_THREADS}")
    try:
        yield
    finally:
        for pragma, value in before.items():
            conn.exec_driver_sql(f"PRAGMA {pragma} = {int(value or 0)}")


@contextmanager
def _indexes_after(session: Session, say: Callable[[str], None]) -> Iterator[None]:
    """Bulk load without the secondary indexes, then build them once, sorted (far quicker
    than updating each on every row with random keys). Same transaction: all or nothing."""
    conn = session.connection()
    indexes = [index for name in TABLE_ORDER for index in TABLES[name].indexes]
    for index in indexes:
        index.drop(conn)
    yield
    say("Building indexes")
    for index in indexes:
        index.create(conn)
