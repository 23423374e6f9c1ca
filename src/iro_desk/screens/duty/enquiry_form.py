"""Log a safeguarding enquiry taken on duty: who called, about whom, what was said and done."""

from __future__ import annotations

from datetime import date, datetime
from functools import partial
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Header, Input, Label, Select, Static, TextArea

from iro_desk import clock
from iro_desk.rules.codes import ENQUIRY_CATEGORIES
from iro_desk.rules.typed_dates import TypedDateError, parse_typed_time
from iro_desk.screens.base import DeskScreen
from iro_desk.screens.dialogs.confirm import leave_or_ask
from iro_desk.services.display import literal
from iro_desk.services.enquiry_actions import log_new_enquiry
from iro_desk.services.errors import InvalidInput, Problem
from iro_desk.services.validate import parse_date
from iro_desk.widgets.child_picker import ChildPicker
from iro_desk.widgets.desk_footer import DeskFooter
from iro_desk.widgets.desk_select import DeskSelect
from iro_desk.widgets.form_kit import (
    DATE_MAX_LENGTH,
    DATE_PLACEHOLDER,
    DATE_TIME_MAX_LENGTH,
    DATE_TIME_PLACEHOLDER,
    FormKit,
    error_line,
    set_error,
)

__all__ = ["EnquiryFormScreen", "parse_received"]

RECEIVED_FORMAT = "%Y-%m-%d %H:%M"
TEXT_INPUTS = ("received_at", "caller_name", "caller_role", "caller_agency", "subject")
# Every field a problem can name that has a place on the form (else it is notified).
FIELDS = (*TEXT_INPUTS, "category", "child_ref", "summary", "action", "follow_up_due")


def parse_received(value: str) -> datetime:
    """A date and time typed in the unit's local time (``30/11/2026 23:30``), as UTC."""
    text = value.strip()
    if not text:
        raise InvalidInput.one("received_at", "is required")
    try:
        return clock.from_local(parse_typed_time(text))
    except TypedDateError as exc:
        raise InvalidInput.one("received_at", str(exc)) from None


def long_day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


