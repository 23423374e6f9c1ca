"""Nothing lost: backups are whole and checked, rotation keeps 7 daily and 4 weekly,
and a restore gives back every row of every table, keeping the replaced file aside.
"""

from __future__ import annotations

import shutil
import sqlite3
import stat
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from iro_desk.cli import main
from iro_desk.db import backups
from iro_desk.db.engine import sqlite_url
from iro_desk.services.context import open_desk
from iro_desk.services.demo import generate_demo
from tests.builders import make_ctx


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--user", "ada", *args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception  # a traceback is a failure of this test
    return result.exit_code, result.stdout + result.stderr


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(scope="module")
def unit_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
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


def dump(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order."""
    con = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {t: sorted(con.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}
    finally:
        con.close()


# --- backup and restore ------------------------------------------------------------------


def test_a_restore_gives_back_every_row_and_keeps_the_replaced_file(
    unit: Path, tmp_path: Path
) -> None:
    before = dump(unit)
    copy = tmp_path / "elsewhere" / "copy.db"
    code, out = _cli("--db", str(unit), "backup", str(copy))
    assert code == 0, out
    assert f"to {copy}" in out and "integrity_check ok" in out
    assert _mode(copy) == 0o600 and _mode(copy.parent) == 0o700
    assert dump(copy) == before

    con = sqlite3.connect(unit)
    child_ref = con.execute("SELECT ref FROM child ORDER BY ref LIMIT 1").fetchone()[0]
    con.close()
    assert _cli("--db", str(unit), "iro", "add", "Bea Example")[0] == 0
    assert _cli("--db", str(unit), "child", "edit", child_ref, "--notes", "changed")[0] == 0
    changed = dump(unit)
    assert changed != before

    code, out = _cli("--db", str(unit), "restore", str(copy))
    assert code == 0, out
    assert dump(unit) == before  # every table, row by row
    for table, rows in before.items():
        assert f"  {table}: {len(rows)} rows" in out
    aside = [p for p in unit.parent.iterdir() if p.name.startswith("unit.db.before-restore-")]
    main_aside = [p for p in aside if not p.name.endswith(("-wal", "-shm"))]
    assert len(main_aside) == 1 and f"kept as {main_aside[0]}" in out
    assert dump(main_aside[0]) == changed  # the replaced file, its recent writes included


def test_a_damaged_copy_is_refused_and_nothing_changes(unit: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    assert _cli("--db", str(unit), "backup", str(copy))[0] == 0
    data = bytearray(copy.read_bytes())
    data[len(data) // 2 : len(data) // 2 + 4096] = b"\x5a" * 4096
    copy.write_bytes(bytes(data))
    before = unit.read_bytes()

    code, out = _cli("--db", str(unit), "restore", str(copy))

    assert code == 1 and "Traceback" not in out, out
    errors = [line for line in out.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and str(copy) in errors[0] and "nothing was restored" in errors[0]
    assert unit.read_bytes() == before
    assert not [p for p in unit.parent.iterdir() if "before-restore" in p.name]


def test_another_programs_database_is_not_restored(unit: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE notes (body TEXT)")
    con.commit()
    con.close()
    code, out = _cli("--db", str(unit), "restore", str(other))
    assert code == 1, out
    assert f"error: {other}: is not an IRO Desk database" in out


def test_backup_never_replaces_a_file(unit: Path, tmp_path: Path) -> None:
    there = tmp_path / "there.db"
    there.write_text("mine")
    code, out = _cli("--db", str(unit), "backup", str(there))
    assert code == 2 and "already exists" in out, out
    assert there.read_text() == "mine"


def test_backup_without_a_path_goes_to_the_backups_folder(unit: Path) -> None:
    code, out = _cli("--db", str(unit), "backup")
    assert code == 0, out
    manual = list((unit.parent / "backups").glob("unit-manual-*.db"))
    assert len(manual) == 1 and _mode(manual[0]) == 0o600
    assert dump(manual[0]) == dump(unit)


def test_postgresql_is_left_to_the_servers_own_backups() -> None:
    code, out = _cli("--database-url", "postgresql://iro:secret@server.invalid/unit", "backup")
    assert code == 1, out
    lines = out.strip().splitlines()
    assert len(lines) == 1 and "server's own backups" in lines[0]
    assert "secret" not in out


# --- daily copies and rotation -----------------------------------------------------------


def test_the_first_start_of_each_day_takes_one_backup(
    unit: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = unit.parent / "backups"
    for _ in range(2):
        assert _cli("--db", str(unit), "iro", "list")[0] == 0
    daily = sorted(folder.glob("unit-daily-*.db"))
    assert [p.name[len("unit-daily-") :][:8] for p in daily] == ["20261127"]
    assert _mode(daily[0]) == 0o600 and _mode(folder) == 0o700
    monkeypatch.setenv("IRO_DESK_NOW", "2026-11-28T08:00:00+00:00")
    assert _cli("--db", str(unit), "iro", "list")[0] == 0
    assert len(list(folder.glob("unit-daily-*.db"))) == 2


def test_a_new_database_is_not_backed_up(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    assert _cli("--db", str(path), "iro", "list")[0] == 0
    assert not (tmp_path / "backups").exists()


def test_rotation_keeps_exactly_seven_daily_and_four_weekly(
    unit: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = date(2026, 10, 1)
    folder = unit.parent / "backups"
    folder.mkdir(mode=0o700)
    manual = folder / "unit-manual-20260901T090000Z.db"  # the user's own: never rotated
    shutil.copy(unit, manual)
    for n in range(40):
        day = start + timedelta(days=n)
        monkeypatch.setenv("IRO_DESK_NOW", f"{day.isoformat()}T08:00:00+00:00")
        assert backups.daily_backup(unit, None) is not None
        monkeypatch.setenv("IRO_DESK_NOW", f"{day.isoformat()}T17:00:00+00:00")
        assert backups.daily_backup(unit, None) is None  # one a day

    kept = [b.when.date() for b in backups.rotated_backups(unit)]
    last = start + timedelta(days=39)  # 2026-11-09, a Monday
    daily = [last - timedelta(days=n) for n in range(7)]
    # Older than those, the newest of each of four ISO weeks: Mon 2 Nov (its week's only
    # older day), then the Sundays before.
    weekly = [date(2026, 11, 2), date(2026, 11, 1), date(2026, 10, 25), date(2026, 10, 18)]
    assert sorted(kept) == sorted(daily + weekly)
    assert len({d.isocalendar()[:2] for d in weekly}) == 4
    assert manual.exists()


def test_a_copy_before_an_upgrade_counts_as_that_days_backup(unit: Path) -> None:
    folder = unit.parent / "backups"
    folder.mkdir(mode=0o700)
    shutil.copy(unit, folder / "unit-0003-20261127T080000Z.db")
    assert backups.daily_backup(unit, None) is None
    assert [b.label for b in backups.rotated_backups(unit)] == ["0003"]
