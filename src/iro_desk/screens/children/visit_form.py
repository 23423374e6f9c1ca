"""Log an IRO visit to a child, saved as a draft as it is typed so nothing is lost."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Header, Input, Label, Select, Static, TextArea
from textual.widgets.select import InvalidSelectValueError

from iro_desk.rules.codes import VISIT_LOCATIONS, VISIT_PURPOSES
from iro_desk.screens.base import DeskModal
from iro_desk.screens.dialogs.confirm import leave_or_ask
from iro_desk.services.display import literal
from iro_desk.services.errors import InvalidInput
from iro_desk.services.visit_actions import (
    DRAFT_KIND,
    VisitStart,
    save_visit,
    start_visit,
)
from iro_desk.widgets.child_format import day, visit_location_label, visit_purpose_label
from iro_desk.widgets.desk_footer import DeskFooter
from iro_desk.widgets.desk_select import DeskSelect
from iro_desk.widgets.form_kit import DATE_PLACEHOLDER, DRAFT_EVERY, FormKit, error_lines, set_error

# How long after a change its draft is written (other tools wait this long).
AUTOSAVE_SECONDS = DRAFT_EVERY


class TickBox(Checkbox):
    """A checkbox whose mark is drawn only when ticked: Textual draws an X either way and
    tells them apart by colour alone, so "seen alone" could be misread on a plain terminal."""

    @property  # type: ignore[override]
    def BUTTON_INNER(self) -> str:  # noqa: N802 - Textual's own name for the mark
        return "X" if self.value else " "


FIELDS = ("date", "location", "purpose", "seen_alone", "iro", "views")
WIDGET_FIELDS = {
    "visit-date": "date",
    "visit-location": "location",
    "visit-purpose": "purpose",
    "visit-alone": "seen_alone",
    "visit-iro": "iro",
    "visit-views": "views",
}
# Notes sit under a line of two fields, so each says which field it is about.
FIELD_LABELS = {
    "date": "Date",
    "location": "Where",
    "purpose": "Purpose",
    "seen_alone": "Seen alone",
    "iro": "IRO",
    "views": "Views",
}


class VisitFormScreen(FormKit, DeskModal[bool]):
    LABELS = FIELD_LABELS
    DRAFT_KIND = DRAFT_KIND
    REQUIRED = ("visit-date", "visit-location", "visit-purpose", "visit-iro")

    HELP = """\
# Log a visit

Record a visit to the child: the date (30/11/2026, 30 Nov 2026 or 2026-11-30), where
you saw them, why (before a review, between reviews, other), whether you saw them
alone, and the child's views, wishes and feelings in their own words.

Everything you type is kept as a **draft** as you type (on this computer, in the
local database, with no network needed). If the terminal is closed or the program
stops, IRO Desk offers the visit back the next time it starts, and opening a visit
for the same child resumes it.

