"""A small question over the caseload: whose caseload to show.

The caller loads the IRO names (in a worker, through the services) and hands them in,
so this needs no database. The answer is the chosen name, ALL_CHILDREN, or None if the
question was cancelled.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from iro_desk.services.display import literal

ALL_CHILDREN = "\x00all"  # can never be an IRO's name (names reject NUL characters)


class IroPickerDialog(ModalScreen[str | None]):
    HELP = """\
# Choose an IRO

Pick the Independent Reviewing Officer whose caseload you want to see, or
**All children** for every child looked after or on a child protection plan.
Up/Down move, Enter chooses, Escape cancels.
"""
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="picker_cancel")]

    def __init__(
        self,
        names: list[str],
        *,
        current: str | None = None,
        prompt: str = "Whose caseload?",
        allow_all: bool = True,
    ) -> None:
        super().__init__()
        self.choices = [(name, name) for name in names]
        if allow_all:
            self.choices.append(("All children in the unit", ALL_CHILDREN))
        self.current = current
        self.prompt = prompt

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.prompt)
            yield OptionList(
                *[
                    Option(literal(label, multiline=False), id=str(i))
                    for i, (label, _value) in enumerate(self.choices)
                ],
                id="picker-iro",
            )

    def on_mount(self) -> None:
        options = self.query_one("#picker-iro", OptionList)
        values = [value for _label, value in self.choices]
        if self.current in values:
            options.highlighted = values.index(self.current)
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[event.option_index][1])

    def action_cancel(self) -> None:
        self.dismiss(None)
