"""Schema migrations: shipped in the package, run at start-up, after a backup."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

from iro_desk.db.engine import make_engine, sqlite_url
from iro_desk.db.migrate import (
    HEAD_REVISION,
    MIGRATIONS_DIR,
    MigrationRefused,
    SchemaTooNew,
    current_revision,
    ensure_schema,
    upgrade,
)
from iro_desk.services.context import Desk
from tests.builders import PG_URL, pg_schema_url


def test_head_constant_matches_the_newest_migration() -> None:
    assert ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head() == HEAD_REVISION


# SQLite cannot reflect the expression index on lower(iro.name), so the comparison skips it
# there (with these warnings); test_iro_names_become_unique_ignoring_case checks it instead.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based")
def test_migrations_build_exactly_the_models(desk: Desk) -> None:
    """On SQLite and PostgreSQL, the migrated schema is the one the models describe."""
    with desk.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []
    assert current_revision(desk.engine) == HEAD_REVISION


def test_an_old_database_upgrades_with_every_row_intact(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    engine = make_engine(sqlite_url(path))
    upgrade(engine, "0001")
    iro_id, child_id = uuid.uuid4().hex, uuid.uuid4().hex
    with engine.begin() as conn:
        _insert(conn, "iro", id=iro_id, name="Ada Old", username=None, fte=0.6, active=1)
        _insert(
            conn,
            "child",
            id=child_id,
            ref="OLD1",
            first_name="Amy",
            last_name="Stone",
            first_key="amy",
            last_key="stone",
            dob="2015-03-01",
            notes="",
        )
        _insert(
            conn,
            "visit",
            id=uuid.uuid4().hex,
            child_id=child_id,
            iro_id=iro_id,
            visit_date="2024-12-01",
            location="placement",
            purpose="other",
            seen_alone=1,
            views="Wants to stay at school",
        )
    before = {t: _rows(path, t) for t in ("iro", "child", "visit")}

    backup = ensure_schema(engine)

    assert current_revision(engine) == HEAD_REVISION
    # Columns added since 0001 come last; every value that was there is unchanged.
    after = {t: [row[: len(before[t][0])] for row in _rows(path, t)] for t in before}
    assert after == before
    assert _rows(path, "child")[0][-4] == 0  # 0005: not on legal hold
    # 0006: no UPN reason, MOTHER or MC_DOB known yet
    assert tuple(_rows(path, "child")[0][-3:]) == (None, None, None)
    assert backup is not None and backup.exists()
    assert backup.stat().st_mode & 0o777 == 0o600
    assert _rows(backup, "visit") == before["visit"]  # the copy is whole
    indexes = {i["name"] for i in inspect(engine).get_indexes("visit")}
    assert "ix_visit_date" in indexes
    engine.dispose()


def _iro(conn, name: str) -> None:
    _insert(conn, "iro", id=uuid.uuid4().hex, name=name, username=None, fte=1.0, active=True)


def test_iro_names_become_unique_ignoring_case(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    engine = make_engine(sqlite_url(path))
    upgrade(engine, "0002")
    with engine.begin() as conn:
        _iro(conn, "Ann Example")
        _iro(conn, "Bea Example")
    before = _rows(path, "iro")

    ensure_schema(engine)

    assert current_revision(engine) == HEAD_REVISION
    assert _rows(path, "iro") == before
    with engine.begin() as conn, pytest.raises(IntegrityError):
        _iro(conn, "ann EXAMPLE")
    engine.dispose()


def test_existing_case_twins_stop_the_upgrade_and_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    engine = make_engine(sqlite_url(path))
    upgrade(engine, "0002")
    with engine.begin() as conn:
        _iro(conn, "Ann Example")
        _iro(conn, "ann example")
        _iro(conn, "Bea Example")
    before = _rows(path, "iro")

    with pytest.raises(MigrationRefused, match="'Ann Example', 'ann example'"):
        ensure_schema(engine)

    assert current_revision(engine) == "0002"  # nothing half-done
    assert _rows(path, "iro") == before
    engine.dispose()


def test_case_twins_stop_the_upgrade_on_postgresql() -> None:
    if not PG_URL:
        pytest.skip("IRO_DESK_TEST_PG_URL is not set: no PostgreSQL server to test against")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine = make_engine(pg_schema_url(schema))
    try:
        upgrade(engine, "0002")
        with engine.begin() as conn:
            _iro(conn, "Ann Example")
            _iro(conn, "ANN EXAMPLE")
        with pytest.raises(MigrationRefused, match="ANN EXAMPLE"):
            ensure_schema(engine)
        assert current_revision(engine) == "0002"
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM iro")).scalar() == 2
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def test_up_to_date_database_is_not_touched(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    engine = make_engine(sqlite_url(path))
    assert ensure_schema(engine) is None  # a brand-new file needs no backup
    assert ensure_schema(engine) is None
    assert not (tmp_path / "backups").exists()
    assert path.stat().st_mode & 0o777 == 0o600
    engine.dispose()


def test_a_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(tmp_path / "future.db"))
    ensure_schema(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(SchemaTooNew, match="9999"):
        ensure_schema(engine)
    engine.dispose()


def test_new_data_folder_is_private(tmp_path: Path) -> None:
    path = tmp_path / "private" / "deep" / "unit.db"
    engine = make_engine(sqlite_url(path))
    ensure_schema(engine)
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert path.stat().st_mode & 0o777 == 0o600
    for extra in path.parent.glob("unit.db-*"):
        assert extra.stat().st_mode & 0o777 == 0o600
    engine.dispose()


def _insert(conn, table: str, **values: object) -> None:
    """A row as an older IRO Desk wrote it, in plain SQL (no models of today)."""
    stamp = datetime(2025, 1, 1, 9, tzinfo=UTC).replace(tzinfo=None).isoformat(" ")
    values = {
        "created_at": stamp,
        "updated_at": stamp,
        "created_by": "old",
        "updated_by": "old",
        "version": 1,
        **values,
    }
    names = ", ".join(values)
    marks = ", ".join(f":{k}" for k in values)
    conn.execute(text(f"INSERT INTO {table} ({names}) VALUES ({marks})"), values)


def _rows(path: Path, table: str) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return sorted(con.execute(f"SELECT * FROM {table}").fetchall())
    finally:
        con.close()
