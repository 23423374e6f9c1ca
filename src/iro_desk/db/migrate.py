"""Bring a database's schema up to date at start-up.

The common path is one cheap query of ``alembic_version`` against the head
revision this package ships; Alembic itself is imported only when an upgrade is
due, and a SQLite file is copied to ``backups/`` first.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError, ProgrammingError

from iro_desk import clock
from iro_desk.db.engine import prepare_private_file, sqlite_path

# The newest migration in db/migrations/versions; a test keeps the two in step.
HEAD_REVISION = "0004"
MIGRATIONS_DIR = Path(__file__).parent / "migrations"


class SchemaTooNew(RuntimeError):
    """The database was written by a newer IRO Desk."""


class MigrationRefused(RuntimeError):
    """An upgrade found data it cannot carry over unchanged; nothing was changed."""


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


def backup_sqlite(path: Path, revision: str | None) -> Path:
    """A consistent copy of the file (SQLite's backup API), private like the original."""
    stamp = clock.now().strftime("%Y%m%dT%H%M%SZ")
    target = path.parent / "backups" / f"{path.stem}-{revision or 'new'}-{stamp}{path.suffix}"
    prepare_private_file(target)
    src = sqlite3.connect(path)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return target


def upgrade(engine: Engine, revision: str = "head") -> Path | None:
    """Run migrations up to ``revision``; returns the backup made, if any."""
    from alembic import command

    rev = current_revision(engine)
    backup = None
    path = sqlite_path(str(engine.url))
    if path is not None and rev is not None:
        backup = backup_sqlite(path, rev)
    with engine.begin() as conn:
        command.upgrade(alembic_config(engine, conn), revision)
    return backup


def ensure_schema(engine: Engine) -> Path | None:
    rev = current_revision(engine)
    if rev == HEAD_REVISION:
        return None
    if rev is not None and not _known_revision(rev):
        raise SchemaTooNew(
            f"the database is at schema {rev}, newer than this IRO Desk ({HEAD_REVISION}); "
            "upgrade IRO Desk"
        )
    return upgrade(engine)


def _known_revision(rev: str) -> bool:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(MIGRATIONS_DIR))
    return any(s.revision == rev for s in script.walk_revisions())
