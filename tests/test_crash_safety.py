"""Nothing lost when the program is killed: SIGKILL at random moments, then what the file holds.

A writer (tests/crash_writer.py) records visits and duty enquiries through the services
as fast as it can and prints each id only after its commit returned. It is killed with
SIGKILL at a seeded random moment 0.05-0.5 s after its first id. Then SQLite's own checks
pass (``integrity_check``, ``foreign_key_check``) and every printed id is in the database.
The writers are forked from one "zygote" interpreter that imported everything once, so a
kill round costs a fraction of a second instead of an interpreter start; each is still a
separate process that the kill stops wherever it is. ``benchmarks/crash_soak.py`` runs the
same with hundreds of kills.

The same for an ``import 903`` of a few hundred children killed part-way (all of it or
none of it), and for the visit form's draft in the desk (``typed`` printed, then killed:
the draft is in the database).
"""

from __future__ import annotations

import os
import random
import select
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from iro_desk.db.engine import sqlite_url
from iro_desk.services.children import add_child, start_care
from iro_desk.services.context import Ctx, open_desk
from iro_desk.services.drafts import pending_drafts
from iro_desk.services.iros import add_iro
from tests.builders import NOW, make_ctx, write_903

ROOT = Path(__file__).resolve().parent.parent
REF, IRO = "CRASH1", "Ada Crash"
KILLS = 24


def harness(
    *args: str, stdin: int | None = None, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.crash_writer", *args],
        cwd=ROOT,
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "TEXTUAL_ANIMATIONS": "none", **(env or {})},
    )


class Lines:
    """Lines from a pipe, with a deadline on each wait (a hung harness fails the test)."""

    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        self.proc = proc
        self.fd = proc.stdout.fileno()  # type: ignore[union-attr]
        self.buffer = b""

    def next(self, timeout: float = 60.0) -> str:
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self.fd], [], [], max(left, 0))
            if not ready:
                raise AssertionError(f"no line from the harness in {timeout} s")
            chunk = os.read(self.fd, 65536)
            if not chunk:
                err = self.proc.stderr.read().decode() if self.proc.stderr else ""  # type: ignore[union-attr]
                raise AssertionError(f"the harness ended early: {err}")
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line.decode()


class Zygote:
    """One interpreter that forks a writer per round (see tests/crash_writer.py)."""

    def __init__(self, home: Path) -> None:
        # Its own user folders (it outlives the per-test ones) and the suite's pinned clock.
        env = {
            "IRO_DESK_DATA_DIR": str(home / "data"),
            "IRO_DESK_CONFIG": str(home / "config.toml"),
            "IRO_DESK_NOW": NOW.isoformat(),
        }
        self.proc = harness("zygote", stdin=subprocess.PIPE, env=env)
        self.lines = Lines(self.proc)
        assert self.lines.next(120) == "ready"

    def start(self, *args: str) -> int:
        self._send(shlex.join(args))
        line = self.lines.next()
        assert line.startswith("pid "), line
        return int(line.split()[1])

    def reap(self) -> list[str]:
        """Everything the child printed, once it has gone."""
        self._send("reap")
        printed = []
        while not (line := self.lines.next()).startswith("reaped "):
            assert not line.startswith("error"), line
            printed.append(line)
        return printed

    def _send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line.encode() + b"\n")
        self.proc.stdin.flush()

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(30)


@pytest.fixture(scope="module")
def zygote(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Zygote]:
    z = Zygote(tmp_path_factory.mktemp("zygote-home"))
    yield z
    z.close()


def make_unit(path: Path) -> str:
    """A migrated database with one IRO and one child in care; its URL."""
    desk = open_desk(sqlite_url(path), make_ctx())
    with desk.write() as s:
        add_iro(s, desk.ctx, IRO)
        child = add_child(s, desk.ctx, ref=REF, first_name="Amy", dob=date(2015, 3, 1))
        start_care(s, desk.ctx, child, date(2024, 1, 5), legal_status="C2", placement="U1")
    desk.engine.dispose()
    return sqlite_url(path)


def sqlite_checks(path: Path) -> None:
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        con.close()


def ids_in(path: Path) -> set[str]:
    con = sqlite3.connect(path)
    try:
        visits = {f"v {r[0]}" for r in con.execute("SELECT id FROM visit")}
        enquiries = {f"e {r[0]}" for r in con.execute("SELECT id FROM enquiry")}
    finally:
        con.close()
    return visits | enquiries


def kill_after_first_line(zygote: Zygote, pid: int, delay: float) -> list[str]:
    first = zygote.lines.next()
    assert not first.startswith("error"), first
    time.sleep(delay)
    os.kill(pid, signal.SIGKILL)
    return [first, *zygote.reap()]


