"""The 903 details the return needs beyond the desk's record: MOTHER and MC_DOB.

DfE rules 393 and 607 expect, for every looked-after young woman, whether she is a
mother and her child's date of birth. A 903 import fills them in; here they are
corrected (``services/child_details.update_903_details``), which also clears the
import's findings about them.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label, Static

from iro_desk.screens.base import FormModal
from iro_desk.screens.dialogs.confirm import leave_or_ask
from iro_desk.services.child_details import update_903_details
from iro_desk.services.display import literal
from iro_desk.widgets.form_kit import error_line


class Child903FormScreen(FormModal[bool]):
    """MOTHER and MC_DOB of one child, saved as one service call."""

    LABELS = {"mother": "MOTHER", "mc_dob": "MC_DOB"}
    SAVE_GROUP = "c903-save"

    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, ref: str, mother: bool | None, mc_dob: str) -> None:
        super().__init__()
        self.ref = ref
        self._start = {"mother": "" if mother is None else str(int(mother)), "mc_dob": mc_dob}

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Label(literal(f"903 details of {self.ref}"), classes="step-title")
            with Horizontal(classes="form-row"):
                yield Label("MOTHER", classes="form-label")
                yield Input(self._start["mother"], id="c903-mother", max_length=1)
            yield Static("1 a mother, 0 not, blank not known", classes="hint", markup=False)
            yield error_line("mother")
            with Horizontal(classes="form-row"):
                yield Label("MC_DOB", classes="form-label")
                yield Input(self._start["mc_dob"], id="c903-mc-dob", max_length=10)
            yield Static("her child's date of birth, or blank", classes="hint", markup=False)
            yield error_line("mc_dob")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Save (Ctrl+S)", id="save", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#c903-mother", Input).focus()

    def _values(self) -> dict[str, str]:
        return {
            "mother": self.query_one("#c903-mother", Input).value,
            "mc_dob": self.query_one("#c903-mc-dob", Input).value,
        }

    def action_save(self) -> None:
        job = partial(self.desk.save, update_903_details, self.ref, **self._values())
        self.save(job, self._done)

    def _done(self, _child: Any) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        changed = self._values() != self._start
        leave_or_ask(self, changed, "Discard these changes?", lambda: self.dismiss(False))
