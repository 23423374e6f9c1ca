"""Database files that cannot be used: one ``error:`` line naming the file, exit 1.

Each case is run through the real CLI. None may print a traceback, and none may
change the file it refuses. Cases that need a read-only file or folder run in a
subprocess; as root that subprocess drops the capabilities that let root ignore
file permissions (setpriv), so the test means the same for every user.
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import event

from iro_desk import locations
from iro_desk.cli import main
from iro_desk.db import engine as db_engine
from iro_desk.db.engine import sqlite_url
from iro_desk.services.context import open_desk
from iro_desk.services.demo import generate_demo
from tests.builders import make_ctx


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--user", "ada", *args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception  # a traceback is a failure of this test
    return result.exit_code, result.stdout + result.stderr


def _cli_without_root_powers(*args: str) -> tuple[int, str]:
    """The CLI in a subprocess that file permissions apply to, even when we are root."""
    cmd = [sys.executable, "-c", "from iro_desk.cli import main; main()", "--user", "ada", *args]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: permissions cannot be tested")
        drop = "--bounding-set=-dac_override,-dac_read_search,-fowner"
        cmd = [setpriv, "--inh-caps=-all", drop, *cmd]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    return done.returncode, done.stdout + done.stderr


def _assert_refused(code: int, out: str, path: Path, reason: str) -> None:
    assert "Traceback" not in out, out
    assert code == 1, out
    errors = [line for line in out.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, out
    assert str(path) in errors[0] and reason in errors[0], out


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(scope="module")
def unit_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small real unit (a few thousand rows), built once and copied per test."""
    path = tmp_path_factory.mktemp("unit") / "unit.db"
    desk = open_desk(sqlite_url(path), make_ctx())
    with desk.write() as session:
        generate_demo(session, desk.ctx, children=20, seed=5)
    desk.engine.dispose()
    return path


