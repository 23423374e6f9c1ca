"""Shared fixtures: a real database per test, on SQLite and (when configured) PostgreSQL.

``IRO_DESK_TEST_PG_URL`` (set by .ci/run) points at a PostgreSQL server; each test
gets its own schema there, made by the real migrations.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from iro_desk import clock
from iro_desk.db.engine import sqlite_url
from iro_desk.services.context import Ctx, Desk, open_desk
from tests.builders import NOW, PG_URL, TODAY, make_ctx, pg_schema_url, sqlite_desk_from

# The TUI tests' conftest and modules still find these here.
__all__ = ["NOW", "TODAY", "make_ctx"]

# Pinned before anything runs, session fixtures included; the autouse fixture below
# restores it for every test.
os.environ["IRO_DESK_NOW"] = NOW.isoformat()


@pytest.fixture(autouse=True)
def _private_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """No test may touch the real user folders, and none reads the real clock.

    ``IRO_DESK_NOW`` pins iro_desk.clock, the one place the program asks the time, so the
    CLI and the services behave the same whatever day the suite runs.
    """
    base = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("IRO_DESK_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("IRO_DESK_CONFIG", str(base / "config.toml"))
    monkeypatch.setenv("IRO_DESK_NOW", NOW.isoformat())
    monkeypatch.setattr(clock, "_zone", None)  # the default zone, whatever a test set


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated database file, copied for each test (migrations run once)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    desk = open_desk(sqlite_url(path), Ctx(user="template"))
    desk.engine.dispose()
    return path


@pytest.fixture
def sqlite_desk(sqlite_template: Path, tmp_path: Path) -> Iterator[Desk]:
    desk = sqlite_desk_from(sqlite_template, tmp_path)
    yield desk
    desk.engine.dispose()


@pytest.fixture
def pg_desk() -> Iterator[Desk]:
    if not PG_URL:
        pytest.skip("IRO_DESK_TEST_PG_URL is not set: no PostgreSQL server to test against")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    desk = open_desk(pg_schema_url(schema), make_ctx())
    try:
        yield desk
    finally:
        desk.engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def desk(request: pytest.FixtureRequest) -> Desk:
    """A migrated, empty database on each backend."""
    name = "sqlite_desk" if request.param == "sqlite" else "pg_desk"
    return request.getfixturevalue(name)


@pytest.fixture
def run(tmp_path: Path) -> Callable[..., tuple[int, str, str]]:
    """``run(*args)``: the CLI on a fresh database file, as the user "ada"; (code, out, err)."""
    db = tmp_path / "unit.db"

    def invoke(*args: str, user: str = "ada") -> tuple[int, str, str]:
        from iro_desk.cli import main

        result = CliRunner().invoke(main, ["--db", str(db), "--user", user, *args])
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result.exit_code, result.stdout, result.stderr

    invoke.db = db  # type: ignore[attr-defined]
    return invoke
