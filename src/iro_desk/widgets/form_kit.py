"""The one kit every form uses: problems shown under their fields, one busy guard, saving
in a worker, drafts kept as the user types, and the deadline style.

A form screen mixes in ``FormKit`` (before its Screen class) and hands ``save`` a job that
makes ONE service call. The job runs in a thread worker; ``InvalidInput`` comes back to
the fields, success goes to the form's ``done`` callback, and any other failure is left to
the app's one worker-failure policy (it tells the user and keeps what they typed, because
nothing on the form is touched).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any, ClassVar, TypeVar

from textual.app import App
from textual.css.query import NoMatches
from textual.dom import DOMNode
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Select, Static, TextArea
from textual.widgets.select import InvalidSelectValueError

from iro_desk import clock
from iro_desk.rules.deadline_states import Deadline, deadline_state, style_for
from iro_desk.services.display import literal
from iro_desk.services.drafts import keep_draft
from iro_desk.services.errors import InvalidInput, Problem
from iro_desk.services.validate import parse_date

T = TypeVar("T")

# --- date fields -------------------------------------------------------------------------------

# What every date field invites (rules/typed_dates.py also reads 30/11/26, 30 Nov 2026 and
# ISO); a field is long enough for "30 September 2026" (and a time after it).
DATE_PLACEHOLDER = "DD/MM/YYYY"
DATE_TIME_PLACEHOLDER = f"{DATE_PLACEHOLDER} HH:MM"
DATE_MAX_LENGTH = 20
DATE_TIME_MAX_LENGTH = DATE_MAX_LENGTH + 6

# --- the deadline style --------------------------------------------------------------------

SOON_WD = 3  # a response or stage due within this many working days is amber


def state_style(app: App[Any], state: Deadline | None) -> str:
    """The Rich style for a deadline state in the theme's colours (rules.deadline_states
    names them; the ``.overdue``, ``.soon``, ``.done-late`` and ``.on-time`` classes in
    app.tcss are the same)."""
    return style_for(state, app.theme_variables)


def due_style(app: App[Any], overdue: bool, wd_left: int | None, *, soon_wd: int = SOON_WD) -> str:
    """Red when overdue, amber when due within ``soon_wd`` working days."""
    return state_style(app, deadline_state(overdue, wd_left, soon_wd))


# --- problems under their fields ---------------------------------------------------------------

# The words shown before a reason, for the services' field names.
FIELD_LABELS: dict[str, str] = {
    "answer": "Answer",
    "comment": "Comment",
    "team_manager": "Team Manager",
    "sent": "Sent on",
    "responded": "Responded on",
    "response": "Response",
    "meeting_id": "Meeting",
    "meeting_kind": "Meeting",
    "meeting_date": "Meeting date",
    "child_ref": "Child",
    "iro_name": "IRO",
    "holder": "Held by",
    "note": "Note",
    "outcome": "Outcome",
    "issue": "Issue",
    "stage": "Stage",
    "on": "Date",
    "raised": "Date raised",
    "form": "Form",
    "case": "Case",
    "answers": "Answers",
    "received_at": "Received",
    "follow_up_due": "Follow-up due",
    "taken_by": "Taken by",
}
_SAFE_FIELD = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")


def error_id(field: str) -> str:
    """The id of the Static that shows a field's problems ("a.b" -> "error-a-b")."""
    return "error-" + field.replace(".", "-")


def field_label(field: str, labels: Mapping[str, str] = FIELD_LABELS) -> str:
    last = field.rsplit(".", 1)[-1]
    return labels.get(last, last.replace("_", " ").capitalize())


def error_line(field: str) -> Static:
    """An empty, hidden error line for a field (shown by ``FormKit.show_problems``)."""
    line = Static("", id=error_id(field), classes="field-error", markup=False)
    line.display = False
    return line


def error_lines(*fields: str) -> Iterable[Static]:
    """The error lines under a row of fields."""
    return [error_line(field) for field in fields]


def set_error(note: Static, text: str, *, hint: bool = False) -> None:
    """A field's error line: shown with its reason (or a muted hint), hidden when empty."""
    note.update(literal(text))
    note.set_class(hint, "muted")
    note.display = bool(text)


def clear_problems(node: DOMNode) -> None:
    for widget in node.query(".field-error"):
        if isinstance(widget, Static):
            set_error(widget, "")


