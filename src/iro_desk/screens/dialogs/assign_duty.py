"""The dialog that assigns the duty IRO and the back-up for one day."""

from __future__ import annotations

from functools import partial
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, Select, Static

from iro_desk.screens.base import FormModal
from iro_desk.screens.dialogs.confirm import leave_or_ask
from iro_desk.services.display import literal
from iro_desk.services.duty import DutyDay
from iro_desk.services.rota_actions import assign_day
from iro_desk.widgets.child_format import rota_day
from iro_desk.widgets.desk_select import DeskSelect
from iro_desk.widgets.form_kit import error_line, set_error


class AssignDutyDialog(FormModal[bool]):
    """Choose the duty IRO and an optional back-up for one day; saves on Ctrl+S."""

    HELP = """\
# Assign duty

Choose who is on duty on this day and, if there is one, the back-up. Only active IROs
are listed; one person cannot be both.

`Ctrl+S` saves, `Escape` cancels (asking first if you changed anything).
"""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="save", priority=True),
        Binding("escape", "cancel", "Cancel", id="cancel"),
    ]

    def __init__(self, day: DutyDay, iros: list[str]) -> None:
        super().__init__()
        self.day = day
        self.iros = iros

    def _initial(self, name: str | None) -> Any:
        return name if name in self.iros else Select.NULL

    def compose(self) -> ComposeResult:
        options = [(literal(name, multiline=False), name) for name in self.iros]
        with Vertical(classes="dialog"):
            yield Label(f"Duty on {rota_day(self.day.day)}", classes="screen-title")
            with Horizontal(classes="form-row"):
                yield Label("Duty IRO", classes="form-label")
                yield DeskSelect(
                    options,
                    prompt="Choose the duty IRO",
                    value=self._initial(self.day.duty),
                    id="duty_iro",
                )
            yield error_line("duty_iro")
            with Horizontal(classes="form-row"):
                yield Label("Back-up", classes="form-label")
                yield DeskSelect(
                    options,
                    prompt="No back-up",
                    value=self._initial(self.day.backup),
                    id="backup_iro",
                )
            yield error_line("backup_iro")
            with Horizontal(id="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Save (Ctrl+S)", id="save", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#duty_iro", Select).focus()

    def _chosen(self, field: str) -> str | None:
        value = self.query_one(f"#{field}", Select).value
        return value if isinstance(value, str) else None

    @property
    def is_dirty(self) -> bool:
        before = tuple(n if n in self.iros else None for n in (self.day.duty, self.day.backup))
        return (self._chosen("duty_iro"), self._chosen("backup_iro")) != before

    def _set_error(self, field: str, reason: str) -> None:
        set_error(self.query_one(f"#error-{field}", Static), reason)

    @on(Select.Changed)
    def _changed(self) -> None:
        duty, backup = self._chosen("duty_iro"), self._chosen("backup_iro")
        self._set_error("duty_iro", "")
        if duty is not None and duty == backup:
            self._set_error("backup_iro", f"{duty} cannot be both duty and back-up")
        else:
            self._set_error("backup_iro", "")

    def action_save(self) -> None:
        if self.busy:
            return
        duty, backup = self._chosen("duty_iro"), self._chosen("backup_iro")
        if duty is None:
            self._set_error("duty_iro", "is required: choose who is on duty")
            self.query_one("#duty_iro", Select).focus()
            return
        job = partial(assign_day, self.desk, day=self.day.day, duty=duty, backup=backup)
        self.save(job, lambda _none: self._saved(duty, backup))

    def _saved(self, duty: str, backup: str | None) -> None:
        extra = f", {backup} back-up" if backup else ", no back-up"
        self.notify(f"{rota_day(self.day.day)}: {duty} on duty{extra}.", title="Rota")
        self.dismiss(True)

    def action_cancel(self) -> None:
        leave_or_ask(
            self, self.is_dirty, "Discard this change to the rota?", lambda: self.dismiss(False)
        )
