"""A database from the first release (schema 0001) upgrades to today's with every row intact,
and an upgrade that fails half-way leaves the database as it was, its backup beside it.

tests/data/schema_0001.db was made by tests/data/make_schema_0001.py (the real 0001
migration, then three rows in every table) and is committed, as a laptop would hold it.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic.operations import Operations
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlmodel import SQLModel

from iro_desk.cli import main
from iro_desk.db.engine import sqlite_url
from iro_desk.db.migrate import HEAD_REVISION
from iro_desk.services.context import open_desk
from tests.builders import make_ctx

FIXTURE = Path(__file__).parent / "data" / "schema_0001.db"


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--user", "ada", *args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception  # a traceback is a failure of the test
    return result.exit_code, result.stdout + result.stderr


def _stdout(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--user", "ada", *args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout


def _snapshot(path: Path, columns: dict[str, list[str]] | None = None) -> dict[str, list[tuple]]:
    """Every table's rows as stored, in the columns the first schema had."""
    con = sqlite3.connect(path)
    try:
        if columns is None:
            tables = [
                r[0]
                for r in con.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'"
                    " AND name NOT LIKE 'sqlite_%' AND name != 'alembic_version'"
                )
            ]
            columns = {t: [r[1] for r in con.execute(f"PRAGMA table_info('{t}')")] for t in tables}
        return {
            t: sorted(con.execute(f'SELECT {_quoted(cols)} FROM "{t}"').fetchall())
            for t, cols in columns.items()
        }
    finally:
        con.close()


def _quoted(columns: list[str]) -> str:
    return ", ".join(f'"{c}"' for c in columns)


def _columns(path: Path) -> dict[str, list[str]]:
    con = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite_%' AND name != 'alembic_version'"
            )
        ]
        return {t: [r[1] for r in con.execute(f"PRAGMA table_info('{t}')")] for t in tables}
    finally:
        con.close()


def _revision(path: Path) -> str:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        con.close()


@pytest.fixture
def old(tmp_path: Path) -> Path:
    path = tmp_path / "laptop.db"
    shutil.copy(FIXTURE, path)
    path.chmod(0o600)
    return path


def test_the_fixture_is_the_first_schema_with_rows_in_every_table() -> None:
    assert _revision(FIXTURE) == "0001"
    rows = _snapshot(FIXTURE)
    assert len(rows) >= 15 and all(len(r) == 3 for r in rows.values()), {
        t: len(r) for t, r in rows.items()
    }


def test_the_first_schema_upgrades_to_head_with_every_row_intact(old: Path) -> None:
    columns = _columns(old)
    before = _snapshot(old, columns)

    code, out = _stdout("--db", str(old), "iro", "list", "--json")  # start-up upgrades it

    assert code == 0, out
    assert _revision(old) == HEAD_REVISION
    assert _snapshot(old, columns) == before  # byte for byte, every table, every row
    con = sqlite3.connect(old)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        con.close()
    # What the user sees: the three IROs, read through today's code.
    names = sorted(i["name"] for i in json.loads(out))
    assert names == sorted(r[columns["iro"].index("name")] for r in before["iro"])
    # Every old row loads through today's models (dates, uuids and flags all parse).
    desk = open_desk(sqlite_url(old), make_ctx(), migrate=False)
    try:
        with desk.read() as s:
            for table in columns:
                mapped = SQLModel.metadata.tables[table]
                assert s.scalar(select(func.count()).select_from(mapped)) == 3
                assert len(s.execute(select(mapped)).all()) == 3
    finally:
        desk.engine.dispose()
    backups = list((old.parent / "backups").glob("laptop-0001-*.db"))
    assert len(backups) == 1 and _snapshot(backups[0], columns) == before


def test_a_failed_upgrade_leaves_the_old_database_and_its_backup(
    old: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last migration's first step fails (after 0002 and 0003 have run)."""
    columns = _columns(old)
    before = _snapshot(old, columns)
    indexes_before = _indexes(old)

    def broken(*_args, **_kwargs):
        raise RuntimeError("simulated failure in a migration step")

    monkeypatch.setattr(Operations, "create_table", broken)
    code, out = _cli("--db", str(old), "iro", "list")

    assert "Traceback" not in out
    assert code == 1, out
    errors = [line for line in out.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, out
    backups = list((old.parent / "backups").glob("laptop-0001-*.db"))
    assert len(backups) == 1
    assert str(old) in errors[0] and "upgrade" in errors[0] and "0001" in errors[0]
    assert "simulated failure" in errors[0] and str(backups[0]) in errors[0]
    # Still the old schema, nothing half-done (0002's and 0003's indexes rolled back too).
    assert _revision(old) == "0001"
    assert _indexes(old) == indexes_before
    assert _snapshot(old, columns) == before
    assert _snapshot(backups[0], columns) == before and _revision(backups[0]) == "0001"

    monkeypatch.undo()  # the next start, with the fault gone, upgrades as usual
    code, out = _cli("--db", str(old), "iro", "list")
    assert code == 0, out
    assert _revision(old) == HEAD_REVISION and _snapshot(old, columns) == before


def _indexes(path: Path) -> set[str]:
    con = sqlite3.connect(path)
    try:
        return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    finally:
        con.close()
