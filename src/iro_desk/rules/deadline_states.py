"""The one set of deadline states and their colours, for every screen and the CLI.

A deadline is overdue, due soon, done late or done on time (or none of these: not
yet due soon, and shown plainly). Each state names one colour of the theme; the TUI
resolves that name through the app's theme variables (and app.tcss has a class per
state), the CLI through ``CLI_COLOURS``, so both say the same thing in the same colour.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class Deadline(StrEnum):
    """A deadline's state; the value is also its class in app.tcss (``.overdue``)."""

    OVERDUE = "overdue"
    SOON = "soon"
    DONE_LATE = "done-late"
    ON_TIME = "on-time"


@dataclass(frozen=True)
class Look:
    colour: str  # a theme variable's name (error, warning, success)
    bold: bool = False


LOOKS: dict[Deadline, Look] = {
    Deadline.OVERDUE: Look("error", bold=True),
    Deadline.SOON: Look("warning"),
    Deadline.DONE_LATE: Look("warning"),
    Deadline.ON_TIME: Look("success"),
}

# The terminal colour the CLI prints for each theme colour (the TUI uses the theme's).
CLI_COLOURS: dict[str, str] = {"error": "red", "warning": "yellow", "success": "green"}


def deadline_state(overdue: bool, wd_left: int | None, soon_wd: int) -> Deadline | None:
    """Overdue, or soon when due within ``soon_wd`` working days; otherwise no state."""
    if overdue:
        return Deadline.OVERDUE
    if wd_left is not None and wd_left <= soon_wd:
        return Deadline.SOON
    return None


def style_for(state: Deadline | None, colours: Mapping[str, str]) -> str:
    """The Rich style for ``state``, its colour looked up in ``colours`` ("" for none)."""
    if state is None:
        return ""
    look = LOOKS[state]
    colour = colours.get(look.colour, CLI_COLOURS[look.colour])
    return f"bold {colour}" if look.bold else colour


def cli_style(state: Deadline | None) -> str:
    """The CLI's Rich style for ``state`` (``bold red`` when overdue)."""
    return style_for(state, CLI_COLOURS)
