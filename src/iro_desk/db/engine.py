"""Engines and transactions for SQLite (one file per laptop) and PostgreSQL (a shared unit).

SQLite is opened in WAL mode with full sync and foreign keys on, and every write
transaction begins IMMEDIATE so two writers queue instead of failing half-way.
The data folder is 0700 and the database file 0600: these are records about
children in care.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

BUSY_TIMEOUT_MS = 10_000
_WRITE_OPTION = "iro_desk_write"


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for other databases and in-memory ones."""
    if not url.startswith("sqlite"):
        return None
    _, _, rest = url.partition(":///")
    if not rest or rest == ":memory:":
        return None
    return Path(rest)


def prepare_private_file(path: Path) -> None:
    """Create the folder (0700) and the empty file (0600) before SQLite touches them.

    SQLite gives its -wal and -shm files the permissions of the main file.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
    os.chmod(path, 0o600)


def make_engine(url: str, *, echo: bool = False) -> Engine:
    path = sqlite_path(url)
    if path is not None:
        prepare_private_file(path)
        engine = create_engine(url, echo=echo, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        _configure_sqlite(engine)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, echo=echo, pool_pre_ping=True)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own is deferred).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = FULL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        write = conn.get_execution_options().get(_WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


@contextmanager
def write_connection(engine: Engine) -> Iterator[Connection]:
    """A Core write transaction (BEGIN IMMEDIATE on SQLite), for bulk work such as sync."""
    with engine.execution_options(**{_WRITE_OPTION: True}).begin() as conn:
        yield conn


def read_session(engine: Engine) -> Session:
    return Session(engine, expire_on_commit=False, autoflush=False)


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """One write transaction: everything in it lands together or not at all."""
    session = Session(engine.execution_options(**{_WRITE_OPTION: True}), expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
