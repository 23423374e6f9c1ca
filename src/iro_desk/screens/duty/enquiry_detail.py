"""One enquiry: what the caller said, everything added since, and adding to it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Header, Input, Label, Static, TextArea

from iro_desk import clock as wall_clock
from iro_desk.rules.deadline_states import Deadline
from iro_desk.screens.base import DeskScreen
from iro_desk.screens.dialogs.confirm import ConfirmDialog, leave_or_ask
from iro_desk.services.display import literal, plain
from iro_desk.services.duty import CLOSED, LADO, EnquiryRow, LadoClock, UpdateRow
from iro_desk.services.enquiry_actions import act_on_enquiry, load_enquiry
from iro_desk.services.errors import InvalidInput, Problem
from iro_desk.services.validate import parse_date
from iro_desk.widgets.desk_footer import DeskFooter
from iro_desk.widgets.form_kit import (
    DATE_MAX_LENGTH,
    DATE_PLACEHOLDER,
    FormKit,
    error_line,
    set_error,
    state_style,
)

__all__ = ["EnquiryDetailScreen"]

DATE_FIELDS = ("follow_up_due", "lado_referred", "lado_meeting")
FIELDS = ("note", *DATE_FIELDS, "status")
LABELS = {
    "follow_up_due": "follow-up",
    "lado_referred": "LADO referral made",
    "lado_meeting": "LADO meeting held",
}


def long_day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def _clock_text(name: str, clock: LadoClock, app: App[Any]) -> Text:
    text = Text(f"{name:<15}")
    state = clock.state
    style = state_style(app, clock.deadline)
    if clock.done is not None:
        text.append(f"{state} {long_day(clock.done)}", style=style)
        text.append(f" (due {long_day(clock.due)})", style="dim")
    else:
        text.append(f"{state} {long_day(clock.due)}", style=style)
    return text


@dataclass(frozen=True)
class Loaded:
    enquiry: EnquiryRow
    history: list[UpdateRow]


class EnquiryDetailScreen(FormKit, DeskScreen):
    HELP = """\
# Enquiry

What was logged (the summary and the action taken are never rewritten) and, below it,
every update in the order it was made.

To add to it, type a **note** and press `Ctrl+S` (**Add update**). With the note you can
change the **follow-up due** date (clear it to remove it) and, for a LADO enquiry, record
the day the **LADO referral** was made and the day the **allocation meeting** was held.
**Close enquiry** closes it with the note as the reason; **Reopen enquiry** opens a closed
one again (with a new follow-up date if you give one). Every change is kept in the history.

