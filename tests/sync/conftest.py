"""A unit in miniature: a PostgreSQL server database of its own and SQLite laptops.

Each test that needs a server creates its own database with a unique name and drops it
afterwards; laptops are files in the test's tmp_path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from iro_desk.db.engine import sqlite_url
from iro_desk.services.context import Desk, open_desk
from iro_desk.services.sync import init_server
from tests.builders import PG_URL, admin_engine, ctx_for, database_url, seed_unit, unique_name


@pytest.fixture
def server_url() -> Iterator[str]:
    """A fresh unit server: its own database, migrated, seeded and set up for sync."""
    if not PG_URL:
        pytest.skip("IRO_DESK_TEST_PG_URL is not set: no PostgreSQL server to sync with")
    name = unique_name("iro_sync")
    admin = admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = database_url(name)
    desk = open_desk(url, ctx_for("Admin", "server"))
    try:
        seed_unit(desk)
        init_server(desk)
        desk.engine.dispose()
        yield url
    finally:
        desk.engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def laptop(tmp_path: Path) -> Iterator[Callable[..., Desk]]:
    """Make a laptop replica (an empty SQLite file) for a user."""
    made: list[Desk] = []

    def make(name: str = "ann", user: str = "Ann Example") -> Desk:
        desk = open_desk(sqlite_url(tmp_path / f"{name}.db"), ctx_for(user, f"{name}-laptop"))
        made.append(desk)
        return desk

    yield make
    for desk in made:
        desk.engine.dispose()
