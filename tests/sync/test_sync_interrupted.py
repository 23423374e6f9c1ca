"""A sync cut short anywhere (network gone, laptop shut, SIGKILL) loses nothing and sends
nothing twice: run again, the replica equals the server."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date

import pytest
from sqlalchemy import func, select

from iro_desk.db.models import TABLES
from iro_desk.services.child_details import update_child
from iro_desk.services.children import child_by_ref
from iro_desk.services.iros import find_iro
from iro_desk.services.sync import faults, sync_status
from iro_desk.services.visits import record_visit
from tests.builders import server_desk, snapshot, sync

CHECKPOINTS = [
    "push:prepared",
    "push:sent-before-commit",
    "push:committed",
    "pull:fetched",
    "pull:applied-before-commit",
]


class Cut(Exception):
    """The network went at this point."""


def add_visits(desk, prefix: str, n: int, ref: str = "C1") -> None:
    with desk.write() as s:
        kid, iro = child_by_ref(s, ref), find_iro(s, "Ann Example")
        for k in range(n):
            record_visit(
                s,
                desk.ctx,
                kid,
                iro,
                visit_date=date(2026, 11, 20),
                location="placement",
                purpose="between_reviews",
                seen_alone=True,
                views=f"{prefix}-{k}",
            )


def visit_views(engine) -> list[str]:
    with engine.connect() as conn:
        return sorted(conn.execute(select(TABLES["visit"].c.views)).scalars())


def integrity(path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


@pytest.mark.parametrize("point", CHECKPOINTS)
def test_a_sync_cut_at_any_point_and_run_again(server_url, laptop, point, monkeypatch) -> None:
    ann = laptop()
    sync(ann, server_url)
    add_visits(ann, "laptop", 3)
    with ann.write() as s:
        update_child(s, ann.ctx, "C2", notes="from the laptop")
    server = server_desk(server_url)
    add_visits(server, "server", 2, ref="C3")

    def cut(name: str) -> None:
        if name == point:
            raise Cut(name)

    monkeypatch.setattr(faults, "hook", cut)
    with pytest.raises(Cut):
        sync(ann)
    monkeypatch.setattr(faults, "hook", None)
    sync(ann)
    assert integrity(ann.engine.url.database) == "ok"
    assert snapshot(ann.engine) == snapshot(server.engine)
    expected = sorted([f"laptop-{k}" for k in range(3)] + [f"server-{k}" for k in range(2)])
    assert visit_views(server.engine) == expected  # each exactly once
    assert sync_status(ann.engine).pending == 0
    server.engine.dispose()


def _sync_process(db: str, url: str) -> subprocess.Popen:
    code = "import sys; from iro_desk.cli import main; sys.exit(main())"
    return subprocess.Popen(
        [sys.executable, "-c", code, "--db", db, "--user", "Ann Example", "sync", "--server", url],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_sigkill_during_push_and_pull_loses_nothing(server_url, laptop) -> None:
    """At least ten kills at random moments, each with work waiting on both sides."""
    rng = random.Random(20261130)
    ann = laptop()
    sync(ann, server_url)
    db = ann.engine.url.database
    server = server_desk(server_url)
    # How long a whole sync process takes here, start-up included, so kills land inside it.
    add_visits(ann, "warm", 40)
    add_visits(server, "warmserver", 40, ref="C3")
    expected = [f"warm-{k}" for k in range(40)] + [f"warmserver-{k}" for k in range(40)]
    ann.engine.dispose()
    started = time.monotonic()
    assert _sync_process(db, server_url).wait() == 0
    whole = time.monotonic() - started
    kills = 0
    # Rounds go on until ten kills have landed; a round whose sync finished first makes
    # the next waits shorter, so a busy or a quiet machine both get their kills.
    latest = 1.0
    for round_no in range(40):
        if kills >= 10:
            break
        add_visits(ann, f"laptop{round_no}", 40)
        add_visits(server, f"server{round_no}", 40, ref="C3")
        expected += [f"laptop{round_no}-{k}" for k in range(40)]
        expected += [f"server{round_no}-{k}" for k in range(40)]
        ann.engine.dispose()
        process = _sync_process(db, server_url)
        time.sleep(rng.uniform(0.3 * whole, latest * whole))
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            kills += 1
        else:
            latest = max(0.4, latest * 0.8)
        process.wait()
        assert integrity(db) == "ok", f"round {round_no}"
    assert kills >= 10, "the sync finished before it could be killed: give it more to do"
    sync(ann, server_url)
    assert integrity(db) == "ok"
    assert snapshot(ann.engine) == snapshot(server.engine)
    assert visit_views(server.engine) == sorted(expected)
    with server.engine.connect() as conn:
        visits = conn.execute(select(func.count()).select_from(TABLES["visit"])).scalar()
    assert visits == len(expected)
    server.engine.dispose()