`Ctrl+S` saves the visit (and removes the draft). `Escape` leaves; if anything was
typed it asks before throwing the draft away. Tab moves between fields.
"""
    BINDINGS = [
        Binding("ctrl+s", "save", "Save visit", id="visit_save", priority=True),
        Binding("escape", "cancel", "Cancel", id="visit_cancel"),
    ]

    def __init__(self, ref: str, restore: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.ref = ref
        self.restore = restore
        self._blank: dict[str, Any] = {}
        self._ready = False

    # --- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Vertical(id="visit-body"):
            yield Static(f"Visit to {self.ref}", id="visit-title", classes="screen-title")
            # Compact one-line fields, so the child's words get most of an 80x24 screen.
            with Horizontal(classes="visit-line"):
                yield Label("Date", classes="visit-label")
                yield Input(id="visit-date", placeholder=DATE_PLACEHOLDER, compact=True)
                yield Label("Where", classes="visit-label")
                yield DeskSelect(
                    [(visit_location_label(c), c) for c in VISIT_LOCATIONS],
                    id="visit-location",
                    prompt="Where seen",
                    compact=True,
                )
            yield from error_lines("date", "location")
            with Horizontal(classes="visit-line"):
                yield Label("Purpose", classes="visit-label")
                yield DeskSelect(
                    [(visit_purpose_label(c), c) for c in VISIT_PURPOSES],
                    id="visit-purpose",
                    prompt="Why you visited",
                    compact=True,
                )
                yield TickBox("Seen alone", id="visit-alone", compact=True)
            yield from error_lines("purpose", "seen_alone")
            with Horizontal(classes="visit-line", id="visit-iro-row"):
                yield Label("IRO", classes="visit-label")
                yield DeskSelect([], id="visit-iro", prompt="Who visited", compact=True)
            yield from error_lines("iro")
            yield Label("The child's views, wishes and feelings, in their words", classes="muted")
            yield TextArea(id="visit-views", soft_wrap=True, tab_behavior="focus")
            yield from error_lines("views")
            yield Static("", id="visit-status", classes="muted")
        yield DeskFooter()

    def on_mount(self) -> None:
        # Only someone who is not an IRO here has to say who visited.
        self.query_one("#visit-iro-row").display = self.iro_app.me is None
        self._blank = {
            "date": self.iro_app.today.isoformat(),
            "location": None,  # where and why are the IRO's to say, never a default
            "purpose": None,
            "seen_alone": False,
            "iro": None,
            "views": "",
        }
        self._prepare(self.ref, self.restore)

    @work(thread=True, exclusive=True, group="visit-load")
    def _prepare(self, ref: str, restore: dict[str, Any] | None) -> None:
        try:
            start = start_visit(
                self.desk, ref=ref, me=self.iro_app.me, today=self.iro_app.today, restore=restore
            )
        except InvalidInput as exc:
            self.app.call_from_thread(self._cannot_open, str(exc))
            return
        self.app.call_from_thread(self._fill, start)

    def _cannot_open(self, message: str) -> None:
        self.notify(message, title="Visit", severity="error")
        self.dismiss(False)

    def _fill(self, start: VisitStart) -> None:
        names, draft = start.iros, start.draft
        self.query_one("#visit-title", Static).update(
            literal(f"Visit to {start.name} ({self.ref})")
        )
        if start.allocated in names:
            self._blank["iro"] = start.allocated
        self.query_one("#visit-iro", Select).set_options(
            [(literal(n, multiline=False), n) for n in names]
        )
        values = dict(self._blank)
        if draft:
            values.update({k: draft[k] for k in FIELDS if k in draft})
        self.query_one("#visit-date", Input).value = str(values["date"] or "")
        self._set_select("#visit-location", values["location"])
        self._set_select("#visit-purpose", values["purpose"])
        self._set_select("#visit-iro", values["iro"] if values["iro"] in names else None)
        self.query_one("#visit-alone", Checkbox).value = bool(values["seen_alone"])
        views = self.query_one("#visit-views", TextArea)
        views.load_text(str(values["views"] or ""))
        views.move_cursor(views.document.end)  # carry on typing where it stopped
        # The database already holds this (or nothing, for a blank form): no save needed.
        self.start_drafts(dict(self._blank))
        self._ready = True
        if start.resumed:
            self.notify("Your unsaved visit to this child was resumed.", title="Draft")
        if draft:
            self.draft_status("Draft restored")
        self.focus_first_empty("visit-views")

    def _set_select(self, selector: str, value: Any) -> None:
        select = self.query_one(selector, Select)
        try:
            select.value = Select.NULL if value is None else value
        except InvalidSelectValueError:
            # A draft from an older list of choices: leave the field for the user to fill.
            select.clear()

    # --- the form's state ---------------------------------------------------------------

    def payload(self) -> dict[str, Any]:
        def chosen(selector: str) -> str | None:
            value = self.query_one(selector, Select).value
            return None if value is Select.NULL else str(value)

        return {
            "date": self.query_one("#visit-date", Input).value.strip(),
            "location": chosen("#visit-location"),
            "purpose": chosen("#visit-purpose"),
            "seen_alone": self.query_one("#visit-alone", Checkbox).value,
            "iro": chosen("#visit-iro") if self.iro_app.me is None else None,
            "views": self.query_one("#visit-views", TextArea).text,
        }

    def has_content(self) -> bool:
        return self._ready and self.unsaved

    def draft_key(self) -> str:
        return self.ref

    def draft_state(self) -> dict[str, Any]:
        return self.payload()

    def draft_status(self, text: str) -> None:
        self.query_one("#visit-status", Static).update(text)

    # --- autosave -----------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        self._typed(event.input.id)

    def on_select_changed(self, event: Select.Changed) -> None:
        self._typed(event.select.id)

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        self._typed(event.checkbox.id)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self._typed(event.text_area.id)

    def _typed(self, widget_id: str | None) -> None:
        if not self._ready:
            return
        # The field has changed since its note was written: the note no longer applies.
        field = WIDGET_FIELDS.get(widget_id or "")
        if field:
            set_error(self.query_one(f"#error-{field}", Static), "")

    # --- save and cancel ----------------------------------------------------------------

    def action_save(self) -> None:
        if not self._ready or self.busy:
            return
        values = self.payload()
        job = partial(
            save_visit,
            self.desk,
            ref=self.ref,
            iro_name=self.iro_app.me or values["iro"],
            visit_date=values["date"],
            location=values["location"] or "",
            purpose=values["purpose"] or "",
            seen_alone=bool(values["seen_alone"]),
            views=values["views"],
        )
        self.save(job, self._saved)

    def _saved(self, saved: tuple[str, date]) -> None:
        name, visit_date = saved
        self.notify(f"Visit to {name} on {day(visit_date)} saved.", title="Visit")
        self.dismiss(True)

    def action_cancel(self) -> None:
        leave_or_ask(
            self,
            self.has_content(),
            "Discard this visit? What you typed will be lost.",
            self._leave,
        )

    def _leave(self) -> None:
        self.drop_draft_then(lambda: self.dismiss(False))
