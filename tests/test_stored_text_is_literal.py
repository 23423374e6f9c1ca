"""Stored text prints exactly as typed: brackets are not Rich markup, and control
characters never reach the terminal raw (the CLI side; the TUI is in tests/tui)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from iro_desk.cli import main
from iro_desk.db.engine import sqlite_url
from iro_desk.services.children import add_child, allocate, start_care
from iro_desk.services.context import open_desk
from iro_desk.services.duty import assign_duty, log_enquiry
from iro_desk.services.iros import add_iro
from iro_desk.services.visits import record_visit
from tests.builders import make_ctx

# What the probe found: "[/]" ends a style that was never opened (Rich raises), and
# "[sic]" or "[bold]x[/bold]" vanish as markup tags.
IRO = "Ada [bold]x[/bold]"
FIRST, LAST = "Amy [/]", "Stone [sic]"
VIEWS = "I was cross [child upset] [/] [bold]x[/bold] \x1b[2J"
SUMMARY = "Caller says [sic] [/] she left"
CALLER = "PC [Jones]"


@pytest.fixture
def run(tmp_path: Path):
    db = tmp_path / "unit.db"
    desk = open_desk(sqlite_url(db), make_ctx())
    with desk.write() as s:
        ada = add_iro(s, desk.ctx, IRO, username="ada")
        amy = add_child(
            s, desk.ctx, ref="C1", first_name=FIRST, last_name=LAST, dob=date(2015, 3, 1)
        )
        start_care(s, desk.ctx, amy, date(2026, 9, 1), legal_status="C2", placement="U1")
        allocate(s, desk.ctx, amy, ada, date(2026, 9, 1))
        record_visit(
            s, desk.ctx, amy, ada, visit_date=date(2026, 11, 2), location="placement",
            purpose="between_reviews", seen_alone=True, views=VIEWS,
        )  # fmt: skip
        assign_duty(s, desk.ctx, date(2026, 11, 27), IRO)
        log_enquiry(
            s, desk.ctx, taken_by=IRO, caller_name=CALLER, category="10A", child_ref="C1",
            summary=SUMMARY, follow_up_due=date(2026, 11, 28),
        )  # fmt: skip
    desk.engine.dispose()

    def invoke(*args: str) -> str:
        # Wide, so no column is cut short and the whole of each value shows.
        result = CliRunner().invoke(
            main, ["--db", str(db), "--user", "ada", *args], env={"COLUMNS": "250"}
        )
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            result.exception
        )
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.stdout  # no escape code reaches the terminal raw
        return result.stdout

    return invoke


def test_child_show_prints_names_and_views_literally(run) -> None:
    out = run("child", "show", "C1", "--as-of", "2026-11-27")
    assert f"{FIRST} {LAST}" in out
    assert IRO in out
    assert "I was cross [child upset] [/] [bold]x[/bold] \\x1b[2J" in out


def test_duty_today_prints_summary_and_names_literally(run) -> None:
    out = run("duty", "today", "--as-of", "2026-11-27")
    assert f"Duty 27 Nov 2026: {IRO}" in out
    assert SUMMARY in out
    assert f"{FIRST} {LAST}" in out


def test_iro_list_prints_names_literally(run) -> None:
    out = run("iro", "list")
    assert IRO in out


def test_caseload_prints_names_literally(run) -> None:
    out = run("caseload", "--iro", IRO, "--as-of", "2026-11-27")
    assert out.startswith(f"{IRO} as of 27 Nov 2026")
    assert f"{FIRST} {LAST}" in out
    out = run("caseload", "--all", "--as-of", "2026-11-27")
    assert f"{FIRST} {LAST}" in out
    assert f"{FIRST} {LAST}  {IRO}" in out  # piped: whole names, printed as text


def test_cli_refuses_a_reference_with_an_escape_code(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "u.db"), "child", "add", "C\x1b[2J"])
    assert result.exit_code == 2
    assert "error: REF: must not contain control characters (found \\x1b)" in result.stderr
