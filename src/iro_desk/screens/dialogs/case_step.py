"""The dialog for one step of an Issues Resolution case: escalate, resolve or refer."""

from __future__ import annotations

import uuid
from functools import partial
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import (
    Button,
    Input,
    Label,
    Static,
    TextArea,
)

from iro_desk.rules.codes import RESOLUTION_STAGES
from iro_desk.screens.base import FormModal
from iro_desk.screens.dialogs.confirm import leave_or_ask
from iro_desk.services.display import literal
from iro_desk.services.resolution import CaseDetail
from iro_desk.services.resolution_actions import take_step
from iro_desk.widgets.child_format import day
from iro_desk.widgets.form_kit import DATE_PLACEHOLDER, FIELD_LABELS, error_line, widget_value

LAST_STAGE = max(RESOLUTION_STAGES)

# --- one step of a case: escalate, resolve or refer ------------------------------------------

STEP_TITLES = {
    "escalate": "Escalate to {next}",
    "resolve": "Resolve the case",
    "cafcass": "Refer the case to Cafcass",
}


class CaseStepDialog(FormModal[bool]):
    LABELS = FIELD_LABELS
    """Escalate, resolve or refer a case to Cafcass: the fields each needs, then save."""

    FORM_ERROR = "error-step"

    HELP = """\
# A step in an Issues Resolution case

- **Escalate**: who holds the issue at the next stage, a note of why it is escalated and
  the date (today unless you change it).
- **Resolve**: the outcome (what was agreed or done) and the date.
- **Refer to Cafcass**: the reasons for the referral and the date.

Dates as 30/11/2026, 30 Nov 2026 or 2026-11-30. **Ctrl+S** saves, **Escape** cancels.
"""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="step_save"),
        Binding("escape", "cancel", "Cancel", id="step_cancel"),
    ]

    # What is typed is kept as a draft of this step of this case, offered back at start.
    DRAFT_KIND = "case_step"
    DRAFT_FIELDS = ("holder", "outcome", "note", "on")  # each step shows some of them

    def __init__(
        self, kind: str, detail: CaseDetail, restore: dict[str, Any] | None = None
    ) -> None:
        super().__init__()
        if kind not in STEP_TITLES:
            raise ValueError(f"no such step {kind!r}")
        self.kind = kind
        self.detail = detail
        self.restore = restore  # a draft left when the terminal closed
        self._start: dict[str, str] = {}

    def draft_key(self) -> str:
        return draft_key(self.detail.id, self.kind)

    def draft_state(self) -> dict[str, Any]:
        return {
            name: widget_value(widget)
            for name in self.DRAFT_FIELDS
            for widget in self.query(f"#{name}")
        }

    def compose(self) -> ComposeResult:
        current = self.detail.current
        next_label = RESOLUTION_STAGES.get(current.stage + 1, "") if current else ""
        # Scrolls when the reasons for a refusal make it taller than a small terminal.
        with VerticalScroll(classes="dialog"):
            yield Label(STEP_TITLES[self.kind].format(next=next_label), classes="step-title")
            if current is not None:
                yield Static(
                    literal(
                        f"Now at {current.label}"
                        + (f", held by {current.holder}" if current.holder else "")
                        + f" since {day(current.started)}"
                    ),
                    classes="muted",
                    markup=False,
                )
            if self.kind == "escalate":
                with Horizontal(classes="form-row"):
                    yield Label("Held by", classes="form-label")
                    yield Input(id="holder", placeholder="who holds it at the next stage")
                yield error_line("holder")
            text_id = "outcome" if self.kind == "resolve" else "note"
            yield Label(
                {"escalate": "Why it is escalated", "resolve": "Outcome", "cafcass": "Reasons"}[
                    self.kind
                ]
            )
            yield TextArea(id=text_id)
            yield error_line(text_id)
            with Horizontal(classes="form-row"):
                yield Label("Date", classes="form-label")
                yield Input(self.iro_app.today.isoformat(), id="on", placeholder=DATE_PLACEHOLDER)
            yield error_line("on")
            yield error_line("step")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Save (Ctrl+S)", id="save", variant="primary")

    def on_mount(self) -> None:
        self._start = self._values()
        blank = self.draft_state()
        if self.restore:
            self.fill_draft(self.restore)
        self.start_drafts(blank)
        first = self.query("#holder") or self.query(TextArea)
        first.first().focus()

    def _values(self) -> dict[str, str]:
        values = {"on": self.query_one("#on", Input).value}
        if self.query("#holder"):
            values["holder"] = self.query_one("#holder", Input).value
        for area in self.query(TextArea):
            values[area.id or ""] = area.text
        return values

    def action_save(self) -> None:
        values = self._values()
        on = self.typed_date("on", values["on"])
        if on is None:
            return
        job = partial(
            take_step,
            self.desk,
            case_id=self.detail.id,
            step=self.kind,
            on=on,
            holder=values.get("holder", ""),
            text=values["outcome" if self.kind == "resolve" else "note"],
        )
        self.save(job, self._done)

    def _done(self, message: str) -> None:
        self.notify(message)
        self.dismiss(True)

    def action_cancel(self) -> None:
        leave_or_ask(
            self,
            self._values() != self._start or self.unsaved,
            "Discard this step?",
            lambda: self.drop_draft_then(lambda: self.dismiss(None)),
        )


def draft_key(case_id: uuid.UUID, kind: str) -> str:
    """A step's draft: which case, which step ("<case id>:escalate")."""
    return f"{case_id}:{kind}"
