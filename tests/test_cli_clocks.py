"""The other clocks (IRO allocation, circulation) as the CLI shows them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from iro_desk.cli import main
from iro_desk.db.engine import sqlite_url
from iro_desk.services.children import add_child, allocate, start_care
from iro_desk.services.context import open_desk
from iro_desk.services.iros import add_iro
from iro_desk.services.meetings import record_review
from tests.conftest import make_ctx


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "unit.db"
    desk = open_desk(sqlite_url(path), make_ctx())
    with desk.write() as s:
        ada = add_iro(s, desk.ctx, "Ada Example", username="ada")
        amy = add_child(s, desk.ctx, ref="C1", first_name="Amy", dob=date(2015, 3, 1))
        # Looked after Tue 1 Sep 2026; allocated Wed 9 Sep (due Tue 8 Sep: late).
        start_care(s, desk.ctx, amy, date(2026, 9, 1), legal_status="C2", placement="U1")
        allocate(s, desk.ctx, amy, ada, date(2026, 9, 9))
    with desk.write() as s:
        # Reviewed Mon 28 Sep; nothing circulated: decisions due Mon 5 Oct, record Mon 26 Oct.
        record_review(s, desk.ctx, amy, date(2026, 9, 28), participation="PN1")
    desk.engine.dispose()
    return path


def _run(db: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--db", str(db), "--user", "ada", *args])
    return result.exit_code, result.stdout


def test_caseload_flags_what_is_late(db: Path) -> None:
    code, out = _run(db, "caseload", "--as-of", "2026-11-27")
    assert code == 0
    header, row = (line for line in out.splitlines() if "Late" in line or "C1" in line)
    assert header.rstrip().endswith("Late")
    assert row.rstrip().endswith("IRO,decisions,record")
    # On 2 October the decisions were not yet due: only the allocation was late.
    code, out = _run(db, "caseload", "--as-of", "2026-10-02")
    assert out.splitlines()[-1].rstrip().endswith("IRO")


def test_caseload_json_and_child_show(db: Path) -> None:
    code, out = _run(db, "caseload", "--as-of", "2026-11-27", "--json")
    (row,) = json.loads(out)
    assert (row["iro_allocation_due"], row["iro_allocated"], row["iro_allocation_late"]) == (
        "2026-09-08",
        "2026-09-09",
        True,
    )
    assert (row["decisions_due"], row["decisions_circulated"], row["decisions_late"]) == (
        "2026-10-05",
        None,
        True,
    )
    assert (row["record_due"], row["record_late"]) == ("2026-10-26", True)
    code, out = _run(db, "child", "show", "C1", "--as-of", "2026-11-27")
    assert code == 0
    assert "IRO allocated: due 08 Sep 2026, done 09 Sep 2026 (late)" in out
    assert "Decisions circulated: due 05 Oct 2026 (overdue)" in out
    assert "Record circulated: due 26 Oct 2026 (overdue)" in out
