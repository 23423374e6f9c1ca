"""The one set of deadline states: which state a deadline is in, and its colour."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

import iro_desk
from iro_desk.rules.deadline_states import (
    CLI_COLOURS,
    LOOKS,
    Deadline,
    cli_style,
    deadline_state,
    style_for,
)

wd = st.one_of(st.none(), st.integers(min_value=-400, max_value=400))
soon = st.integers(min_value=0, max_value=30)


@given(st.booleans(), wd, soon)
def test_overdue_first_then_soon_within_the_window(
    overdue: bool, wd_left: int | None, soon_wd: int
) -> None:
    state = deadline_state(overdue, wd_left, soon_wd)
    if overdue:
        assert state is Deadline.OVERDUE
    elif wd_left is not None and wd_left <= soon_wd:
        assert state is Deadline.SOON
    else:
        assert state is None


def test_the_cli_prints_red_amber_and_green() -> None:
    assert cli_style(Deadline.OVERDUE) == "bold red"
    assert cli_style(Deadline.SOON) == "yellow"
    assert cli_style(Deadline.DONE_LATE) == "yellow"
    assert cli_style(Deadline.ON_TIME) == "green"
    assert cli_style(None) == ""


@given(st.sampled_from(list(Deadline)), st.text(alphabet="0123456789abcdef#", min_size=1))
def test_a_theme_colour_replaces_the_terminal_colour(state: Deadline, colour: str) -> None:
    look = LOOKS[state]
    style = style_for(state, {look.colour: colour})
    assert style == (f"bold {colour}" if look.bold else colour)
    assert style_for(state, {}) == cli_style(state)


def test_every_state_has_its_class_in_the_stylesheet_with_the_same_colour() -> None:
    tcss = (Path(iro_desk.__file__).parent / "app.tcss").read_text(encoding="utf-8")
    for state, look in LOOKS.items():
        rule = re.search(rf"^\.{re.escape(state.value)} \{{([^}}]*)\}}", tcss, re.MULTILINE)
        assert rule is not None, state
        assert f"color: ${look.colour};" in rule.group(1)
        assert ("text-style: bold" in rule.group(1)) == look.bold
        assert look.colour in CLI_COLOURS
