"""Engines and transactions for SQLite (one file per laptop) and PostgreSQL (a shared unit).

SQLite is opened in WAL mode with full sync and foreign keys on, and every write
transaction begins IMMEDIATE so two writers queue instead of failing half-way.
Folders IRO Desk creates are 0700 and a database file it creates 0600: these are records
about children in care. A file the user already has keeps its mode (a read-only file
stays read-only); looser modes are reported, never changed.

Before an engine is made for an existing SQLite file, the file is checked (is it
SQLite at all, does ``PRAGMA quick_check`` pass), so a damaged database is refused
before anything is written to it. SQLite's errors that are about the environment
(locked, full, read-only, damaged) come out as ``DatabaseUnusable`` naming the file.

A file encrypted with SQLCipher (see db/cipher.py) is opened the same way when a
passphrase is given: every connection is keyed before anything else, and the pragmas
above apply to it as to a plain file.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from iro_desk.db.errors import (
    DatabaseBusy,
    DatabaseDamaged,
    DatabaseReadOnly,
    DatabaseUnusable,
    DiskFull,
    NotADatabase,
)

# A big `import 903` or demo build holds the write lock for minutes on a slow laptop;
# a second writer waits that long rather than failing. IRO_DESK_BUSY_TIMEOUT_MS
# shortens it (tests).
BUSY_TIMEOUT_MS = 300_000
_WRITE_OPTION = "iro_desk_write"
SQLITE_MAGIC = b"SQLite format 3\x00"


def busy_timeout_ms() -> int:
    override = os.environ.get("IRO_DESK_BUSY_TIMEOUT_MS", "").strip()
    return int(override) if override.isdigit() else BUSY_TIMEOUT_MS


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


def describe(engine: Engine) -> str:
    """How to name the database in a message: the file, or the URL without a password."""
    path = sqlite_path(str(engine.url))
    return str(path) if path is not None else engine.url.render_as_string(hide_password=True)


# --- private folders and files -----------------------------------------------------------


def make_private_dirs(folder: Path) -> None:
    """Create ``folder`` and any missing parent, each 0700 (mkdir's mode covers only the
    last one; its parents would get the umask's 0755). Existing folders are left alone."""
    missing = []
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            break
        missing.append(candidate)
    for new in reversed(missing):
        new.mkdir(mode=0o700, exist_ok=True)
        new.chmod(0o700)  # a umask such as 0277 would otherwise leave it unusable


def missing_folder(path: Path) -> str | None:
    """Why ``path`` is not a database to open, when its folder does not exist (a mistyped
    path would otherwise quietly become a new, empty unit); None when the folder is there."""
    folder = path.parent
    if folder.is_dir():
        return None
    return (
        f"the folder {folder} does not exist; check the path, or make a new database "
        f"there with `iro-desk --db {shlex.quote(str(path))} init`"
    )


def create_private_file(path: Path) -> bool:
    """Create an empty 0600 file unless one is there; True if it was created.

    SQLite gives its -wal and -shm files the permissions of the main file. An existing
    file is never chmodded: the user chose it and its mode (read-only means read-only).
    """
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return False
    os.close(fd)
    return True


def prepare_private_file(path: Path) -> None:
    """The folder (0700 where we create it) and an empty file (0600 if new)."""
    try:
        make_private_dirs(path.parent)
        create_private_file(path)
    except OSError as exc:
        raise DatabaseUnusable(
            str(path), f"cannot create the database file: {exc.strerror or exc}"
        ) from exc


def permission_warnings(path: Path) -> list[str]:
    """Lines for each file or folder of a database that others may read: the file, its
    -wal and -shm (which hold recent records too), its folder, the backups folder and
    every backup in it. Private means 0600 for a file and 0700 for a folder."""
    lines = []
    for target in _private_paths(path):
        try:
            info = target.stat()
        except OSError:
            continue
        mode = stat.S_IMODE(info.st_mode)
        if mode & 0o077:
            private = 0o700 if stat.S_ISDIR(info.st_mode) else 0o600
            lines.append(
                f"{target}: the {_what(path, target)} is mode {mode:04o}, so other users may "
                f"read these records; consider chmod {private:o} {target}"
            )
    return lines


def _private_paths(path: Path) -> list[Path]:
    backups = path.parent / "backups"
    found = [
        path,
        path.with_name(path.name + "-wal"),
        path.with_name(path.name + "-shm"),
        path.parent,
        backups,
    ]
    with contextlib.suppress(OSError):  # no backups folder (yet)
        found += sorted(p for p in backups.iterdir() if p.name.startswith(path.stem))
    return found


def _what(path: Path, target: Path) -> str:
    if target == path:
        return "database file"
    if target.parent == path.parent and target.name.startswith(path.name + "-"):
        return f"database's {target.name.removeprefix(path.name + '-').upper()} file"
    if target.name == "backups":
        return "backups folder"
    if target.parent.name == "backups":
        return "backup"
    return "folder"


# --- checking a file before use ------------------------------------------------------------


# How many backups, newest first, are checked before giving up on naming one.
BACKUPS_TRIED = 5


def newest_backup(path: Path) -> Path | None:
    """The most recent good backup of ``path`` in its backups folder, if any.

    A copy can be damaged after it was made (a bad disk, a cut-off transfer): each
    candidate, newest first, must pass ``PRAGMA quick_check`` before it is offered. An
    encrypted copy cannot be read without its passphrase, so only its size is judged.
    """
    folder = path.parent / "backups"
    try:
        found = [p for p in folder.glob(f"{path.stem}-*{path.suffix}") if p.is_file()]
        found.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        return None
    for candidate in found[:BACKUPS_TRIED]:
        if _backup_reads_whole(candidate):
            return candidate
    return None


def _backup_reads_whole(candidate: Path) -> bool:
    try:
        with candidate.open("rb") as f:
            head = f.read(len(SQLITE_MAGIC))
        if head != SQLITE_MAGIC:
            return candidate.stat().st_size >= 4096  # encrypted: at least one whole page
        con = sqlite3.connect(f"file:{candidate}?mode=ro", uri=True)
        try:
            return con.execute("PRAGMA quick_check").fetchone() == ("ok",)
        finally:
            con.close()
    except (OSError, sqlite3.Error):
        return False


def damaged(path: Path, detail: str) -> DatabaseDamaged:
    backup = newest_backup(path)
    hint = f"; the newest backup is {backup}" if backup else "; there is no backup beside it"
    return DatabaseDamaged(
        str(path),
        f"the database is damaged ({detail}); IRO Desk will not write to it{hint}",
    )


# quick_check reads every page: about a second per 100 MB here. A larger file (a whole
# authority's history) is checked on its first opening each day; SQLite itself still
# refuses any damaged page it meets in between ("malformed"), which comes out as
# DatabaseDamaged too.
FULL_CHECK_BYTES = 64 * 1024 * 1024


def _checked_stamp(path: Path) -> Path:
    return path.with_name(f".{path.name}.checked")


def _checked_today(path: Path) -> bool:
    from iro_desk import clock

    if path.stat().st_size <= FULL_CHECK_BYTES:
        return False
    try:
        return _checked_stamp(path).read_text().strip() == clock.today().isoformat()
    except OSError:
        return False


def _mark_checked(path: Path) -> None:
    from iro_desk import clock

    if path.stat().st_size <= FULL_CHECK_BYTES:
        return
    try:
        fd = os.open(_checked_stamp(path), os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(clock.today().isoformat())
    except OSError:
        pass  # a read-only folder: check again next time


def check_sqlite_file(path: Path, passphrase: str | None = None) -> None:
    """Refuse a file that is not SQLite or fails ``PRAGMA quick_check``.

    An empty file is a database not yet made, and passes. The check reads every page;
    a file over FULL_CHECK_BYTES is fully checked once a day. A file without SQLite's
    plain header is opened with SQLCipher when a passphrase is given; without one it is
    refused as "encrypted, or not a SQLite database".
    """
    from iro_desk.db import cipher

    try:
        head = cipher.header(path)
    except OSError as exc:
        raise DatabaseUnusable(str(path), f"cannot be read: {exc.strerror or exc}") from exc
    if not head:
        return
    if head != SQLITE_MAGIC:
        if passphrase is None:
            raise NotADatabase(
                str(path),
                "is encrypted (give the passphrase in IRO_DESK_PASSPHRASE), or is not a "
                "SQLite database (another kind of file, or a broken header)",
            )
    else:
        passphrase = None  # a plain file: the passphrase has nothing to unlock
    if _checked_today(path):
        return
    try:
        con = cipher.connect(path, passphrase, timeout=busy_timeout_ms() / 1000)
        try:
            rows = [r[0] for r in con.execute("PRAGMA quick_check").fetchall()]
        finally:
            con.close()
    except DatabaseUnusable:
        raise
    except Exception as exc:
        if not cipher.is_error(exc):
            raise
        translated = translate_sqlite_error(path, exc)
        raise (translated or damaged(path, str(exc))) from exc
    if rows != ["ok"]:
        raise damaged(path, f"PRAGMA quick_check: {rows[0] if rows else 'no answer'}")
    _mark_checked(path)


def translate_sqlite_error(path: Path, exc: BaseException) -> DatabaseUnusable | None:
    """The environment problem behind a SQLite error, or None for anything else (a
    programming error or a constraint stays what it is)."""
    message = str(exc).lower()
    where = str(path)
    if "database is locked" in message or "database is busy" in message:
        seconds = busy_timeout_ms() / 1000
        return DatabaseBusy(
            where,
            f"another write (for example an import) is still running after waiting "
            f"{seconds:g} s; nothing was written, try again when it has finished",
        )
    if "database or disk is full" in message:
        return DiskFull(where, "the disk is full; nothing was written")
    if "readonly database" in message:
        return DatabaseReadOnly(
            where, "the database is read-only (file or folder); nothing was written"
        )
    if "file is not a database" in message:
        return NotADatabase(where, "is not a SQLite database (or its header is broken)")
    if "malformed" in message:
        return damaged(path, str(exc))
    if "unable to open database file" in message or "disk i/o error" in message:
        return DatabaseUnusable(where, f"cannot be opened or read: {exc}")
    return None


# --- engines -----------------------------------------------------------------------------


def make_engine(url: str, *, echo: bool = False, passphrase: str | None = None) -> Engine:
    """An engine for ``url``; ``passphrase`` opens an encrypted (SQLCipher) file, and
    makes a new, empty file an encrypted one."""
    path = sqlite_path(url)
    if path is not None:
        prepare_private_file(path)
        check_sqlite_file(path, passphrase)
        timeout_ms = busy_timeout_ms()
        if passphrase is not None and (path.stat().st_size == 0 or _encrypted(path)):
            engine = _sqlcipher_engine(url, path, passphrase, echo, timeout_ms)
        else:
            engine = create_engine(url, echo=echo, connect_args={"timeout": timeout_ms / 1000})
        _configure_sqlite(engine, path, timeout_ms)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, echo=echo, pool_pre_ping=True)


def _encrypted(path: Path) -> bool:
    from iro_desk.db import cipher

    return cipher.looks_encrypted(path)


def _sqlcipher_engine(url: str, path: Path, passphrase: str, echo: bool, timeout_ms: int) -> Engine:
    """The same SQLite dialect over sqlcipher3: every connection is keyed before any other
    statement (the creator), and errors are sqlcipher3's classes (the module)."""
    from iro_desk.db import cipher

    sqlcipher3 = cipher.module(str(path))

    def creator() -> Any:
        return cipher.connect(path, passphrase, timeout=timeout_ms / 1000, check_same_thread=False)

    engine = create_engine(url, echo=echo, module=sqlcipher3, creator=creator)
    _PASSPHRASES[engine] = passphrase
    return engine


# The passphrase each encrypted engine was opened with (held in its creator anyway), so
# the copy before a schema upgrade can be keyed the same way.
_PASSPHRASES: WeakKeyDictionary[Engine, str] = WeakKeyDictionary()


def passphrase_of(engine: Engine) -> str | None:
    return _PASSPHRASES.get(engine)


def _configure_sqlite(engine: Engine, path: Path, timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own is deferred).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {timeout_ms}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = FULL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        write = conn.get_execution_options().get(_WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    @event.listens_for(engine, "handle_error")
    def _on_error(context: Any) -> None:
        # Raising here replaces SQLAlchemy's wrapper after its clean-up (rollback).
        translated = translate_sqlite_error(path, context.original_exception)
        if translated is not None:
            raise translated from context.original_exception


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