def _shown(widget: Widget) -> bool:
    """On screen: no container around it is hidden (its own line is hidden until used)."""
    return all(node.display for node in widget.ancestors if isinstance(node, Widget))


# --- drafts: what is typed is kept while it is typed ------------------------------------------

# A change is written at most this long after it was typed, on a steady beat while typing
# goes on (not only after a pause), so a killed terminal loses under a second of work.
DRAFT_EVERY = 0.5  # seconds


@dataclass
class _Drafts:
    blank: dict[str, Any]  # the form as it opened empty: nothing worth keeping
    saved: dict[str, Any]  # what the database holds for this form now
    lock: threading.Lock = field(default_factory=threading.Lock)  # draft writes vs the save
    timer: Timer | None = None
    seq: int = 0  # the latest write asked for; an older queued write is skipped
    finished: bool = False  # saved or discarded: no more draft writes


def widget_value(widget: Widget) -> Any:
    """What a field holds, as a draft keeps it (None for an unchosen list)."""
    if isinstance(widget, Input | Checkbox):
        return widget.value
    if isinstance(widget, TextArea):
        return widget.text
    if isinstance(widget, Select):
        return None if widget.value is Select.NULL else widget.value
    raise TypeError(f"a draft cannot keep a {type(widget).__name__}")


def set_widget_value(widget: Widget, value: Any) -> None:
    """Put a kept value back (a choice no longer offered leaves the list for the user)."""
    if isinstance(widget, Input):
        widget.value = str(value or "")
    elif isinstance(widget, Checkbox):
        widget.value = bool(value)
    elif isinstance(widget, TextArea):
        widget.load_text(str(value or ""))
        widget.move_cursor(widget.document.end)  # carry on typing where it stopped
    elif isinstance(widget, Select):
        try:
            widget.value = Select.NULL if value is None else value
        except InvalidSelectValueError:
            widget.clear()