@pytest.fixture
def unit(unit_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "unit.db"
    shutil.copy(unit_template, path)
    path.chmod(0o600)
    return path


# --- files that are not (usable) IRO Desk databases -----------------------------------


def test_random_bytes_are_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    data = random.Random(1).randbytes(64 * 1024)
    path.write_bytes(data)
    _assert_refused(*_cli("--db", str(path), "iro", "list"), path, "is not a SQLite database")
    assert path.read_bytes() == data


def test_a_truncated_database_is_damaged(unit: Path) -> None:
    data = unit.read_bytes()
    unit.write_bytes(data[: len(data) // 3])
    _assert_refused(*_cli("--db", str(unit), "iro", "list"), unit, "damaged")


def test_a_broken_header_is_refused(unit: Path) -> None:
    data = bytearray(unit.read_bytes())
    data[16:24] = b"\xff" * 8  # page size, versions, reserved space: nonsense
    unit.write_bytes(bytes(data))
    code, out = _cli("--db", str(unit), "iro", "add", "Bea Example")
    _assert_refused(code, out, unit, "not a SQLite database")
    assert unit.read_bytes() == bytes(data)


def test_another_programs_sqlite_file_gets_no_tables_added(tmp_path: Path) -> None:
    path = tmp_path / "photos.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE album (id INTEGER PRIMARY KEY, title TEXT)")
    con.execute("INSERT INTO album (title) VALUES ('Holiday')")
    con.commit()
    con.close()
    code, out = _cli("--db", str(path), "iro", "add", "Bea Example")
    _assert_refused(code, out, path, "is not an IRO Desk database")
    con = sqlite3.connect(path)
    tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    con.close()
    assert tables == ["album"]


def test_an_empty_sqlite_database_is_made_into_ours(tmp_path: Path) -> None:
    path = tmp_path / "fresh.db"
    con = sqlite3.connect(path)
    con.execute("PRAGMA user_version = 0")
    con.close()
    path.chmod(0o600)
    code, out = _cli("--db", str(path), "iro", "add", "Bea Example")
    assert code == 0, out


def test_a_folder_that_cannot_be_written_cannot_hold_a_new_database(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o500)
    path = folder / "unit.db"
    try:
        code, out = _cli_without_root_powers("--db", str(path), "iro", "list")
    finally:
        folder.chmod(0o700)
    _assert_refused(code, out, path, "cannot create the database file")
    assert not path.exists()


@pytest.mark.parametrize("command", [("iro", "list"), ("caseload",), ("duty", "today"), ()])
def test_a_db_in_a_folder_that_does_not_exist_is_refused(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    """A mistyped --db is one line, not a new empty unit (the TUI, with no command, too);
    only `init` makes the folder."""
    path = tmp_path / "typo" / "unit.db"
    code, out = _cli("--db", str(path), *command)
    assert code == 2
    assert out.splitlines() == [
        f"error: --db: the folder {path.parent} does not exist; check the path, or make a "
        f"new database there with `iro-desk --db {path} init`"
    ]
    assert not path.parent.exists()
    assert _cli("--db", str(path), "init")[0] == 0
    assert _cli("--db", str(path), "iro", "list")[0] == 0


def test_a_file_that_is_not_ours_is_one_line_for_the_tui_too(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Shopping: milk, bread\n" * 100)
    code, out = _cli("--db", str(path))  # no command: the full-screen desk
    assert code == 1 and len(out.splitlines()) == 1 and "Traceback" not in out
    assert out.startswith(f"error: {path}: ") and "not a SQLite database" in out


def test_a_read_only_database_stays_read_only(unit: Path) -> None:
    unit.chmod(0o400)
    code, out = _cli_without_root_powers("--db", str(unit), "iro", "add", "Bea Example")
    _assert_refused(code, out, unit, "read-only")
    assert _mode(unit) == 0o400  # never chmodded to make it writable
    code, out = _cli_without_root_powers("--db", str(unit), "iro", "list", "--json")
    assert code == 0, out  # reading a read-only database is fine


def test_a_full_disk_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite's own SQLITE_FULL, from a size limit at the file's current size."""
    path = tmp_path / "unit.db"
    assert _cli("--db", str(path), "iro", "list")[0] == 0  # made and migrated, empty
    real = db_engine.make_engine

    def capped(url: str, **kwargs):
        engine = real(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _cap(dbapi_conn, _record) -> None:
            pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
            dbapi_conn.execute(f"PRAGMA max_page_count = {pages}")

        return engine

    monkeypatch.setattr(db_engine, "make_engine", capped)
    code, out = _cli("--db", str(path), "demo", "--children", "20")
    _assert_refused(code, out, path, "the disk is full")
    monkeypatch.setattr(db_engine, "make_engine", real)
    code, out = _cli("--db", str(path), "iro", "list", "--json")
    assert code == 0 and out.strip() == "[]"  # all or nothing


# --- corruption -------------------------------------------------------------------------


def test_a_damaged_file_refuses_writes_and_names_the_newest_backup(unit: Path) -> None:
    backups = unit.parent / "backups"
    backups.mkdir(mode=0o700)
    older = backups / "unit-0001-20250101T090000Z.db"
    newer = backups / "unit-0002-20260101T090000Z.db"
    for n, backup in enumerate((older, newer)):
        shutil.copy(unit, backup)
        os.utime(backup, (1_700_000_000 + n, 1_700_000_000 + n))
    size = unit.stat().st_size
    with unit.open("r+b") as f:
        f.seek((size // 2) & ~4095)
        f.write(random.Random(8).randbytes(4096))
    before = unit.read_bytes()

    code, out = _cli("--db", str(unit), "iro", "add", "Bea Example")

    _assert_refused(code, out, unit, "damaged")
    assert str(newer) in out and str(older) not in out
    assert unit.read_bytes() == before


def test_a_large_file_is_fully_checked_on_its_first_opening_each_day(
    unit: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db_engine, "FULL_CHECK_BYTES", 1024)  # the unit counts as large
    assert _cli("--db", str(unit), "iro", "list")[0] == 0  # checked, and marked for today
    size = unit.stat().st_size
    with unit.open("r+b") as f:
        f.seek((size // 2) & ~4095)
        f.write(random.Random(9).randbytes(4096))
    _cli("--db", str(unit), "iro", "list")  # the same day: not read again in full
    monkeypatch.setenv("IRO_DESK_NOW", "2026-11-28T08:00:00+00:00")
    code, out = _cli("--db", str(unit), "iro", "add", "Bea Example")
    _assert_refused(code, out, unit, "damaged")


# --- a write that waits behind another -------------------------------------------------


def test_the_default_wait_for_another_write_is_minutes() -> None:
    assert db_engine.busy_timeout_ms() >= 120_000


@pytest.fixture
def held_write_lock(tmp_path: Path) -> Iterator[Path]:
    """A database whose write lock another connection holds (a long import, say)."""
    path = tmp_path / "unit.db"
    assert _cli("--db", str(path), "iro", "add", "Ada Example")[0] == 0
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("UPDATE iro SET fte = 0.5")
    try:
        yield path
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_a_write_behind_a_long_write_gives_up_with_one_line(
    held_write_lock: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IRO_DESK_BUSY_TIMEOUT_MS", "300")
    started = time.monotonic()
    code, out = _cli("--db", str(held_write_lock), "iro", "add", "Bea Example")
    assert time.monotonic() - started < 8
    _assert_refused(code, out, held_write_lock, "another write (for example an import)")
    # Reading is not held up by the other write.
    code, out = _cli("--db", str(held_write_lock), "iro", "list", "--json")
    assert code == 0 and "Bea" not in out


# --- folders and modes -------------------------------------------------------------------


def test_demo_first_leaves_the_data_folder_private() -> None:
    code, out = _cli("--demo", "demo", "--children", "20")
    assert code == 0, out
    assert _mode(locations.data_dir()) == 0o700
    assert _mode(locations.demo_database_path().parent) == 0o700
    assert _mode(locations.demo_database_path()) == 0o600


def test_our_data_folder_left_open_by_an_older_version_is_tightened() -> None:
    folder = locations.data_dir()
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    code, out = _cli("iro", "list")
    assert code == 0, out
    assert _mode(folder) == 0o700
    assert "warning" not in out


def test_a_users_file_keeps_its_mode_with_a_warning(unit: Path) -> None:
    unit.chmod(0o644)
    code, out = _cli("--db", str(unit), "iro", "list")
    assert code == 0, out
    assert _mode(unit) == 0o644
    warnings = [line for line in out.splitlines() if line.startswith("warning:")]
    # SQLite gives its -wal and -shm the main file's mode: they hold records too.
    named = [f"warning: {unit}{side}: " for side in ("", "-wal", "-shm")]
    assert len(warnings) == 3, out
    assert all(w.startswith(n) and "0644" in w for w, n in zip(warnings, named, strict=True))


def test_a_new_file_is_private_and_quiet(tmp_path: Path) -> None:
    path = tmp_path / "new" / "deeper" / "unit.db"
    code, out = _cli("--db", str(path), "init")
    assert code == 0 and "warning" not in out, out
    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700 and _mode(path.parent.parent) == 0o700


def test_a_damaged_file_refuses_every_kind_of_write_and_reads_nothing_wrong(unit: Path) -> None:
    """Refused before anything is written, whatever the command: a visit, an import, the
    demo, a plain read."""
    backups = unit.parent / "backups"
    backups.mkdir(mode=0o700)
    good = backups / "unit-0004-20261101T090000Z.db"
    shutil.copy(unit, good)
    size = unit.stat().st_size
    with unit.open("r+b") as f:
        f.seek((size // 3) & ~4095)
        f.write(b"\x00" * 4096)
    before = unit.read_bytes()
    for args in (
        (
            "visit",
            "add",
            "NOBODY",
            "--date",
            "2026-11-20",
            "--location",
            "home",
            "--purpose",
            "other",
            "--seen-alone",
        ),
        ("duty", "assign", "2026-11-30", "Nobody"),
        ("demo", "--children", "20"),
        ("iro", "list"),
    ):
        code, out = _cli("--db", str(unit), *args)
        _assert_refused(code, out, unit, "damaged")
        assert f"the newest backup is {good}" in out
    assert unit.read_bytes() == before


def test_a_damaged_backup_is_not_offered_as_the_one_to_restore(unit: Path) -> None:
    backups = unit.parent / "backups"
    backups.mkdir(mode=0o700)
    older = backups / "unit-0003-20250101T090000Z.db"
    newer = backups / "unit-0004-20260101T090000Z.db"
    shutil.copy(unit, older)
    newer.write_bytes(unit.read_bytes()[:8192])  # cut short since
    os.utime(older, (1_700_000_000, 1_700_000_000))
    os.utime(newer, (1_700_000_100, 1_700_000_100))
    unit.write_bytes(unit.read_bytes()[: unit.stat().st_size // 3])
    code, out = _cli("--db", str(unit), "iro", "add", "Bea Example")
    _assert_refused(code, out, unit, "damaged")
    assert str(older) in out and str(newer) not in out