@pytest.mark.slow
def test_killed_writers_lose_no_committed_visit_or_enquiry(zygote: Zygote, tmp_path: Path) -> None:
    path = tmp_path / "unit.db"
    url = make_unit(path)
    rng = random.Random(20261127)
    promised: set[str] = set()
    for round_ in range(KILLS):
        pid = zygote.start("writes", url, REF, IRO)
        printed = kill_after_first_line(zygote, pid, rng.uniform(0.05, 0.5))
        promised |= {line for line in printed if line[:2] in ("v ", "e ")}
        sqlite_checks(path)
        missing = promised - ids_in(path)
        assert not missing, f"round {round_}: committed but lost: {sorted(missing)[:5]}"
    assert len(promised) >= KILLS  # every round wrote something before its kill


def big_return(directory: Path, children: int) -> Path:
    """A return of ``children`` children, each with two episodes and two reviews."""
    header = ["CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB"]
    episodes = [
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,"
        "HOME_POST,PL_POST,URN"
    ]
    reviews = ["CHILD,DOB,REVIEW,REVIEW_CODE"]
    for n in range(children):
        ref, dob = f"K{n:05d}", f"{1 + n % 28:02d}/{1 + n % 12:02d}/{2010 + n % 5}"
        header.append(f"{ref},{1 + n % 2},{dob},WBRI,,,")
        episodes.append(f"{ref},10/04/2024,S,C1,N1,U1,PR1,02/06/2025,X1,CARPL,NE33 1AA,NE34 2BB,")
        episodes.append(f"{ref},02/06/2025,T,C2,N1,U4,PR4,,,,NE33 1AA,NE34 2BB,")
        reviews.append(f"{ref},{dob},05/05/2024,PN1")
        reviews.append(f"{ref},{dob},20/08/2024,PN6")
    return write_903(
        directory,
        header="\n".join(header) + "\n",
        episodes="\n".join(episodes) + "\n",
        reviews="\n".join(reviews) + "\n",
    )


def import_counts(path: Path) -> tuple[int, ...]:
    con = sqlite3.connect(path)
    try:
        return tuple(
            con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("child", "care_period", "episode", "meeting_child", "audit_event")
        )
    finally:
        con.close()


@pytest.mark.slow
def test_an_import_killed_part_way_leaves_all_of_it_or_none(zygote: Zygote, tmp_path: Path) -> None:
    directory = big_return(tmp_path / "return", 300)
    template = tmp_path / "template.db"
    make_unit(template)
    before = import_counts(template)

    # Once to the end: how long it takes, and what "all of it" is.
    whole = tmp_path / "whole.db"
    shutil.copy(template, whole)
    zygote.start("import", sqlite_url(whole), str(directory))
    assert zygote.lines.next() == "begin"
    started = time.monotonic()
    assert zygote.reap() == ["committed"]
    took = time.monotonic() - started
    after = import_counts(whole)
    assert after[0] == before[0] + 300 and after[2] == before[2] + 600

    rng = random.Random(903)
    outcomes = []
    for round_ in range(6):
        path = tmp_path / f"killed{round_}.db"
        shutil.copy(template, path)
        pid = zygote.start("import", sqlite_url(path), str(directory))
        assert zygote.lines.next() == "begin"
        time.sleep(rng.uniform(0.05, 0.9) * took)
        os.kill(pid, signal.SIGKILL)
        printed = zygote.reap()
        sqlite_checks(path)
        found = import_counts(path)
        assert found in (before, after), f"round {round_}: half an import: {found}"
        assert found == after or printed == [], "a committed import must be whole"
        outcomes.append(found == after)
    assert not all(outcomes), f"no kill landed inside the import ({took:.2f} s)"


@pytest.mark.slow
def test_a_visit_draft_survives_the_desk_being_killed(tmp_path: Path) -> None:
    from tests.crash_writer import TUI_VIEWS

    path = tmp_path / "unit.db"
    url = make_unit(path)
    proc = harness("tui", url, REF)
    try:
        assert Lines(proc).next(120) == "typed"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    assert proc.returncode == -signal.SIGKILL
    sqlite_checks(path)
    desk = open_desk(url, Ctx(user="crash-writer"), migrate=False)
    try:
        with desk.read() as s:
            drafts = pending_drafts(s, desk.ctx)
    finally:
        desk.engine.dispose()
    assert [(d.kind, d.key) for d in drafts] == [("visit", REF)]
    assert drafts[0].payload["views"] == TUI_VIEWS
