"""Nobody in who should not be: the data folder is 0700 and every file holding records
(database, -wal, -shm, backups) 0600; anything looser gets a ``warning:`` line naming
the file and its mode, and the program leaves the mode as the user set it.
"""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from iro_desk.cli import main
from iro_desk.db.engine import sqlite_url
from iro_desk.services.context import open_desk
from tests.builders import make_ctx


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--user", "ada", *args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout + result.stderr


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _warnings(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("warning:")]


@pytest.fixture
def unit(tmp_path: Path) -> Path:
    """A private database with a row, its folder 0700, and today's private backup (the
    first start of the day on an existing file makes it)."""
    folder = tmp_path / "data"
    folder.mkdir(mode=0o700)
    path = folder / "unit.db"
    desk = open_desk(sqlite_url(path), make_ctx())
    desk.engine.dispose()
    assert _cli("--db", str(path), "iro", "add", "Ada Example")[0] == 0
    assert len(_today(path)) == 1
    return path


def _today(path: Path) -> list[Path]:
    return list((path.parent / "backups").glob("unit-daily-20261127T*.db"))


def test_a_private_unit_is_quiet(unit: Path) -> None:
    code, out = _cli("--db", str(unit), "iro", "list")
    assert code == 0 and _warnings(out) == [], out
    made = _today(unit)
    assert len(made) == 1 and _mode(made[0]) == 0o600  # today's copy is private too
    assert _mode(made[0].parent) == 0o700


@pytest.mark.parametrize("side", ["-wal", "-shm"])
def test_a_readable_wal_or_shm_is_named(unit: Path, side: str) -> None:
    extra = unit.with_name(unit.name + side)
    # Someone else has the database open (as the TUI may): a command's closing cannot
    # checkpoint the side files away, so the WAL keeps the last command's write.
    reader = sqlite3.connect(unit, isolation_level=None)
    try:
        reader.execute("SELECT count(*) FROM sqlite_master").fetchall()
        assert _cli("--db", str(unit), "iro", "add", "Bea Example")[0] == 0
        extra.chmod(0o644)
        code, out = _cli("--db", str(unit), "iro", "list")
        assert _mode(extra) == 0o644  # reported, never changed
    finally:
        reader.close()
    assert code == 0, out
    warnings = _warnings(out)
    assert len(warnings) == 1 and warnings[0].startswith(f"warning: {extra}: "), out
    assert "0644" in warnings[0] and f"chmod 600 {extra}" in warnings[0]


def test_a_readable_backup_is_named(unit: Path) -> None:
    (backup,) = _today(unit)
    backup.chmod(0o640)
    code, out = _cli("--db", str(unit), "iro", "list")
    warnings = _warnings(out)
    assert code == 0 and len(warnings) == 1, out
    assert warnings[0].startswith(f"warning: {backup}: the backup is mode 0640")


def test_an_open_backups_folder_is_named(unit: Path) -> None:
    folder = unit.parent / "backups"
    folder.chmod(0o755)
    code, out = _cli("--db", str(unit), "iro", "list")
    warnings = _warnings(out)
    assert code == 0 and len(warnings) == 1, out
    assert warnings[0].startswith(f"warning: {folder}: the backups folder is mode 0755")
    assert "chmod 700" in warnings[0]


def test_an_open_data_folder_is_named(unit: Path) -> None:
    unit.parent.chmod(0o755)
    code, out = _cli("--db", str(unit), "iro", "list")
    warnings = _warnings(out)
    assert code == 0 and len(warnings) == 1, out
    assert warnings[0].startswith(f"warning: {unit.parent}: the folder is mode 0755")


def test_a_new_backups_folder_and_copy_are_private(tmp_path: Path) -> None:
    path = tmp_path / "unit.db"
    assert _cli("--db", str(path), "iro", "add", "Ada Example")[0] == 0
    code, out = _cli("--db", str(path), "backup")
    assert code == 0, out
    folder = tmp_path / "backups"
    assert _mode(folder) == 0o700
    assert [_mode(p) for p in folder.iterdir()] == [0o600] * len(list(folder.iterdir()))


def test_exported_files_are_private(unit: Path, tmp_path: Path) -> None:
    out_dir = tmp_path / "export"
    code, out = _cli("--db", str(unit), "export", "903", str(out_dir), "--year", "2025")
    assert code == 0, out
    assert _mode(out_dir) == 0o700
    files = list(out_dir.iterdir())
    assert files and all(_mode(p) == 0o600 for p in files)


@pytest.mark.parametrize("fmt", ["text", "md", "html", "json", "csv"])
def test_a_report_written_to_a_file_is_private(unit: Path, tmp_path: Path, fmt: str) -> None:
    """The annual report names the unit's IROs: whatever the umask, only the user reads it,
    and an older file of the same name does not keep its wider mode."""
    target = tmp_path / ("tables" if fmt == "csv" else f"report.{fmt}")
    if fmt != "csv":
        target.write_text("an older report")
        target.chmod(0o644)
    code, out = _cli(
        "--db", str(unit), "report", "--year", "2025", "--format", fmt, "--output", str(target)
    )
    assert code == 0, out
    files = list(target.iterdir()) if fmt == "csv" else [target]
    assert files and all(_mode(p) == 0o600 for p in files)
    assert "an older report" not in files[0].read_text()
    if fmt == "csv":
        assert _mode(target) == 0o700
