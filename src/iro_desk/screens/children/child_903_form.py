"""The 903 details the return needs beyond the desk's record: MOTHER and MC_DOB.

DfE rules 393 and 607 expect, for every looked-after young woman, whether she is a
mother and her child's date of birth. A 903 import fills them in; here they are
corrected (``services/child_details.update_903_details``), which also clears the
import's findings about them.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label

from iro_desk.screens.base import DeskModal
from iro_desk.services.display import literal
from iro_desk.services.errors import InvalidInput


class Child903FormScreen(DeskModal[bool]):
    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "cancel", "Cancel"),
    ]
    DEFAULT_CSS = """
    Child903FormScreen { align: center middle; }
    Child903FormScreen > Vertical {
        width: 64; max-width: 95%; height: auto; border: thick $primary;
        background: $surface; padding: 1 2;
    }
    Child903FormScreen #c903-problems { color: $error; }
    """

    def __init__(self, ref: str, mother: bool | None, mc_dob: str) -> None:
        super().__init__()
        self.ref = ref
        self.mother = "" if mother is None else str(int(mother))
        self.mc_dob = mc_dob

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(literal(f"903 details of {self.ref}"))
            yield Label("MOTHER: 1 a mother, 0 not, blank not known")
            yield Input(self.mother, id="c903-mother", max_length=1)
            yield Label("MC_DOB: her child's date of birth (YYYY-MM-DD), or blank")
            yield Input(self.mc_dob, id="c903-mc-dob", max_length=10)
            yield Label("", id="c903-problems")

    def action_cancel(self) -> None:
        self.dismiss(False)

    def action_save(self) -> None:
        mother = self.query_one("#c903-mother", Input).value
        mc_dob = self.query_one("#c903-mc-dob", Input).value
        self._save(mother, mc_dob)

    @work(thread=True, exclusive=True, group="c903-save")
    def _save(self, mother: str, mc_dob: str) -> None:
        from iro_desk.services.child_details import update_903_details

        try:
            with self.desk.write() as session:
                update_903_details(session, self.desk.ctx, self.ref, mother=mother, mc_dob=mc_dob)
        except InvalidInput as exc:
            lines = "\n".join(str(p) for p in exc.problems)
            self.app.call_from_thread(self._problems, lines)
            return
        self.app.call_from_thread(self.dismiss, True)

    def _problems(self, text: str) -> None:
        self.query_one("#c903-problems", Label).update(literal(text))
