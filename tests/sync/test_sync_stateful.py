"""Three laptops and the server, driven at random: offline writes, syncs, syncs cut short.

At the end every replica equals the server, every added fact is there exactly once, and
every change a laptop sent either landed on the server (a trigger installed by the test
records every value the server's child rows take) or is kept as a conflict.
"""

from __future__ import annotations

import itertools
import json
import tempfile
import uuid
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule
from sqlalchemy import select, text

from iro_desk.db.engine import sqlite_url
from iro_desk.db.models import TABLES
from iro_desk.db.sync_models import SyncConflict
from iro_desk.services.child_details import update_child
from iro_desk.services.children import child_by_ref
from iro_desk.services.context import open_desk
from iro_desk.services.iros import find_iro
from iro_desk.services.sync import faults, init_server, sync_now
from iro_desk.services.visits import record_visit
from tests.builders import (
    PG_URL,
    admin_engine,
    ctx_for,
    database_url,
    seed_unit,
    snapshot,
    unique_name,
)

pytestmark = pytest.mark.skipif(
    not PG_URL, reason="IRO_DESK_TEST_PG_URL is not set: no PostgreSQL server to sync with"
)

REFS = ("C1", "C2", "C3")
FIELDS = ("notes", "first_name")
POINTS = ("push:prepared", "push:sent-before-commit", "push:committed", "pull:fetched")
HISTORY = """
CREATE TABLE value_history (ref text, field text, value text);
CREATE FUNCTION keep_values() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO value_history
    VALUES (NEW.ref, 'notes', NEW.notes), (NEW.ref, 'first_name', NEW.first_name);
    RETURN NEW;
END $$;
CREATE TRIGGER keep_values AFTER INSERT OR UPDATE ON child
    FOR EACH ROW EXECUTE FUNCTION keep_values();
"""


class Cut(Exception):
    pass


class Unit(RuleBasedStateMachine):
    @initialize()
    def make_unit(self) -> None:
        self.counter = itertools.count()
        self.name = unique_name("iro_stateful")
        with admin_engine().connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{self.name}"'))
        self.url = database_url(self.name)
        self.server = open_desk(self.url, ctx_for("Admin", "server"))
        seed_unit(self.server)
        init_server(self.server)
        with self.server.engine.begin() as conn:
            conn.connection.driver_connection.execute(HISTORY)
        self.folder = tempfile.TemporaryDirectory()
        self.laptops = []
        for n in range(3):
            desk = open_desk(
                sqlite_url(Path(self.folder.name) / f"l{n}.db"), ctx_for("Ann Example", f"l{n}")
            )
            sync_now(desk, self.url)
            self.laptops.append(desk)
        self.facts: list[str] = []
        self.dirty: list[dict[tuple[str, str], str]] = [{}, {}, {}]
        self.pushed: set[tuple[str, str, str]] = set()

    @rule(n=st.integers(0, 2), ref=st.sampled_from(REFS))
    def add_fact(self, n: int, ref: str) -> None:
        views = f"fact-{n}-{next(self.counter)}"
        desk = self.laptops[n]
        with desk.write() as s:
            record_visit(
                s,
                desk.ctx,
                child_by_ref(s, ref),
                find_iro(s, "Ann Example"),
                visit_date=date(2026, 11, 20),
                location="placement",
                purpose="between_reviews",
                seen_alone=True,
                views=views,
            )
        self.facts.append(views)

    @rule(n=st.integers(0, 2), ref=st.sampled_from(REFS), field=st.sampled_from(FIELDS))
    def edit(self, n: int, ref: str, field: str) -> None:
        value = f"v{n}-{next(self.counter)}"
        desk = self.laptops[n]
        with desk.write() as s:
            update_child(s, desk.ctx, ref, **{field: value})
        self.dirty[n][(ref, field)] = value

    @rule(n=st.integers(0, 2))
    def sync(self, n: int) -> None:
        self._sync(n)

    @rule(n=st.integers(0, 2), point=st.sampled_from(POINTS))
    def sync_cut_short(self, n: int, point: str) -> None:
        def cut(name: str) -> None:
            if name == point:
                raise Cut(name)

        faults.hook = cut
        try:
            sync_now(self.laptops[n])
        except Cut:
            pass
        finally:
            faults.hook = None

    def _sync(self, n: int) -> None:
        sync_now(self.laptops[n])
        self.pushed.update((ref, field, v) for (ref, field), v in self.dirty[n].items())
        self.dirty[n] = {}

    def teardown(self) -> None:
        try:
            if hasattr(self, "laptops") and len(self.laptops) == 3:
                self._check()
        finally:
            for desk in getattr(self, "laptops", []):
                desk.engine.dispose()
            if hasattr(self, "server"):
                self.server.engine.dispose()
                with admin_engine().connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
            if hasattr(self, "folder"):
                self.folder.cleanup()

    def _check(self) -> None:
        for _ in range(2):
            for n in range(3):
                self._sync(n)
        server = snapshot(self.server.engine)
        for desk in self.laptops:
            assert snapshot(desk.engine) == server
        with self.server.engine.connect() as conn:
            views = list(conn.execute(select(TABLES["visit"].c.views)).scalars())
            history = set(conn.execute(text("SELECT ref, field, value FROM value_history")).all())
            refs = dict(conn.execute(select(TABLES["child"].c.id, TABLES["child"].c.ref)).all())
            kept = {
                (refs[uuid.UUID(c.row_id)], c.field, json.loads(c.mine))
                for c in conn.execute(select(SyncConflict.__table__)).all()  # type: ignore[attr-defined]
                if c.table_name == "child"
            }
        assert sorted(views) == sorted(self.facts)  # every fact, exactly once
        lost = {p for p in self.pushed if p not in history and p not in kept}
        assert not lost, f"changes neither applied nor kept as conflicts: {lost}"


Unit.TestCase.settings = settings(
    max_examples=6,
    stateful_step_count=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_three_laptops_and_a_server = Unit.TestCase
