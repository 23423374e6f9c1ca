"""The installed ``iro-desk`` entry point: the same CLI, started without the garbage collector."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_installed_command_is_the_startup_entry_point() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["iro-desk"] == "iro_desk.startup:main"


def test_entry_point_runs_the_cli_without_gc_then_collection_resumes(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    code = (
        "import gc, sys\n"
        "from iro_desk import startup\n"
        "startup.GC_PAUSE_SECONDS = 600  # the test, not the timer, says when start-up ends\n"
        f"sys.argv = ['iro-desk', '--db', {str(db)!r}, 'caseload', '--all', '--json']\n"
        "try:\n    startup.main()\n"
        "except SystemExit as exc:\n    print('exit', exc.code)\n"
        "print('collecting', gc.isenabled())\n"
        "startup.resume_gc()\n"
        "print('collecting', gc.isenabled(), 'frozen', gc.get_freeze_count() > 0)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    # The command's own output (an empty caseload as JSON) comes first, then the probes.
    assert out.stdout.strip().splitlines() == [
        "[]",
        "exit 0",
        "collecting False",
        "collecting True frozen True",
    ]