class EnquiryFormScreen(FormKit, DeskScreen):
    HELP = """\
# Log a safeguarding enquiry

Record a call or message taken on duty, while it is fresh.

- **Received** is filled in with the time the form was opened; change it if the
  call came in earlier (`30/11/2026 14:05`, `30 Nov 2026 14:05` or `2026-11-30 14:05`,
  in local time).
- **Caller**, **role** and **agency**: who rang, e.g. *J. Smith*, *social worker*, *police*.
- **Category**: the CIN census factor or local category (type to jump in the list).
- **Child**: type part of a name or the reference, press ↓ to reach the matches and Enter
  to choose one. When the child is not known, say who it is about in **Or who**.
- **Summary** (required) and **Action taken**; a **Follow-up due** date (`30/11/2026`,
  `30 Nov 2026`...) puts it on the duty desk's follow-up list.

`Ctrl+S` saves. `Escape` leaves; if anything was typed you are asked first.
Problems are shown in red under the field they are about; nothing is saved until all are fixed.
"""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="save", priority=True),
        Binding("escape", "cancel", "Cancel", id="cancel"),
    ]

    DRAFT_KIND = "enquiry"
    REQUIRED = ("category", "summary")
    DRAFT_FIELDS = (*TEXT_INPUTS, "category", "summary", "action", "follow_up_due")

    def __init__(self, restore: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.restore = restore  # a draft left when the terminal closed
        self._initial: dict[str, object] = {}

    # --- layout ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        now = clock.local(self.desk.ctx.now())
        yield Header(show_clock=False)
        yield Static("New safeguarding enquiry", classes="screen-title")
        with VerticalScroll(id="form"):
            yield Static(literal(self._taken_by_text()), id="taken-by", classes="muted")
            yield from self._row(
                "Received",
                "received_at",
                Input(
                    now.strftime(RECEIVED_FORMAT),
                    placeholder=DATE_TIME_PLACEHOLDER,
                    max_length=DATE_TIME_MAX_LENGTH,
                    classes="date",
                ),
            )
            yield from self._row(
                "Caller", "caller_name", Input(placeholder="who rang", max_length=100)
            )
            with Horizontal(classes="form-row"):
                yield Label("Role, agency", classes="form-label")
                yield Input(
                    placeholder="role, e.g. social worker", max_length=100, id="caller_role"
                )
                yield Input(placeholder="agency, e.g. police", max_length=100, id="caller_agency")
            yield error_line("caller_role")
            yield error_line("caller_agency")
            options = [(f"{code} {label}", code) for code, label in ENQUIRY_CATEGORIES.items()]
            yield from self._row("Category", "category", DeskSelect(options, prompt="Choose"))
            yield from self._row("Child", "child_ref", ChildPicker())
            yield from self._row(
                "Or who (unknown)",
                "subject",
                Input(placeholder="who it is about, if not a known child", max_length=200),
            )
            yield from self._row("Summary", "summary", TextArea())
            yield from self._row("Action taken", "action", TextArea())
            yield from self._row(
                "Follow-up due",
                "follow_up_due",
                Input(placeholder=DATE_PLACEHOLDER, max_length=DATE_MAX_LENGTH, classes="date"),
            )
            with Horizontal(id="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Save (Ctrl+S)", id="save", variant="primary")
        yield DeskFooter()

    def _row(self, label: str, field: str, widget: Any) -> ComposeResult:
        widget.id = field
        with Horizontal(classes="form-row"):
            yield Label(label, classes="form-label")
            yield widget
        yield error_line(field)

    def _taken_by_text(self) -> str:
        me = self.iro_app.me
        if me:
            return f"Taken by {me} (you)."
        return f"Taken by {self.desk.ctx.user} (not an IRO here, so no taker is recorded)."

    def on_mount(self) -> None:
        self._initial = self._snapshot()
        blank = self.draft_state()
        if self.restore:
            self.fill_draft(self.restore)
            if self.restore.get("child_ref"):
                self.query_one("#child_ref", ChildPicker).pick(str(self.restore["child_ref"]))
        self.start_drafts(blank)
        self.focus_first_empty()

    def draft_state(self) -> dict[str, Any]:
        return {**super().draft_state(), "child_ref": self.query_one("#child_ref", ChildPicker).ref}

    # --- reading the form -----------------------------------------------------------

    def _snapshot(self) -> dict[str, object]:
        values: dict[str, object] = {f: self.query_one(f"#{f}", Input).value for f in TEXT_INPUTS}
        values["follow_up_due"] = self.query_one("#follow_up_due", Input).value
        values["category"] = self.query_one("#category", Select).value
        values["child"] = self.query_one("#child_ref", ChildPicker).text
        for field in ("summary", "action"):
            values[field] = self.query_one(f"#{field}", TextArea).text
        return values

    @property
    def is_dirty(self) -> bool:
        return self._snapshot() != self._initial

    def _values(self) -> tuple[dict[str, Any], list[Problem]]:
        """The arguments for log_enquiry, plus the problems found in reading them."""
        problems: list[Problem] = []
        received: datetime | None = None
        follow_up: date | None = None
        try:
            received = parse_received(self.query_one("#received_at", Input).value)
        except InvalidInput as exc:
            problems.extend(exc.problems)
        try:
            follow_up = parse_date(
                "follow_up_due", self.query_one("#follow_up_due", Input).value, required=False
            )
        except InvalidInput as exc:
            problems.extend(exc.problems)
        category = self.query_one("#category", Select).value
        picker = self.query_one("#child_ref", ChildPicker)
        if picker.ref is None and picker.text.strip():
            problems.append(
                Problem("child_ref", "choose a child from the matches, or clear this field")
            )
        values: dict[str, Any] = {
            "received_at": received,
            "category": category if isinstance(category, str) else "",
            "child_ref": picker.ref,
            "summary": self.query_one("#summary", TextArea).text,
            "action": self.query_one("#action", TextArea).text,
            "follow_up_due": follow_up,
        }
        for field in TEXT_INPUTS[1:]:
            values[field] = self.query_one(f"#{field}", Input).value
        return values, problems

    # --- checking as the user types -------------------------------------------------

    def _set_error(self, field: str, reason: str, *, hint: bool = False) -> None:
        set_error(self.query_one(f"#error-{field}", Static), reason, hint=hint)

    def _check_received(self, text: str, *, finished: bool) -> None:
        try:
            parse_received(text)
        except InvalidInput as exc:
            if finished or len(text.strip()) >= 16:
                self._set_error("received_at", exc.problems[0].reason)
                return
        self._set_error("received_at", "")

    def _check_follow_up(self, text: str, *, finished: bool) -> None:
        try:
            day = parse_date("follow_up_due", text, required=False)
        except InvalidInput as exc:
            if finished or len(text.strip()) >= 10:
                self._set_error("follow_up_due", exc.problems[0].reason)
            else:
                self._set_error("follow_up_due", "")
            return
        self._set_error("follow_up_due", long_day(day) if day else "", hint=True)

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        field = event.input.id
        if field == "received_at":
            self._check_received(event.value, finished=False)
        elif field == "follow_up_due":
            self._check_follow_up(event.value, finished=False)
        elif field in FIELDS:
            self._set_error(field, "")  # whatever was wrong is being fixed

    @on(Input.Blurred)
    def _input_left(self, event: Input.Blurred) -> None:
        if event.input.id == "received_at":
            self._check_received(event.value, finished=True)
        elif event.input.id == "follow_up_due":
            self._check_follow_up(event.value, finished=True)

    @on(TextArea.Changed)
    def _text_changed(self, event: TextArea.Changed) -> None:
        if event.text_area.id in FIELDS:
            self._set_error(event.text_area.id, "")

    @on(Select.Changed, "#category")
    def _category_changed(self) -> None:
        self._set_error("category", "")

    @on(ChildPicker.Picked)
    def _child_picked(self, event: ChildPicker.Picked) -> None:
        self._set_error("child_ref", "")
        self._set_error("subject", "")
        self.draft_typed()

    @on(ChildPicker.Cleared)
    def _child_cleared(self) -> None:
        self._set_error("child_ref", "")
        self.draft_typed()

    # --- saving ---------------------------------------------------------------------

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_save(self) -> None:
        if self.busy:
            return
        values, problems = self._values()
        if problems:
            self.show_problems(problems)
            return
        self.save(partial(log_new_enquiry, self.desk, **values), partial(self._saved, values))

    def problems_shown(self, first: str | None) -> None:
        if first in FIELDS:
            widget = self.query_one(f"#{first}")
            target = widget.query_one(Input) if isinstance(widget, ChildPicker) else widget
            target.focus()

    def _saved(self, values: dict[str, Any], label: str) -> None:
        received: datetime = values["received_at"]
        at = clock.local(received)
        self.notify(f"Logged {label}, received {at:%d %b %H:%M}.", title="Enquiry logged")
        self._initial = self._snapshot()
        self.dismiss(None)

    # --- leaving --------------------------------------------------------------------

    def action_cancel(self) -> None:
        leave_or_ask(
            self,
            self.is_dirty,
            "Discard this enquiry? Nothing has been saved.",
            lambda: self.drop_draft_then(lambda: self.dismiss(None)),
        )