class FormKit:
    """Mixed into every form screen (``class XForm(FormKit, DeskModal[...])``)."""

    # Forms that keep a draft name its kind ("visit", "enquiry"...); the app offers drafts
    # back at start by kind.
    DRAFT_KIND: ClassVar[str | None] = None
    # The ids of the fields a draft keeps (the default draft_state reads them).
    DRAFT_FIELDS: ClassVar[tuple[str, ...]] = ()
    _drafts: _Drafts | None = None

    def draft_key(self) -> str:
        """Which one of its kind this form is (a child's reference, a form id, "new")."""
        return "new"

    def draft_state(self) -> dict[str, Any]:
        """The form's fields as JSON-able values (what a draft keeps)."""
        node: Any = self
        return {name: widget_value(node.query_one(f"#{name}")) for name in self.DRAFT_FIELDS}

    def fill_draft(self, payload: Mapping[str, Any]) -> None:
        """Put a kept draft back into the form's fields."""
        node: Any = self
        for name in self.DRAFT_FIELDS:
            found = node.query(f"#{name}")  # a field the form no longer shows is skipped
            if name in payload and found:
                set_widget_value(found.first(), payload[name])

    # Any field that changes schedules the draft (Textual calls these as well as the
    # form's own handlers of the same messages).
    def _on_input_changed(self, _event: Input.Changed) -> None:
        self.draft_typed()

    def _on_text_area_changed(self, _event: TextArea.Changed) -> None:
        self.draft_typed()

    def _on_select_changed(self, _event: Select.Changed) -> None:
        self.draft_typed()

    def _on_checkbox_changed(self, _event: Checkbox.Changed) -> None:
        self.draft_typed()

    def draft_status(self, text: str) -> None:
        """Say that the draft was saved (forms with a status line show it)."""

    def start_drafts(self, blank: dict[str, Any] | None = None) -> None:
        """Keep drafts from now on; ``blank`` is the empty form (default: the form now)."""
        state = self.draft_state()
        self._drafts = _Drafts(blank=state if blank is None else blank, saved=state)

    @property
    def unsaved(self) -> bool:
        """Does the form hold something typed that is not saved as a record?"""
        drafts = self._drafts
        return drafts is not None and not drafts.finished and self.draft_state() != drafts.blank

    def draft_typed(self) -> None:
        """A field changed: write the draft soon (the timer is not restarted by typing)."""
        drafts = self._drafts
        if drafts is None or drafts.finished or drafts.timer is not None:
            return
        node: Any = self
        drafts.timer = node.set_timer(DRAFT_EVERY, self._draft_due)

    def _draft_due(self) -> None:
        drafts = self._drafts
        if drafts is None:
            return
        drafts.timer = None
        payload = self.draft_state()
        if drafts.finished or payload == drafts.saved:
            return
        drafts.seq += 1
        node: Any = self
        job = partial(self._draft_write, drafts, payload, drafts.seq, self.draft_key())
        node.run_worker(job, thread=True, group="form-draft")

    def _draft_write(self, drafts: _Drafts, payload: dict[str, Any], seq: int, key: str) -> None:
        node: Any = self
        assert self.DRAFT_KIND is not None
        with drafts.lock:
            if drafts.finished or seq != drafts.seq:
                return  # a newer write is queued, or the form was saved meanwhile
            try:
                kept = None if payload == drafts.blank else payload
                keep_draft(node.desk, self.DRAFT_KIND, key, kept)
            except InvalidInput as exc:
                node.app.call_from_thread(self.draft_status, f"Draft not saved: {exc}")
                return
        node.app.call_from_thread(self._draft_written, drafts, payload)

    def _draft_written(self, drafts: _Drafts, payload: dict[str, Any]) -> None:
        drafts.saved = payload
        node: Any = self
        when = clock.local(node.desk.ctx.now())  # the unit's time, as the rest of the desk
        self.draft_status("" if payload == drafts.blank else f"Draft saved {when:%H:%M:%S}")

    def flush_draft(self) -> None:
        """Write what is typed now, in this thread: the terminal is closing."""
        drafts = self._drafts
        if drafts is None or drafts.finished or self.DRAFT_KIND is None:
            return
        payload = self.draft_state()
        if payload == drafts.saved:
            return
        node: Any = self
        with drafts.lock:
            drafts.seq += 1
            kept = None if payload == drafts.blank else payload
            keep_draft(node.desk, self.DRAFT_KIND, self.draft_key(), kept)
            drafts.saved = payload

    def drop_draft_then(self, then: Callable[[], object]) -> None:
        """The user discarded the form: end its draft (in a worker), then ``then``."""
        drafts = self._drafts
        if drafts is None or self.DRAFT_KIND is None:
            then()
            return
        node: Any = self
        job = partial(self._drop_draft, drafts, self.DRAFT_KIND, self.draft_key(), then)
        node.run_worker(job, thread=True, group="form-draft")

    def _drop_draft(self, drafts: _Drafts, kind: str, key: str, then: Callable[[], object]) -> None:
        node: Any = self
        with drafts.lock:
            drafts.finished = True
            keep_draft(node.desk, kind, key, None)
        node.app.call_from_thread(then)

    def end_draft(self) -> None:
        """The user discarded the form (quitting): drop its draft now, in this thread."""
        drafts = self._drafts
        if drafts is None or self.DRAFT_KIND is None:
            return
        node: Any = self
        with drafts.lock:
            drafts.finished = True
            keep_draft(node.desk, self.DRAFT_KIND, self.draft_key(), None)

    def _saving(self, job: Callable[[], T], key: str) -> T:
        """Run the save; with drafts, under their lock, and drop the draft it saved."""
        drafts = self._drafts
        if drafts is None or self.DRAFT_KIND is None:
            return job()
        node: Any = self
        with drafts.lock:
            result = job()
            drafts.finished = True  # still under the lock: no draft write can slip in
            keep_draft(node.desk, self.DRAFT_KIND, key, None)
        return result

    # Problems whose field has no line on screen go here; None: into the notification.
    FORM_ERROR: ClassVar[str | None] = None
    # "Label: reason" under a field; None: the reason alone.
    LABELS: ClassVar[Mapping[str, str] | None] = None
    # The worker group of this form's saves: the busy guard looks at it.
    SAVE_GROUP: ClassVar[str] = "form-save"

    # The ids of the form's required fields, in the order they are on screen: the form
    # opens with the cursor in the first one still empty (the one focus rule).
    REQUIRED: ClassVar[tuple[str, ...]] = ()

    def focus_first_empty(self, otherwise: str | None = None) -> None:
        """Put the cursor in the first empty required field that can be typed in (shown,
        enabled); when all are filled, in ``otherwise`` (or the first of them)."""
        node: Any = self
        usable = [
            w
            for name in self.REQUIRED
            for w in node.query(f"#{name}")
            if w.display and _shown(w) and not w.disabled
        ]
        empty = next((w for w in usable if widget_value(w) in (None, "")), None)
        target = empty or (node.query_one(f"#{otherwise}") if otherwise else None)
        target = target or (usable[0] if usable else None)
        if target is not None:
            target.focus()

    def problem_field(self, field: str) -> str:
        """The field on screen that shows a service's field (forms rename a few)."""
        return field

    def problems_shown(self, first: str | None) -> None:
        """After problems are shown; ``first`` is the topmost field with one."""

    def typed_date(self, field: str, text: str) -> date | None:
        """The date typed for ``field`` (required), or None once the problem is shown."""
        try:
            return parse_date(field, text)
        except InvalidInput as exc:
            self.show_problems(exc.problems)
            return None

    @property
    def busy(self) -> bool:
        """Is a save of this form still running? (A second Ctrl+S must not save twice.)"""
        node: Any = self
        return any(
            w.node is node and w.group == self.SAVE_GROUP and w.is_running for w in node.workers
        )

    def save(self, job: Callable[[], T], done: Callable[[T], object]) -> bool:
        """Run ``job`` (one service call) in a worker unless a save is running.

        Returns False when it was refused as a second save.
        """
        if self.busy:
            return False
        node: Any = self
        clear_problems(node)
        saving = partial(self._saving, job, self.draft_key())
        node.run_worker(partial(self._save_job, saving, done), thread=True, group=self.SAVE_GROUP)
        return True

    def _save_job(self, job: Callable[[], T], done: Callable[[T], object]) -> None:
        node: Any = self
        try:
            result = job()
        except InvalidInput as exc:
            node.app.call_from_thread(self.show_problems, exc.problems)
            return
        node.app.call_from_thread(done, result)

    def show_problems(self, problems: Iterable[Problem]) -> None:
        """Put each reason under its field; say "Not saved" once."""
        node: Any = self
        clear_problems(node)
        texts: dict[str, list[str]] = {}
        unplaced: list[str] = []
        for problem in problems:
            field = self.problem_field(problem.field)
            line = _line_for(node, field)
            labelled = self._text(field, problem.reason)
            if line is not None:
                texts.setdefault(line, []).append(labelled)
            elif self.FORM_ERROR is not None:
                unplaced_text = self._text(problem.field, problem.reason, unplaced=True)
                texts.setdefault(self.FORM_ERROR, []).append(unplaced_text)
            else:
                unplaced.append(self._text(problem.field, problem.reason, unplaced=True))
        first_field: str | None = None
        for line_id, lines in texts.items():
            set_error(node.query_one(f"#{line_id}", Static), "\n".join(lines))
        # The topmost line on the form, whatever order the service reported them in.
        first = next((w for w in node.query(".field-error") if w.display), None)
        if first is not None:
            # Once the lines are laid out: the field's row at the top, its reasons under it.
            row = _field_row(first)
            if row is not None:
                node.call_after_refresh(row.scroll_visible, animate=False, top=True)
            else:
                node.call_after_refresh(first.scroll_visible, animate=False)
            first_field = (first.id or "").removeprefix("error-")
        node.notify(
            "\n".join(unplaced) or "Not saved: see the reasons on the form.",
            title="Not saved",
            severity="error",
        )
        self.problems_shown(first_field)

    def _text(self, field: str, reason: str, *, unplaced: bool = False) -> str:
        if self.LABELS is None and not unplaced:
            return reason
        # A problem shown away from its field names it by its label, never "received_at".
        return f"{field_label(field, self.LABELS or FIELD_LABELS)}: {reason}"


def _field_row(line: Widget) -> Widget | None:
    """The row holding the field an error line is about: the widget before the error
    lines under it (error lines follow their row)."""
    parent = line.parent
    if parent is None:
        return None
    siblings = list(parent.children)
    for widget in reversed(siblings[: siblings.index(line)]):
        if not widget.has_class("field-error"):
            return widget
    return None


def _line_for(node: Any, field: str) -> str | None:
    """The id of the shown error line for a field, if the form has one."""
    if not _SAFE_FIELD.fullmatch(field):
        return None
    wanted = error_id(field)
    try:
        line = node.query_one(f"#{wanted}", Static)
    except NoMatches:
        return None
    return wanted if _shown(line) else None