Dates as `30/11/2026`, `30 Nov 2026` or `2026-11-30`. `Escape` goes back; if you typed a
note you are asked first.
The screen opens with the focus on the enquiry, not in a text box, so its keys work at
once: `c` closes, `o` reopens, `u` goes to the note and `k` opens the child. From inside
a text box `Ctrl+O` closes or reopens. Closing asks first, and clears the follow-up date.
"""

    BINDINGS = [
        Binding("ctrl+s", "add_update", "Add update", id="add_update", priority=True),
        Binding("escape", "leave", "Back", id="back"),
        Binding("c", "close_enquiry", "Close enquiry", id="close_enquiry", show=False),
        Binding("o", "reopen_enquiry", "Reopen enquiry", id="reopen_enquiry", show=False),
        Binding("u", "focus_note", "Write a note", show=False),
        Binding("k", "open_child", "Open child", show=False),
        # A key no text box takes, so it works while the note has the focus.
        Binding("ctrl+o", "close_or_reopen", "Close/reopen", id="close_or_reopen"),
    ]

    def __init__(self, enquiry_id: str) -> None:
        super().__init__()
        self.enquiry_id = str(enquiry_id)
        self.loaded: Loaded | None = None
        self._loaded_dates: dict[str, str] = {}

    # --- layout ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static("Enquiry", id="title", classes="screen-title")
        with VerticalScroll(id="body"):
            yield Static("Loading…", id="facts", classes="muted")
            yield Label("Summary", classes="heading")
            yield Static("", id="summary")
            yield Label("Action taken", classes="heading")
            yield Static("", id="action")
            yield Label("History", classes="heading")
            yield Static("", id="history")
            yield Label("Add an update", classes="heading")
            yield from self._row("Note", "note", TextArea())
            yield from self._row(
                "Follow-up due",
                "follow_up_due",
                Input(placeholder=DATE_PLACEHOLDER, max_length=DATE_MAX_LENGTH, classes="date"),
            )
            yield from self._row(
                "LADO referred",
                "lado_referred",
                Input(placeholder=DATE_PLACEHOLDER, max_length=DATE_MAX_LENGTH, classes="date"),
                lado=True,
            )
            yield from self._row(
                "LADO meeting",
                "lado_meeting",
                Input(placeholder=DATE_PLACEHOLDER, max_length=DATE_MAX_LENGTH, classes="date"),
                lado=True,
            )
            with Horizontal(id="buttons"):
                yield Button("Close enquiry", id="close", variant="warning")
                yield Button("Reopen enquiry", id="reopen", variant="warning")
                yield Button("Add update (Ctrl+S)", id="add", variant="primary")
            yield error_line("status")
        yield DeskFooter()

    def _row(self, label: str, field: str, widget: Any, *, lado: bool = False) -> ComposeResult:
        widget.id = field
        extra = " lado-only" if lado else ""
        with Horizontal(classes=f"form-row{extra}"):
            yield Label(label, classes="form-label")
            yield widget
        yield error_line(field)

    def on_mount(self) -> None:
        self.load()
        # Not the note: a letter key pressed first must do what the screen says it does.
        self.query_one("#body", VerticalScroll).focus()

    # --- loading --------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="enquiry-detail")
    def load(self, reset_form: bool = True) -> None:
        enquiry, history = load_enquiry(
            self.desk, enquiry_id=self.enquiry_id, today=self.iro_app.today
        )
        self.app.call_from_thread(self._show, Loaded(enquiry, history), reset_form)

    def _show(self, loaded: Loaded, reset_form: bool) -> None:
        self.loaded = loaded
        e = loaded.enquiry
        self.set_class(e.category == LADO, "-lado")
        self.set_class(e.status == CLOSED, "-closed")
        title = self.query_one("#title", Static)
        title.update(Text(f"Enquiry · {e.category} {e.category_label} · {e.status}"))
        self.query_one("#facts", Static).update(self._facts(e))
        self.query_one("#facts", Static).remove_class("muted")
        self.query_one("#summary", Static).update(literal(e.summary or "—"))
        self.query_one("#action", Static).update(literal(e.action or "—"))
        self.query_one("#history", Static).update(self._history(loaded.history))
        if reset_form:
            self._loaded_dates = {
                "follow_up_due": _iso(e.follow_up_due),
                "lado_referred": _iso(e.lado_referral.done if e.lado_referral else None),
                "lado_meeting": _iso(e.lado_meeting.done if e.lado_meeting else None),
            }
            for field in FIELDS:
                self._set_error(field, "")
            for field, value in self._loaded_dates.items():
                self.query_one(f"#{field}", Input).value = value
                self._check_date(field, value, finished=True)
            self.query_one("#note", TextArea).text = ""

    def _facts(self, e: EnquiryRow) -> Text:
        rows: list[tuple[str, Text | str]] = [
            ("Received", f"{long_day(e.received_date)} {wall_clock.local(e.received_at):%H:%M}"),
            ("Taken by", e.taken_by or "—"),
            ("Caller", ", ".join(p for p in (e.caller_name, e.caller_role, e.caller_agency) if p)),
            ("About", e.about),
        ]
        if e.follow_up_due is None:
            rows.append(("Follow-up", Text("none", style="dim")))
        else:
            style = state_style(self.app, Deadline.OVERDUE if e.overdue else None)
            late = " (overdue)" if e.overdue else ""
            rows.append(("Follow-up", Text(f"{long_day(e.follow_up_due)}{late}", style=style)))
        text = Text()
        for label, value in rows:
            text.append(f"{label:<15}", style="dim")
            text.append(
                value if isinstance(value, Text) else literal(value or "—", multiline=False)
            )
            text.append("\n")
        if e.lado_referral is not None:
            text.append(_clock_text("LADO referral", e.lado_referral, self.app))
            text.append("\n")
        if e.lado_meeting is not None:
            text.append(_clock_text("LADO meeting", e.lado_meeting, self.app))
            text.append("\n")
        text.rstrip()
        return text

    def _history(self, history: list[UpdateRow]) -> Text:
        text = Text()
        before: UpdateRow | None = None
        for update in history:
            text.append(
                f"{wall_clock.local(update.at):%d %b %Y %H:%M} · {plain(update.by)} · ", style="dim"
            )
            text.append(update.status, style="bold" if update.status == CLOSED else "")
            text.append("\n")
            text.append(f"  {plain(update.note)}\n")
            changes = []
            for field in DATE_FIELDS:
                value = getattr(update, field)
                was = getattr(before, field) if before else None
                if value != was:
                    shown = long_day(value) if value else "cleared"
                    changes.append(f"{LABELS[field]} {shown}")
            if changes:
                text.append(f"  {'; '.join(changes)}\n", style="dim")
            before = update
        text.rstrip()
        return text if history else Text("No updates.", style="dim")

    # --- the update form --------------------------------------------------------------

    def _set_error(self, field: str, reason: str, *, hint: bool = False) -> None:
        set_error(self.query_one(f"#error-{field}", Static), reason, hint=hint)

    @property
    def is_dirty(self) -> bool:
        if self.query_one("#note", TextArea).text.strip():
            return True
        return any(
            self.query_one(f"#{f}", Input).value.strip() != self._loaded_dates.get(f, "")
            for f in DATE_FIELDS
        )

    def _check_date(self, field: str, text: str, *, finished: bool) -> None:
        try:
            day = parse_date(field, text, required=False)
        except InvalidInput as exc:
            show = finished or len(text.strip()) >= 10
            self._set_error(field, exc.problems[0].reason if show else "")
            return
        self._set_error(field, long_day(day) if day else "", hint=True)

    @on(Input.Changed)
    def _date_typed(self, event: Input.Changed) -> None:
        if event.input.id in DATE_FIELDS:
            self._check_date(event.input.id, event.value, finished=False)

    @on(Input.Blurred)
    def _date_left(self, event: Input.Blurred) -> None:
        if event.input.id in DATE_FIELDS:
            self._check_date(event.input.id, event.value, finished=True)

    @on(TextArea.Changed, "#note")
    def _note_typed(self) -> None:
        self._set_error("note", "")
        self._set_error("status", "")

    def _read(self) -> tuple[str, dict[str, Any], list[Problem]]:
        """The note, the dates that changed (unchanged ones are left out) and any problems."""
        note = self.query_one("#note", TextArea).text
        problems: list[Problem] = []
        if not note.strip():
            problems.append(Problem("note", "is required: say what happened or why"))
        dates: dict[str, Any] = {}
        lado = self.loaded is not None and self.loaded.enquiry.category == LADO
        for field in DATE_FIELDS:
            if field != "follow_up_due" and not lado:
                continue
            text = self.query_one(f"#{field}", Input).value.strip()
            if text == self._loaded_dates.get(field, ""):
                continue
            try:
                dates[field] = parse_date(field, text, required=False)
            except InvalidInput as exc:
                problems.extend(exc.problems)
        return note, dates, problems

    @on(Button.Pressed, "#add")
    def _add_pressed(self) -> None:
        self.action_add_update()

    @on(Button.Pressed, "#close")
    def _close_pressed(self) -> None:
        self.action_close_enquiry()

    @on(Button.Pressed, "#reopen")
    def _reopen_pressed(self) -> None:
        self.action_reopen_enquiry()

    def action_focus_note(self) -> None:
        self.query_one("#note", TextArea).focus()

    def action_add_update(self) -> None:
        self._submit("update")

    def action_close_enquiry(self) -> None:
        if self.loaded is not None and self.loaded.enquiry.status == CLOSED:
            self.notify("This enquiry is already closed.", severity="warning")
            return
        if not self.query_one("#note", TextArea).text.strip():
            self._submit("close")  # refused, with the reason under the note: nothing to ask
            return
        due = self.loaded.enquiry.follow_up_due if self.loaded is not None else None
        cleared = f" Its follow-up due {long_day(due)} is cleared." if due else ""
        self.app.push_screen(
            ConfirmDialog(
                f"Close this enquiry, with the note as the reason?{cleared}",
                yes="Close enquiry",
                no="Keep it open",
            ),
            lambda close: self._submit("close") if close else None,
        )

    def action_close_or_reopen(self) -> None:
        if self.loaded is not None and self.loaded.enquiry.status == CLOSED:
            self.action_reopen_enquiry()
        else:
            self.action_close_enquiry()

    def action_reopen_enquiry(self) -> None:
        if self.loaded is not None and self.loaded.enquiry.status != CLOSED:
            self.notify("This enquiry is open; close it first to reopen it.", severity="warning")
            return
        self._submit("reopen")

    def action_open_child(self) -> None:
        if self.loaded is None or self.loaded.enquiry.child_ref is None:
            self.notify("This enquiry is not about a known child.")
            return
        self.iro_app.open_child(self.loaded.enquiry.child_ref)

    def _submit(self, what: str) -> None:
        if self.busy or self.loaded is None:
            return
        note, dates, problems = self._read()
        if problems:
            self.show_problems(problems)
            return
        job = partial(
            act_on_enquiry, self.desk, enquiry_id=self.enquiry_id, what=what, note=note, dates=dates
        )
        self.save(job, self._written)

    def problems_shown(self, first: str | None) -> None:
        if first in FIELDS and first != "status":
            self.query_one(f"#{first}").focus()

    def _written(self, done: str) -> None:
        self.notify(done)
        self.load(reset_form=True)

    # --- leaving --------------------------------------------------------------------

    def action_leave(self) -> None:
        leave_or_ask(
            self, self.is_dirty, "Discard the note and dates you typed?", lambda: self.dismiss(None)
        )
