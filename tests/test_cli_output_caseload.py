"""The caseload grid as printed: colours on the due cells only, stored text made safe."""

from __future__ import annotations

import io
import uuid
from datetime import date, timedelta

from rich.console import Console

from iro_desk.cli_output import AMBER_WD, print_caseload
from iro_desk.services.caseload import Caseload, CaseloadHeader, CaseloadRow

AS_OF = date(2026, 11, 27)


def _row(ref: str, name: str, due: date, wd_left: int) -> CaseloadRow:
    return CaseloadRow(
        child_id=uuid.uuid4(), ref=ref, name=name, dob=date(2015, 3, 1), iro="Ada Example",
        status="CLA", legal_status="C2", placement="U1", cp_category=None, last_review=None,
        next_review_due=due, next_review_kind="LAR", next_review_basis=None, wd_left=wd_left,
        overdue=wd_left < 0, last_visit=None, last_participation=None,
    )  # fmt: skip


ROWS = [
    _row("C1", "Late Child", AS_OF - timedelta(days=3), -2),
    _row("C2", "Soon Child", AS_OF + timedelta(days=7), AMBER_WD - 5),
    _row("C3", "Esc\x1b[2J Child", AS_OF + timedelta(days=90), AMBER_WD + 50),
    _row("C4", "Non\u00a0Break", AS_OF + timedelta(days=91), AMBER_WD + 51),
]
CASELOAD = Caseload(CaseloadHeader("Ada Example", AS_OF, 4, 0, 4, 1.0, 1), ROWS)


def _printed(terminal: bool) -> list[str]:
    buf = io.StringIO()
    console = Console(
        file=buf, width=100, force_terminal=terminal, color_system="standard" if terminal else None
    )
    print_caseload(console, CASELOAD, show_iro=False)
    return buf.getvalue().splitlines()


def _line_of(lines: list[str], ref: str) -> str:
    return next(line for line in lines if line.startswith(ref + " ") or f"m{ref} " in line)


def test_plain_grid_has_no_escape_codes_and_no_trailing_spaces() -> None:
    lines = _printed(terminal=False)
    assert not any("\x1b" in line or line != line.rstrip() for line in lines)
    assert "Esc\\x1b[2J Child" in _line_of(lines, "C3")  # escaped, as typed
    assert "Non\u00a0Break" in _line_of(lines, "C4")  # not a control character: unchanged
    for row in ROWS:
        line = _line_of(lines, row.ref)
        assert row.next_review_due is not None
        assert f"{row.next_review_due:%d %b %y}" in line
        assert line.split()[-2] == str(row.wd_left)  # WD, then "-" for no visit


def test_terminal_grid_colours_only_the_due_date_and_working_days() -> None:
    lines = _printed(terminal=True)
    late, soon, far = (_line_of(lines, ref) for ref in ("C1", "C2", "C3"))
    assert ROWS[0].next_review_due is not None and ROWS[1].next_review_due is not None
    assert f"\x1b[1;31m{ROWS[0].next_review_due:%d %b %y}\x1b[0m" in late  # bold red
    assert f"\x1b[1;31m{ROWS[0].wd_left:>2}\x1b[0m" in late
    assert f"\x1b[33m{ROWS[1].next_review_due:%d %b %y}\x1b[0m" in soon  # amber
    assert late.count("\x1b[0m") == 2 and soon.count("\x1b[0m") == 2
    assert "\x1b" not in far.replace("\\x1b", "")  # only the stored text's escaped ESC
    assert lines[3].startswith("\x1b[1mRef")  # the header in bold
