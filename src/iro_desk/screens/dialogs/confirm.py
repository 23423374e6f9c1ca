"""A yes/no question before anything is discarded."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Label

from iro_desk.services.display import literal


class ConfirmDialog(ModalScreen[bool]):
    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n", "answer(False)", "No"),
        Binding("escape", "answer(False)", "No", show=False),
    ]

    def __init__(self, question: str, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.question, self.yes, self.no = question, yes, no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -warning"):
            yield Label(literal(self.question))  # questions name people and children
            with Horizontal():
                yield Button(f"{self.no} (n)", id="no")
                yield Button(f"{self.yes} (y)", id="yes", variant="warning")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


def leave_or_ask(
    screen: Screen[Any], changed: bool, question: str, leave: Callable[[], object]
) -> None:
    """Leave a form at once when nothing was typed into it; otherwise ask first."""
    if not changed:
        leave()
        return

    def answer(discard: bool | None) -> None:
        if discard:
            leave()

    screen.app.push_screen(ConfirmDialog(question, yes="Discard", no="Keep editing"), answer)
