"""The one kit every form uses: problems shown under their fields, one busy guard, saving
in a worker, and the deadline style.

A form screen mixes in ``FormKit`` (before its Screen class) and hands ``save`` a job that
makes ONE service call. The job runs in a thread worker; ``InvalidInput`` comes back to
the fields, success goes to the form's ``done`` callback, and any other failure is left to
the app's one worker-failure policy (it tells the user and keeps what they typed, because
nothing on the form is touched).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from functools import partial
from typing import Any, ClassVar, TypeVar

from textual.app import App
from textual.css.query import NoMatches
from textual.dom import DOMNode
from textual.widget import Widget
from textual.widgets import Static

from iro_desk.services.display import literal
from iro_desk.services.errors import InvalidInput, Problem
from iro_desk.services.validate import parse_date

T = TypeVar("T")

# --- the deadline style --------------------------------------------------------------------

SOON_WD = 3  # a response or stage due within this many working days is amber


def due_style(app: App[Any], overdue: bool, wd_left: int | None, *, soon_wd: int = SOON_WD) -> str:
    """Red when overdue, amber when due within ``soon_wd`` working days: the theme's
    colours, the same as the ``.overdue`` and ``.soon`` classes in app.tcss."""
    colours = app.theme_variables  # the theme's resolved $error / $warning
    if overdue:
        return f"bold {colours.get('error', 'red')}"
    if wd_left is not None and wd_left <= soon_wd:
        return colours.get("warning", "yellow")
    return ""


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


class FormKit:
    """Mixed into every form screen (``class XForm(FormKit, DeskModal[...])``)."""

    # Problems whose field has no line on screen go here; None: into the notification.
    FORM_ERROR: ClassVar[str | None] = None
    # "Label: reason" under a field; None: the reason alone.
    LABELS: ClassVar[Mapping[str, str] | None] = None
    # The worker group of this form's saves: the busy guard looks at it.
    SAVE_GROUP: ClassVar[str] = "form-save"

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
        node.run_worker(partial(self._save_job, job, done), thread=True, group=self.SAVE_GROUP)
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
