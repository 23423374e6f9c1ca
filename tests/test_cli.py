"""The headless commands as a user types them: output, JSON, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.builders import cli_unit


def test_iro_add_and_list_json(run) -> None:
    cli_unit(run)
    code, out, _ = run("iro", "list", "--json")
    assert code == 0
    data = json.loads(out)
    assert [(d["name"], d["fte"], d["active"]) for d in data] == [
        ("Ada Example", 0.6, True),
        ("Bea Example", 1.0, True),
    ]


def test_bad_input_exits_2_with_one_line_per_problem(run) -> None:
    code, out, err = run("iro", "add", "", "--fte", "2")
    assert code == 2
    assert err.splitlines() == [
        "error: NAME: is required",
        "error: --fte: 2.0 must be more than 0 and at most 1.0",
    ]
    code, _, err = run("child", "add", "C9", "--nhs-number", "9434765918", "--dob", "2040-01-01")
    assert code == 2
    assert "error: --dob: 2040-01-01 is in the future" in err
    assert "error: --nhs-number:" in err
    assert "Traceback" not in err


def test_review_and_caseload_json(run) -> None:
    cli_unit(run)
    from iro_desk.db.engine import sqlite_url
    from iro_desk.services.children import allocate, child_by_ref, start_care
    from iro_desk.services.context import open_desk
    from iro_desk.services.iros import find_iro
    from tests.builders import make_ctx

    desk = open_desk(sqlite_url(run.db), make_ctx())
    with desk.write() as s:
        amy = child_by_ref(s, "C1")
        start_care(
            s,
            desk.ctx,
            amy,
            __import__("datetime").date(2026, 9, 1),
            legal_status="C2",
            placement="U1",
        )
        allocate(
            s, desk.ctx, amy, find_iro(s, "Ada Example"), __import__("datetime").date(2026, 9, 1)
        )
    desk.engine.dispose()

    code, out, err = run("review", "add", "C1", "--date", "2026-09-28", "--participation", "PN0")
    assert code == 2 and "rule 440" in err
    code, out, _ = run("review", "add", "C1", "--date", "2026-09-28", "--participation", "PN1")
    assert code == 0, out
    assert "Second LAR due 2026-12-28" in out
    code, out, _ = run(
        "visit", "add", "C1", "--date", "2026-11-02", "--location", "placement",
        "--purpose", "between_reviews", "--seen-alone", "--views", "Likes school",
    )  # fmt: skip
    assert code == 0

    code, out, _ = run("caseload", "--as-of", "2026-11-27", "--json")
    assert code == 0
    (row,) = json.loads(out)
    assert row["ref"] == "C1" and row["iro"] == "Ada Example"
    assert row["next_review_due"] == "2026-12-28"
    assert row["next_review_kind"] == "Second LAR"
    assert row["overdue"] is False
    assert row["last_review"] == "2026-09-28"
    assert row["last_visit"] == "2026-11-02"

    code, out, _ = run("caseload", "--iro", "Ada Example", "--as-of", "2026-11-27")
    assert code == 0
    assert "Ada Example" in out and "C1" in out and "28 Dec 26" in out
    assert "1 in all" in out and "0.6 FTE" in out

    code, out, _ = run("caseload", "--all", "--overdue", "--as-of", "2026-12-29", "--json")
    assert [r["ref"] for r in json.loads(out)] == ["C1"]

    code, out, _ = run("child", "show", "C1", "--json", "--as-of", "2026-11-27")
    data = json.loads(out)
    assert data["ref"] == "C1" and data["nhs_number"] == "9434765919"
    assert [m["participation"] for m in data["meetings"]] == ["PN1"]


def test_unknown_iro_and_user_not_an_iro(run) -> None:
    cli_unit(run)
    code, _, err = run("caseload", "--iro", "Nobody")
    assert code == 2 and err.startswith("error: --iro: no IRO called 'Nobody'")
    code, _, err = run("caseload", user="someone-else")
    assert code == 2 and "--iro" in err
    code, _, err = run("caseload", "--as-of", "31/02/2026")
    assert code == 2 and "Invalid value for '--as-of'" in err


def test_duty_assign_and_log(run) -> None:
    cli_unit(run)
    assert run("duty", "assign", "2026-11-27", "Ada Example", "--backup", "Bea Example")[0] == 0
    code, _, err = run("duty", "assign", "2026-11-30", "Ada Example", "--backup", "Ada Example")
    assert code == 2 and err.startswith("error: --backup: ")
    code, out, _ = run(
        "duty",
        "log",
        "--category",
        "10A",
        "--summary",
        "Missing overnight",
        "--child",
        "C1",
        "--follow-up",
        "2026-11-28",
    )
    assert code == 0, out
    code, out, _ = run("duty", "today", "--as-of", "2026-11-27", "--json")
    data = json.loads(out)
    assert data["duty"] == "Ada Example" and data["backup"] == "Bea Example"


def test_headless_commands_never_import_textual(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    code = (
        "import sys\n"
        "from iro_desk.cli import main\n"
        f"try:\n    main(['--db', {str(db)!r}, 'caseload', '--all'])\n"
        "except SystemExit:\n    pass\n"
        "print('textual' in sys.modules, 'alembic' in sys.modules)\n"
    )
    # First run creates the schema (Alembic is needed then) ...
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    # ... after that, neither Textual nor Alembic is imported by a headless command.
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.strip().splitlines()[-1] == "False False"


def test_report_prints_the_years_figures(run) -> None:
    cli_unit(run)
    code, out, err = run("report", "--year", "2025")
    assert code == 0, err
    assert "2025-26" in out
    code, out, _ = run("report", "--year", "2025", "--json")
    data = json.loads(out)
    assert data["year_start"] == 2025
    assert data["cla"] == 0  # nobody was looked after in that year in this unit


def test_visit_add_asks_for_seen_alone_and_purpose(run) -> None:
    """Statutory data is never filled in by a default: both must be said, either way."""
    cli_unit(run)
    from iro_desk.db.engine import sqlite_url
    from iro_desk.services.children import child_by_ref
    from iro_desk.services.context import open_desk
    from iro_desk.services.visits import visits_of
    from tests.builders import make_ctx

    code, _, err = run("visit", "add", "C1", "--date", "2026-11-02")
    assert code == 2
    assert err.splitlines() == [
        "error: --location: is required (placement, school, out_of_borough, office, home or other)",
        "error: --purpose: is required (before_review, between_reviews or other)",
        "error: --seen-alone: is required (--seen-alone or --not-seen-alone)",
    ]
    code, _, err = run(
        "visit", "add", "C1", "--date", "2026-11-02", "--location", "school",
        "--purpose", "before_review", "--not-seen-alone",
    )  # fmt: skip
    assert code == 0, err
    desk = open_desk(sqlite_url(run.db), make_ctx())
    with desk.read() as s:
        (visit,) = visits_of(s, child_by_ref(s, "C1").id)
    desk.engine.dispose()
    assert (visit.location, visit.purpose, visit.seen_alone) == ("school", "before_review", False)


def test_dates_typed_as_people_write_them(run) -> None:
    cli_unit(run)
    typed = {"30/11/2026": "2026-11-30", "1/12/26": "2026-12-01", "2 Dec 2026": "2026-12-02"}
    for text, day in typed.items():
        code, out, err = run("duty", "assign", text, "Ada Example")
        assert code == 0, err
        assert out.startswith(f"{day}: Ada Example on duty")
        code, out, _ = run("duty", "today", "--as-of", day, "--json")
        assert json.loads(out)["duty"] == "Ada Example"
    code, _, err = run("child", "add", "C9", "--dob", "31/11/2015")
    assert code == 2
    assert "'31/11/2015' is not a date: day 31: November 2015 has 30 days" in err
    assert "Traceback" not in err
