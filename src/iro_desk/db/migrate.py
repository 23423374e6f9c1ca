"""Bring a database's schema up to date at start-up.

The common path is one cheap query of ``alembic_version`` against the head
revision this package ships; Alembic itself is imported only when an upgrade is
due, and a SQLite file is copied to ``backups/`` first. The copy is made under a
temporary name, checked and synced before it takes a backup's name, so a kill or a
full disk never leaves an empty file that looks like a good backup. PostgreSQL gets
no copy from us: the server's own backups apply, and the caller is told so.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError, ProgrammingError

from iro_desk.db import backups
from iro_desk.db.engine import describe, passphrase_of, sqlite_path
from iro_desk.db.errors import DatabaseUnusable, NotIroDeskDatabase

# The newest migration in db/migrations/versions; a test keeps the two in step.
HEAD_REVISION = "0006"
MIGRATIONS_DIR = Path(__file__).parent / "migrations"


class SchemaTooNew(RuntimeError):
    """The database was written by a newer IRO Desk."""


class MigrationRefused(RuntimeError):
    """An upgrade found data it cannot carry over unchanged; nothing was changed."""


class MigrationFailed(DatabaseUnusable):
    """A migration step failed; the upgrade was rolled back (the message says where the
    database stands and where its backup is)."""


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        try:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except (OperationalError, ProgrammingError):
            return None


def alembic_config(engine: Engine, connection: object | None = None):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    return cfg


Notify = Callable[[str], None]


def backup_sqlite(path: Path, revision: str | None, passphrase: str | None = None) -> Path:
    """A whole, checked copy of the file, private like the original, or BackupFailed.

    It goes to ``backups/`` under the same names daily copies use (labelled with the
    revision), so rotation sees it and a pre-upgrade copy counts as that day's backup.
    See db/backups.py for how the copy is made whole before it takes its name.
    """
    return backups.take_backup(
        path,
        backups.backup_name(path, revision or "new"),
        passphrase,
        "the backup before the schema upgrade",
        revision=revision,
        then="the upgrade was not started and the database is unchanged",
    )


def upgrade(engine: Engine, revision: str = "head", notify: Notify | None = None) -> Path | None:
    """Run migrations up to ``revision``; returns the backup made, if any.

    ``notify`` hears one line on an upgrade of an existing database: where the SQLite
    backup is, or that PostgreSQL is upgraded without one from us.
    """
    from alembic import command

    say = notify or (lambda _line: None)
    rev = current_revision(engine)
    backup = None
    path = sqlite_path(str(engine.url))
    if rev is not None:
        if path is not None:
            backup = backup_sqlite(path, rev, passphrase_of(engine))
            say(f"{path}: backed up to {backup} before upgrading schema {rev} to {revision}")
        else:
            say(
                f"{describe(engine)}: upgrading schema {rev} to {revision} without a backup "
                "from IRO Desk; the PostgreSQL server's own backups apply"
            )
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(engine, conn), revision)
            if path is not None:
                _refresh_sync_capture(conn)
    except (MigrationRefused, DatabaseUnusable):
        raise
    except Exception as exc:
        # One transaction: a failed step rolls the whole upgrade back. Say so only if
        # the database really is still at its old schema.
        now = current_revision(engine)
        kept = f" (the backup taken before it is {backup})" if backup else ""
        state = (
            f"the database is unchanged at schema {rev}{kept}"
            if now == rev
            else f"the database is now at schema {now}{kept}"
        )
        raise MigrationFailed(
            describe(engine),
            f"the schema upgrade from {rev or 'none (a new database)'} to {revision} failed "
            f"({type(exc).__name__}: {exc}); {state}",
        ) from exc
    return backup


def _refresh_sync_capture(conn) -> None:
    """A laptop replica's change capture names every column: remake it for the new ones."""
    from iro_desk.db.sync_ddl import install_laptop_capture, laptop_capture_installed

    if laptop_capture_installed(conn):
        install_laptop_capture(conn)


def ensure_schema(engine: Engine, notify: Notify | None = None) -> Path | None:
    rev = current_revision(engine)
    if rev == HEAD_REVISION:
        return None
    if rev is None:
        _refuse_foreign_tables(engine)
    elif not _known_revision(rev):
        if not rev.isdigit():  # ours are numbered 0001, 0002, ...
            raise NotIroDeskDatabase(
                describe(engine),
                f"is not an IRO Desk database (schema version {rev!r} is not one of ours); "
                "IRO Desk will not add its tables to it",
            )
        raise SchemaTooNew(
            f"the database is at schema {rev}, newer than this IRO Desk ({HEAD_REVISION}); "
            "upgrade IRO Desk"
        )
    return upgrade(engine, notify=notify)


def _refuse_foreign_tables(engine: Engine) -> None:
    """A database without our schema version may be new (no tables) but nothing else:
    another program's tables must not get ours mixed in."""
    tables = inspect(engine).get_table_names()
    if tables:
        raise NotIroDeskDatabase(
            describe(engine),
            f"is not an IRO Desk database (it has {len(tables)} "
            f"table{'' if len(tables) == 1 else 's'}, such as {sorted(tables)[0]!r}, "
            "but no IRO Desk schema version); "
            "IRO Desk will not add its tables to it",
        )


def _known_revision(rev: str) -> bool:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(MIGRATIONS_DIR))
    return any(s.revision == rev for s in script.walk_revisions())
