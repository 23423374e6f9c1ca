"""The copy taken before a schema upgrade is whole, or there is none and no upgrade.

A kill or a full disk during the copy used to leave an empty file named like a good
backup, and the upgrade went ahead. Now the copy is made under a temporary name,
checked, synced and only then renamed; PostgreSQL upgrades say they take no copy.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from iro_desk.cli import main
from iro_desk.db import cipher
from iro_desk.db.engine import make_engine, sqlite_url
from iro_desk.db.migrate import HEAD_REVISION, current_revision, ensure_schema, upgrade
from tests.builders import PG_URL, pg_schema_url


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--user", "ada", *args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout + result.stderr


@pytest.fixture
def old_db(tmp_path: Path) -> Path:
    """A database at the first schema, with a row in it."""
    path = tmp_path / "old.db"
    engine = make_engine(sqlite_url(path))
    upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO iro (id, name, fte, active, created_at, updated_at, created_by,"
                " updated_by, version) VALUES (:id, 'Ada Old', 1.0, 1, '2025-01-01 09:00:00',"
                " '2025-01-01 09:00:00', 'old', 'old', 1)"
            ),
            {"id": uuid.uuid4().hex},
        )
    engine.dispose()
    return path


def _revision(path: Path) -> str:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        con.close()


class _Connection:
    """A sqlite3 connection whose backup goes wrong the way a disk or a kill does."""

    def __init__(self, con: sqlite3.Connection, failure: str) -> None:
        self._con = con
        self._failure = failure

    def __getattr__(self, name: str):
        return getattr(self._con, name)

    def backup(self, target: _Connection, **_kwargs) -> None:
        if self._failure == "full":
            raise sqlite3.OperationalError("database or disk is full")
        # "killed": nothing was copied, and the call came back as if done


class _Sqlite3:
    def __init__(self, failure: str) -> None:
        self._failure = failure

    def __getattr__(self, name: str):
        return getattr(sqlite3, name)

    def connect(self, *args, **kwargs) -> _Connection:
        return _Connection(sqlite3.connect(*args, **kwargs), self._failure)


@pytest.mark.parametrize("failure", ["full", "killed"])
def test_a_failed_backup_leaves_no_good_name_and_no_upgrade(
    old_db: Path, failure: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cipher, "sqlite3", _Sqlite3(failure))
    code, out = _cli("--db", str(old_db), "iro", "list")
    assert "Traceback" not in out
    assert code == 1, out
    errors = [line for line in out.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and str(old_db) in errors[0], out
    assert "backup before the schema upgrade failed" in errors[0]
    assert "upgrade was not started" in errors[0]
    backups = old_db.parent / "backups"
    assert list(backups.iterdir()) == []  # no file that looks like a backup, no leftovers
    assert _revision(old_db) == "0001"


def test_a_good_backup_is_checked_named_and_announced(old_db: Path) -> None:
    code, out = _cli("--db", str(old_db), "iro", "list", "--json")
    assert code == 0, out
    backups = list((old_db.parent / "backups").iterdir())
    assert len(backups) == 1 and backups[0].name.startswith("old-0001-")
    assert backups[0].stat().st_mode & 0o777 == 0o600
    assert _revision(backups[0]) == "0001"
    assert f"note: {old_db}: backed up to {backups[0]}" in out
    assert _revision(old_db) == HEAD_REVISION


@pytest.fixture
def pg_old_engine() -> Iterator:
    if not PG_URL:
        pytest.skip("IRO_DESK_TEST_PG_URL is not set: no PostgreSQL server to test against")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine = make_engine(pg_schema_url(schema))
    try:
        upgrade(engine, "0001")
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def test_a_postgresql_upgrade_says_it_takes_no_backup(pg_old_engine) -> None:
    lines: list[str] = []
    assert ensure_schema(pg_old_engine, notify=lines.append) is None
    assert current_revision(pg_old_engine) == HEAD_REVISION
    assert len(lines) == 1
    assert "without a backup" in lines[0] and "server's own backups" in lines[0]
