"""The form that raises a new Issues Resolution case for a child."""

from __future__ import annotations

import uuid
from functools import partial
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import (
    Button,
    Input,
    Label,
    Select,
    Static,
    TextArea,
)

from iro_desk.rules.codes import RESOLUTION_STAGES
from iro_desk.screens.base import FormModal
from iro_desk.screens.dialogs.confirm import leave_or_ask
from iro_desk.services.compliance_actions import escalate_form
from iro_desk.services.display import literal
from iro_desk.services.errors import InvalidInput, Problem
from iro_desk.services.resolution_actions import raise_new_case, raising_for
from iro_desk.widgets.desk_select import DeskSelect
from iro_desk.widgets.form_kit import DATE_PLACEHOLDER, FIELD_LABELS, error_line

# --- raise a new case ---------------------------------------------------------------------------


class RaiseCaseScreen(FormModal[uuid.UUID | None]):
    LABELS = FIELD_LABELS
    """Raise an Issues Resolution case for a child; opens the new case when saved."""

    FORM_ERROR = "error-raise"

    HELP = """\
# Raise an Issues Resolution case

Record an issue the IRO is taking through the Issues Resolution process for this child.

- **Issue**: what is wrong and what the IRO wants done.
- **Starting stage**: informal (an IRO case note with the social worker or Team Manager)
  or a formal stage 1-4. A formal stage needs **who holds it**.
- **Date raised**: 30/11/2026 (or 30 Nov 2026, 2026-11-30), today unless you change it.

**Ctrl+S** saves and opens the case; **Escape** cancels.
"""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="raise_save"),
        Binding("escape", "cancel", "Cancel", id="raise_cancel"),
    ]

    DRAFT_KIND = "raise_case"
    DRAFT_FIELDS = ("issue", "stage", "holder", "raised")

    def __init__(
        self,
        child_ref: str,
        restore: dict[str, Any] | None = None,
        *,
        from_form: uuid.UUID | None = None,
        issue: str = "",
        holder: str = "",
        answers: dict[str, tuple[str, str]] | None = None,
    ) -> None:
        super().__init__()
        self.child_ref = child_ref
        self.restore = restore  # a draft left when the terminal closed
        # Escalating a compliance form: its concerns written out as the issue, to edit,
        # and its unsaved answers, saved with the case.
        self.from_form = from_form
        self.prefill = {"issue": issue, "holder": holder}
        self.answers = answers or {}
        self.iro_name: str | None = None
        self._start: dict[str, Any] = {}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(
                f"Raise an Issues Resolution case · {self.child_ref}",
                id="raise-title",
                classes="step-title",
            )
            yield Static("", id="raise-who", classes="muted", markup=False)
            with VerticalScroll():
                yield Label("Issue")
                yield TextArea(id="issue")
                yield error_line("issue")
                with Horizontal(classes="form-row"):
                    yield Label("Starting stage", classes="form-label")
                    yield DeskSelect[int](
                        [(label, stage) for stage, label in RESOLUTION_STAGES.items()],
                        id="stage",
                        value=min(RESOLUTION_STAGES),
                        allow_blank=False,
                    )
                yield error_line("stage")
                with Horizontal(classes="form-row"):
                    yield Label("Held by", classes="form-label")
                    yield Input(id="holder", placeholder="needed at stages 1-4")
                yield error_line("holder")
                with Horizontal(classes="form-row"):
                    yield Label("Date raised", classes="form-label")
                    yield Input(
                        self.iro_app.today.isoformat(), id="raised", placeholder=DATE_PLACEHOLDER
                    )
                yield error_line("raised")
                for field in ("child_ref", "iro_name", "raise"):
                    yield error_line(field)
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Raise case (Ctrl+S)", id="save", variant="primary")

    def draft_key(self) -> str:
        return self.child_ref

    def on_mount(self) -> None:
        if self.from_form is not None:
            self.query_one("#stage", Select).value = 1  # a form's concerns start formally
            self.fill_draft(self.prefill)
        self._start = self._values()
        blank = self.draft_state()
        if self.restore:
            self.fill_draft(self.restore)
        if self.from_form is None:  # a form's escalation is kept by the form itself
            self.start_drafts(blank)
        self.query_one("#issue", TextArea).focus()
        self.load()

    @work(thread=True, exclusive=True, group="raise-load")
    def load(self) -> None:
        try:
            name, iro = raising_for(
                self.desk, child_ref=self.child_ref, me=self.iro_app.me, today=self.iro_app.today
            )
        except InvalidInput as exc:
            self.app.call_from_thread(self.show_problems, exc.problems)
            return
        self.app.call_from_thread(self._show, name, iro)

    def _show(self, name: str, iro: str | None) -> None:
        self.iro_name = iro
        self.query_one("#raise-title", Label).update(
            literal(f"Raise an Issues Resolution case · {name} ({self.child_ref})")
        )
        self.query_one("#raise-who", Static).update(
            literal(
                f"Raised by {iro}" if iro else "No IRO: you are not an IRO and none is allocated"
            )
        )

    def _values(self) -> dict[str, Any]:
        return {
            "issue": self.query_one("#issue", TextArea).text,
            "stage": self.query_one("#stage", Select).value,
            "holder": self.query_one("#holder", Input).value,
            "raised": self.query_one("#raised", Input).value,
        }

    def action_save(self) -> None:
        values = self._values()
        raised = self.typed_date("raised", values["raised"])
        if raised is None:
            return
        stage = values["stage"]
        if stage is Select.NULL:
            self.show_problems([Problem("stage", "choose the starting stage")])
            return
        if self.from_form is not None:
            escalate = partial(
                escalate_form,
                self.desk,
                form_id=self.from_form,
                answers=self.answers,
                holder=values["holder"].strip() or None,
                raised=raised,
                issue=values["issue"],
                stage=int(stage),
            )
            label = RESOLUTION_STAGES[int(stage)]
            self.save(escalate, lambda done: self._done(label, done[1]))
            return
        job = partial(
            raise_new_case,
            self.desk,
            child_ref=self.child_ref,
            iro_name=self.iro_name or "",
            issue=values["issue"],
            raised=raised,
            stage=int(stage),
            holder=values["holder"],
        )
        self.save(job, partial(self._done, RESOLUTION_STAGES[int(stage)]))

    def _done(self, stage_label: str, case_id: uuid.UUID) -> None:
        self.notify(f"Issues Resolution case raised at {stage_label}.")
        self.dismiss(case_id)
        self.iro_app.open_case(case_id)

    def action_cancel(self) -> None:
        leave_or_ask(
            self,
            self._values() != self._start or self.unsaved,
            "Discard this new case?",
            lambda: self.drop_draft_then(lambda: self.dismiss(None)),
        )
