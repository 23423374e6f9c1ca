"""Several writers at once, on SQLite and on PostgreSQL: nobody sees "database is locked",
and nothing is lost.

- Four Python processes (tests/crash_writer.py ``writes``) each make 200 service-level
  writes (visits and duty enquiries alternately), each in its own transaction, all at
  the same time: afterwards the database holds all 800, and every id a writer printed.
  Service-level rather than 800 ``iro-desk`` processes: a process start costs about half
  a second on the project's machine, so 800 of them would take minutes.
- The CLI as real processes: four ``iro-desk visit add`` loops (2 each, 8 processes)
  while the desk is open on the same database in this process, typing a visit whose
  draft autosaves meanwhile. All 20 visits land, the draft too, and no command fails.

PostgreSQL runs in a schema made and dropped by the test (``IRO_DESK_TEST_PG_URL``).
"""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from iro_desk.db.engine import sqlite_url
from iro_desk.db.models import Enquiry, Visit
from iro_desk.services.children import add_child, start_care
from iro_desk.services.context import Desk, open_desk
from iro_desk.services.drafts import load_draft
from tests.builders import PG_URL, make_ctx, pg_schema_url

ROOT = Path(__file__).resolve().parent.parent
REF, IRO = "BUSY1", "Ada Busy"
PROCESSES, WRITES = 4, 200


@pytest.fixture(params=["sqlite", "postgresql"])
def unit_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty migrated unit with one IRO and one child in care, on each backend."""
    if request.param == "sqlite":
        url = sqlite_url(tmp_path / "unit.db")
        yield _seed(url)
        return
    if not PG_URL:
        pytest.skip("IRO_DESK_TEST_PG_URL is not set: no PostgreSQL server to test against")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield _seed(pg_schema_url(schema))
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def _seed(url: str) -> str:
    from iro_desk.services.iros import add_iro

    desk = open_desk(url, make_ctx())
    with desk.write() as s:
        add_iro(s, desk.ctx, IRO)
        child = add_child(s, desk.ctx, ref=REF, first_name="Bo", dob=date(2014, 6, 1))
        start_care(s, desk.ctx, child, date(2024, 1, 5), legal_status="C2", placement="U1")
    desk.engine.dispose()
    return url


def _counts(url: str) -> tuple[int, int]:
    desk = open_desk(url, make_ctx(), migrate=False)
    try:
        with desk.read() as s:
            return (
                s.scalar(select(func.count()).select_from(Visit)) or 0,
                s.scalar(select(func.count()).select_from(Enquiry)) or 0,
            )
    finally:
        desk.engine.dispose()


def _ids(url: str) -> set[str]:
    desk = open_desk(url, make_ctx(), migrate=False)
    try:
        with desk.read() as s:
            return {f"v {i.hex}" for i in s.scalars(select(Visit.id))} | {
                f"e {i.hex}" for i in s.scalars(select(Enquiry.id))
            }
    finally:
        desk.engine.dispose()


@pytest.mark.slow
def test_four_writer_processes_lose_nothing_and_never_see_a_lock(unit_url: str) -> None:
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.crash_writer", "writes", unit_url, REF, IRO, str(WRITES)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    printed: set[str] = set()
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        assert "locked" not in err.lower() and "Traceback" not in err, err
        assert proc.returncode == 0, err
        lines = out.splitlines()
        assert lines[-1] == "done" and len(lines) == WRITES + 1
        printed |= set(lines[:-1])
    assert len(printed) == PROCESSES * WRITES
    assert _counts(unit_url) == (PROCESSES * WRITES // 2, PROCESSES * WRITES // 2)
    assert printed <= _ids(unit_url)


CLI_LOOPS, CLI_VISITS = 4, 2


def _cli_loop(url: str, n: int) -> subprocess.Popen[str]:
    """One shell loop running ``iro-desk visit add`` CLI_VISITS times in a row."""
    option = ["--db", url.removeprefix("sqlite:///")] if url.startswith("sqlite") else [
        "--database-url", url
    ]  # fmt: skip
    command = [sys.executable, "-c", "from iro_desk.cli import main; main()"]
    script = " && ".join(
        " ".join(
            _quote(a)
            for a in [
                *command, *option, "--user", IRO, "visit", "add", REF, "--date", "2026-11-2"
                f"{i % 7 + 1}", "--location", "placement", "--purpose", "other", "--seen-alone",
                "--views", f"loop {n} visit {i}",
            ]
        )
        for i in range(CLI_VISITS)
    )  # fmt: skip
    return subprocess.Popen(
        ["sh", "-c", script], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _quote(arg: str) -> str:
    import shlex

    return shlex.quote(arg)


@pytest.mark.slow
async def test_cli_writes_while_the_desk_is_open_and_drafting(unit_url: str) -> None:
    from textual.widgets import TextArea

    from iro_desk.app import make_app
    from iro_desk.screens.children.visit_form import AUTOSAVE_SECONDS, VisitFormScreen

    desk: Desk = open_desk(unit_url, make_ctx(IRO), migrate=False)
    try:
        app = make_app(desk, start="caseload")
        app.animation_level = "none"
        app.warm_up = False
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            app.push_screen(VisitFormScreen(REF))
            for _ in range(10):
                await pilot.pause()
                await app.workers.wait_for_complete()
            area = app.screen.query_one("#visit-views", TextArea)
            area.focus()
            loops = [_cli_loop(unit_url, n) for n in range(CLI_LOOPS)]
            # Type (and let the draft autosave) for as long as the CLI is writing.
            typed = ""
            while any(p.poll() is None for p in loops):
                await pilot.press("a", "b")
                typed += "ab"
                await pilot.pause(AUTOSAVE_SECONDS + 0.1)
            await app.workers.wait_for_complete()
            with desk.read() as s:
                assert load_draft(s, desk.ctx, "visit", REF)["views"] == typed  # type: ignore[index]
        for proc in loops:
            out, err = proc.communicate()
            assert "locked" not in err.lower() and "Traceback" not in err, err
            assert proc.returncode == 0, err
            assert out.count("Logged Ada Busy's visit") == CLI_VISITS
    finally:
        desk.engine.dispose()
    assert _counts(unit_url)[0] == CLI_LOOPS * CLI_VISITS
