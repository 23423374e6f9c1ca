"""CLI tables: on an 80-column terminal they fit and shorten between words; piped, every
name is printed whole (for grep and other programs)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from iro_desk.cli import main
from iro_desk.cli_output import shorten
from iro_desk.db.engine import sqlite_url
from iro_desk.services.children import add_child, allocate, start_care
from iro_desk.services.context import open_desk
from iro_desk.services.duty import assign_duty, log_enquiry
from iro_desk.services.iros import add_iro
from tests.builders import make_ctx

IRO = "Bartholomew Fitzwilliam-Smythe"
CHILD = ("Maximilian Alexander", "Pumpernickel-Thistledown")
SUMMARY = "Caller worried about a missing fifteen year old seen near the station last night"
TODAY = "2026-11-27"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _unit(tmp_path: Path) -> Path:
    db = tmp_path / "unit.db"
    desk = open_desk(sqlite_url(db), make_ctx())
    with desk.write() as s:
        iro = add_iro(s, desk.ctx, IRO, fte=1.0)
        child = add_child(
            s, desk.ctx, ref="C1", first_name=CHILD[0], last_name=CHILD[1], dob=date(2012, 5, 1)
        )
        start_care(s, desk.ctx, child, date(2026, 9, 1), legal_status="C2", placement="U1")
        allocate(s, desk.ctx, child, iro, date(2026, 9, 1))
        assign_duty(s, desk.ctx, date(2026, 11, 27), IRO)
        log_enquiry(
            s, desk.ctx, taken_by=IRO, caller_name="A teacher", category="10A", child_ref="C1",
            summary=SUMMARY, follow_up_due=date(2026, 11, 30),
        )  # fmt: skip
    desk.engine.dispose()
    return db


def _cli(db: Path, *args: str, terminal: bool) -> list[str]:
    env = {"COLUMNS": "80", "FORCE_COLOR": "1" if terminal else None, "NO_COLOR": None}
    result = CliRunner().invoke(main, ["--db", str(db), "--user", IRO, *args], env=env)
    assert result.exit_code == 0, result.output
    return ANSI.sub("", result.stdout).splitlines()


def test_tables_fit_80_columns_on_a_terminal_and_keep_whole_names_when_piped(
    tmp_path: Path,
) -> None:
    db = _unit(tmp_path)
    for args in (("caseload", "--all", "--as-of", TODAY), ("duty", "today", "--as-of", TODAY)):
        shown = _cli(db, *args, terminal=True)
        assert max(len(line) for line in shown) <= 80, "\n".join(shown)
        words = {w for line in shown for w in line.split()}
        # Shortened between words: any cut word is a whole word or an initial.
        for part in (*CHILD[0].split(), *CHILD[1].split(), *IRO.split(), *SUMMARY.split()):
            cut = {w.rstrip("….") for w in words if part.startswith(w.rstrip("….")) and w[:1]}
            assert cut <= {part, part[:1], ""}, (part, cut)
    piped = "\n".join(_cli(db, "caseload", "--all", "--as-of", TODAY, terminal=False))
    assert f"{CHILD[0]} {CHILD[1]}" in piped and IRO in piped
    piped = "\n".join(_cli(db, "duty", "today", "--as-of", TODAY, terminal=False))
    assert SUMMARY in piped


WORDS = st.lists(st.text("abcdefghij", min_size=1, max_size=12), min_size=1, max_size=6)


@given(WORDS, st.integers(2, 40), st.booleans())
def test_shorten_fits_and_cuts_only_between_words(words: list[str], width: int, person: bool):
    text = " ".join(words)
    short = shorten(text, width, person=person)
    assert len(short) <= width
    if short == text or (person and short == f"{words[0]} {words[-1][:1]}."):
        return
    kept = short.removesuffix("…").split(" ")
    if len(kept) == 1 and short.endswith("…") and len(words[0]) >= width:
        assert text.startswith(kept[0])  # a first word longer than the column
        return
    for got, word in zip(kept, words, strict=False):
        assert got in (word, f"{word[:1]}.")
