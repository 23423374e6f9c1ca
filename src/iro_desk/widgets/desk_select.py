"""The one dropdown of every form: the first ↓ lands on the first real option.

Textual's Select opens on its blank line (the prompt) when nothing is chosen yet, so the
first ↓ showed the list with nothing useful highlighted and a second ↓ was needed.
"""

from __future__ import annotations

from typing import TypeVar

from textual.widgets import OptionList, Select

T = TypeVar("T")


class DeskSelect(Select[T]):
    """A Select whose list, opened with nothing chosen, highlights the first option."""

    def action_show_overlay(self) -> None:
        super().action_show_overlay()
        if self.value is Select.NULL:
            options = self.query_one(OptionList)  # the list the dropdown shows
            # Line 0 is the blank (the prompt); line 1 is the first thing to choose.
            if options.option_count > 1:
                options.highlighted = 1
