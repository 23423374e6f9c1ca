"""One compliance (quality-assurance) form: answer the checklist, send it, record the reply.

A new form is started for a child after a LAR, ICPC or RCPC (the meeting is picked from
the child's recent meetings); an existing one opens by its id. The form is a draft until
sent to the Team Manager; then its answers are frozen and the response clock runs.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Footer, Header, Input, Label, Select, Static, TextArea

from iro_desk.rules.codes import COMPLIANCE_ITEMS
from iro_desk.screens.base import DeskScreen
from iro_desk.screens.confirm import leave_or_ask
from iro_desk.services.caseload import build_caseload_for_child
from iro_desk.services.children import child_by_ref, display_name
from iro_desk.services.compliance import (
    FormDetail,
    FormStatus,
    answer_items,
    form_detail,
    forms_for_child,
    record_response,
    send_form,
    start_form,
)
from iro_desk.services.display import literal
from iro_desk.services.errors import InvalidInput, Problem
from iro_desk.services.meetings import meetings_of
from iro_desk.services.resolution import raise_from_form
from iro_desk.services.validate import parse_date
from iro_desk.widgets.child_format import day, long_day

# --- shared by the compliance and resolution screens ------------------------------------

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
}
_SAFE_FIELD = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")


SOON_WD = 3  # a response or stage due within this many working days is amber


def due_style(app: App[Any], overdue: bool, wd_left: int | None) -> str:
    """Red when overdue, amber when due within SOON_WD working days (theme colours)."""
    colours = app.theme_variables
    if overdue:
        return f"bold {colours.get('error', 'red')}"
    if wd_left is not None and wd_left <= SOON_WD:
        return colours.get("warning", "yellow")
    return ""


def error_id(field: str) -> str:
    """The id of the Static that shows a field's problems ("a.b" -> "error-a-b")."""
    return "error-" + field.replace(".", "-")


def field_label(field: str) -> str:
    last = field.rsplit(".", 1)[-1]
    return FIELD_LABELS.get(last, last.replace("_", " ").capitalize())


def clear_problems(screen: Screen) -> None:
    for widget in screen.query(".field-error"):
        if isinstance(widget, Static):
            widget.update("")
            widget.display = False


def show_problems(screen: Screen, problems: Iterable[Problem], *, fallback: str) -> Widget | None:
    """Put each reason under its field; ones with no field on screen go to ``fallback``.

    Returns the topmost error shown, so the caller can scroll it into view.
    """
    clear_problems(screen)
    texts: dict[str, list[str]] = {}
    for problem in problems:
        target = fallback
        if _SAFE_FIELD.fullmatch(problem.field):
            wanted = error_id(problem.field)
            if screen.query(f"#{wanted}"):
                target = wanted
        texts.setdefault(target, []).append(f"{field_label(problem.field)}: {problem.reason}")
    for target, lines in texts.items():
        widget = screen.query_one(f"#{target}", Static)
        widget.update(literal("\n".join(lines)))
        widget.display = True
    # The topmost error on the form, whatever order the service reported them in.
    return next((w for w in screen.query(".field-error") if w.display), None)


def writing(screen: Screen, group: str) -> bool:
    """Is a save of this screen still running? (A second Ctrl+S must not save twice.)"""
    return any(w.node is screen and w.group == group and w.is_running for w in screen.workers)


def error_line(widget_id: str) -> Static:
    """An empty, hidden error line for a field (shown by ``show_problems``)."""
    line = Static("", id=widget_id, classes="field-error", markup=False)
    line.display = False
    return line


# --- the form screen -----------------------------------------------------------------------

ANSWER_OPTIONS: list[tuple[str, str]] = [("yes", "yes"), ("no", "no"), ("n/a", "na")]
# Meeting kinds a form can follow -> the form's kind (a secure review is a LAR too).
FORM_KIND_OF: dict[str, str] = {"LAR": "LAR", "SECURE": "LAR", "ICPC": "ICPC", "RCPC": "RCPC"}
RECENT_MEETINGS = 8  # how far back the meeting picker goes
WRITE_GROUP = "compliance-form-write"


@dataclass(frozen=True)
class MeetingChoice:
    meeting_id: uuid.UUID | None
    meeting_child_id: uuid.UUID | None
    kind: str  # the form's kind: LAR, ICPC or RCPC
    label: str
    has_form: bool


@dataclass(frozen=True)
class NewFormFacts:
    child_ref: str
    child_name: str
    iro_name: str | None
    choices: tuple[MeetingChoice, ...]
    default: int
    team_manager: str


class ComplianceFormScreen(DeskScreen):
    HELP = """\
# Compliance form

The quality-assurance checklist the IRO completes after a Looked After Review or a
child protection conference, sent to the social worker's **Team Manager**.

1. Pick the meeting (new forms only: the child's latest review or conference is chosen).
2. Answer every question **yes**, **no** or **n/a**. A **no** is a concern: say what is
   missing in its comment - the form will not save without it.
3. **Ctrl+S** saves the answers as a draft; you can come back to it.
4. Fill in the Team Manager and press **Ctrl+T** (or *Send*). The answers are then frozen
   and the response falls due a set number of working days later (a local setting).
5. When the Team Manager replies, record the date and their response and press
   **Ctrl+S** (or *Record response*).

**e** (when you are not typing in a field) or the *Escalate concerns* button escalates
the form's concerns (its "no" answers) into an Issues Resolution case
at stage 1, held by the Team Manager, and opens the case.
"""

    # Start on the scrolling body, not a text field, so the one-letter keys work at once.
    AUTO_FOCUS = "#body"

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="form_save"),
        Binding("ctrl+t", "send", "Send", id="form_send"),
        Binding("e", "escalate", "Escalate concerns", id="form_escalate"),
        Binding("escape", "cancel", "Back", id="form_back"),
    ]

    DEFAULT_CSS = """
    ComplianceFormScreen #body { height: 1fr; padding: 0 1; }
    ComplianceFormScreen .section { margin-top: 1; text-style: bold; color: $accent; }
    ComplianceFormScreen .question { margin-top: 1; }
    ComplianceFormScreen .item-row { height: 1; }
    ComplianceFormScreen .item-row Select { width: 14; margin-right: 1; }
    ComplianceFormScreen .item-row Input { width: 1fr; }
    ComplianceFormScreen .form-row Input { width: 1fr; }
    ComplianceFormScreen .form-row Select { width: 1fr; }
    ComplianceFormScreen #response { height: 6; }
    ComplianceFormScreen .buttons { height: auto; margin-top: 1; }
    ComplianceFormScreen .buttons Button { margin-right: 1; }
    ComplianceFormScreen #summary, ComplianceFormScreen #concerns { height: auto; }
    """

    def __init__(
        self,
        child_ref: str | None = None,
        meeting_child_id: uuid.UUID | None = None,
        form_id: uuid.UUID | None = None,
    ) -> None:
        super().__init__()
        if form_id is None and not child_ref:
            raise ValueError("give a form_id to open a form or a child_ref to start one")
        self.child_ref = child_ref
        self.meeting_child_id = meeting_child_id
        self.form_id = form_id
        self.detail: FormDetail | None = None
        self.facts: NewFormFacts | None = None
        self._saved_values: dict[str, Any] | None = None

    # --- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static("Compliance form", id="title", classes="screen-title")
        with VerticalScroll(id="body"):
            yield Static("Loading…", id="summary", markup=False)
            yield error_line("error-form")
            if self.form_id is None:
                with Horizontal(classes="form-row", id="meeting-row"):
                    yield Label("Meeting", classes="form-label")
                    yield Select[int]([], id="meeting", prompt="Choose the meeting")
                for field in ("meeting_id", "meeting_kind", "child_ref", "iro_name"):
                    yield error_line(error_id(field))
            # Once sent, the reply is what is waited for: it comes first.
            with Vertical(id="response-section", classes="form-row"):
                yield Static("Team Manager's response", classes="section")
                with Horizontal(classes="form-row"):
                    yield Label("Responded on", classes="form-label")
                    yield Input(id="responded", placeholder="YYYY-MM-DD")
                yield error_line("error-responded")
                yield Label("What the Team Manager said")
                yield TextArea(id="response")
                yield error_line("error-response")
                with Horizontal(classes="buttons", id="record-row"):
                    yield Button("Record response (Ctrl+S)", id="record", variant="primary")
            yield Static("Checklist", classes="section")
            for number, (key, question) in enumerate(COMPLIANCE_ITEMS.items(), start=1):
                yield Static(f"{number}. {question}", classes="question")
                with Horizontal(classes="item-row"):
                    yield Select[str](
                        ANSWER_OPTIONS, id=f"answer-{key}", prompt="answer", compact=True
                    )
                    yield Input(id=f"comment-{key}", placeholder="comment", compact=True)
                yield error_line(error_id(f"{key}.answer"))
                yield error_line(error_id(f"{key}.comment"))
            with Vertical(id="send-section", classes="form-row"):
                yield Static("Send to the Team Manager", classes="section")
                with Horizontal(classes="form-row"):
                    yield Label("Team Manager", classes="form-label")
                    yield Input(id="team_manager", placeholder="name of the Team Manager")
                yield error_line("error-team_manager")
                with Horizontal(classes="form-row"):
                    yield Label("Sent on", classes="form-label")
                    yield Input(id="sent", placeholder="YYYY-MM-DD")
                yield error_line("error-sent")
                yield error_line("error-meeting_date")
                wd = self.desk.ctx.ts.compliance_response_wd
                yield Static(
                    f"The response is due {wd} working days after the form is sent.",
                    classes="muted",
                    id="send-hint",
                )
                with Horizontal(classes="buttons"):
                    yield Button("Save draft (Ctrl+S)", id="save")
                    yield Button("Send (Ctrl+T)", id="send", variant="primary")
            yield Static("Concerns", classes="section")
            yield Static("", id="concerns", markup=False)
            with Horizontal(classes="buttons", id="escalate-row"):
                yield Button("Escalate concerns (e)", id="escalate", variant="warning")
            for field in ("holder", "raised", "stage", "escalate"):
                yield error_line(error_id(field))
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#response-section").display = False
        self.query_one("#escalate-row").display = False
        today = self.iro_app.today.isoformat()
        self.query_one("#sent", Input).value = today
        self.query_one("#responded", Input).value = today
        if self.form_id is not None:
            self.load_form(self.form_id)
        else:
            self.load_new()

    # --- loading --------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="compliance-form-load")
    def load_form(self, form_id: uuid.UUID) -> None:
        try:
            with self.desk.read() as session:
                detail = form_detail(session, self.desk.ctx, form_id)
        except InvalidInput as exc:
            self.app.call_from_thread(self._problems, exc.problems)
            return
        self.app.call_from_thread(self._show_form, detail)

    @work(thread=True, exclusive=True, group="compliance-form-load")
    def load_new(self) -> None:
        assert self.child_ref is not None
        ctx = self.desk.ctx
        today = self.iro_app.today
        try:
            with self.desk.read() as session:
                child = child_by_ref(session, self.child_ref, field="child_ref")
                forms = forms_for_child(session, child.id)
                with_form = {(f.meeting_kind, f.meeting_date) for f in forms}
                choices: list[MeetingChoice] = []
                pairs = meetings_of(session, child.id)
                for meeting, attended in reversed(pairs):  # newest first
                    kind = FORM_KIND_OF.get(attended.kind)
                    if kind is None:
                        continue
                    choices.append(
                        MeetingChoice(
                            meeting_id=meeting.id,
                            meeting_child_id=attended.id,
                            kind=kind,
                            label=f"{attended.kind} held {long_day(attended.meeting_date)}",
                            has_form=(kind, attended.meeting_date) in with_form,
                        )
                    )
                    if len(choices) >= RECENT_MEETINGS:
                        break
                iro = self.iro_app.me
                if iro is None:
                    row = build_caseload_for_child(session, ctx, child.id, today)
                    iro = row.iro if row else None
                facts = NewFormFacts(
                    child_ref=child.ref,
                    child_name=display_name(child),
                    iro_name=iro,
                    choices=tuple(choices)
                    + tuple(
                        MeetingChoice(None, None, kind, f"{kind}: not recorded here", False)
                        for kind in ("LAR", "ICPC", "RCPC")
                    ),
                    default=_default_choice(choices, self.meeting_child_id),
                    team_manager=next((f.team_manager for f in forms if f.team_manager), ""),
                )
        except InvalidInput as exc:
            self.app.call_from_thread(self._problems, exc.problems)
            return
        self.app.call_from_thread(self._show_new, facts)

    def _show_new(self, facts: NewFormFacts) -> None:
        self.facts = facts
        select = self.query_one("#meeting", Select)
        select.set_options(
            (choice.label + (" (has a form)" if choice.has_form else ""), index)
            for index, choice in enumerate(facts.choices)
        )
        select.value = facts.default
        self.query_one("#team_manager", Input).value = facts.team_manager
        self.query_one("#title", Static).update(
            literal(f"New compliance form · {facts.child_name} ({facts.child_ref})")
        )
        self.query_one("#summary", Static).update(
            literal(
                f"IRO: {facts.iro_name or '(no IRO: you are not an IRO and none is allocated)'}"
                "\nStatus: new (not saved yet)"
            )
        )
        self.query_one("#concerns", Static).update(
            "Save the form (Ctrl+S) to escalate its concerns to Issues Resolution."
        )
        self._saved_values = self._values()
        self.refresh_bindings()
        self.query_one("#meeting", Select).focus()

    def _show_form(self, detail: FormDetail) -> None:
        self.detail = detail
        self.form_id = detail.id
        if self.query("#meeting-row"):
            # Saved: the form now belongs to its meeting for good.
            self.query_one("#meeting-row").display = False
        when = f" on {long_day(detail.meeting_date)}" if detail.meeting_date else ""
        self.query_one("#title", Static).update(
            literal(
                f"Compliance form · {detail.child_name} ({detail.child_ref}) · "
                f"{detail.meeting_kind}{when}"
            )
        )
        for item in detail.items:
            answer = self.query_one(f"#answer-{item.key}", Select)
            if item.answer is None:
                answer.clear()
            else:
                answer.value = item.answer
            self.query_one(f"#comment-{item.key}", Input).value = item.comment
        draft = detail.status == FormStatus.DRAFT
        for widget in self.query(".item-row Select, .item-row Input"):
            widget.disabled = not draft
        team_manager = self.query_one("#team_manager", Input)
        team_manager.value = detail.team_manager
        team_manager.disabled = not draft
        sent = self.query_one("#sent", Input)
        if detail.sent_date:
            sent.value = detail.sent_date.isoformat()
        sent.disabled = not draft
        # Once sent, the summary says to whom and when: the send fields would only repeat it.
        self.query_one("#send-section").display = draft
        self.query_one("#response-section").display = not draft
        responded = self.query_one("#responded", Input)
        response = self.query_one("#response", TextArea)
        if detail.status == FormStatus.ANSWERED:
            responded.value = detail.response_date.isoformat() if detail.response_date else ""
            response.text = detail.response
        responded.disabled = detail.status == FormStatus.ANSWERED
        response.read_only = detail.status == FormStatus.ANSWERED
        self.query_one("#record-row").display = detail.status == FormStatus.SENT
        self.query_one("#summary", Static).update(literal(_summary_text(detail)))
        self.query_one("#summary", Static).set_class(detail.response_overdue, "overdue")
        self.query_one("#concerns", Static).update(literal(_concerns_text(detail)))
        self.query_one("#escalate-row").display = self._can_escalate()
        self._saved_values = self._values()
        self.refresh_bindings()

    # --- what is on screen ------------------------------------------------------------------

    def _values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for key in COMPLIANCE_ITEMS:
            answer = self.query_one(f"#answer-{key}", Select).value
            values[f"answer-{key}"] = None if answer is Select.NULL else answer
            values[f"comment-{key}"] = self.query_one(f"#comment-{key}", Input).value
        for input_id in ("team_manager", "sent", "responded"):
            values[input_id] = self.query_one(f"#{input_id}", Input).value
        values["response"] = self.query_one("#response", TextArea).text
        if self.form_id is None and self.query("#meeting"):
            values["meeting"] = self.query_one("#meeting", Select).value
        return values

    def changed(self) -> bool:
        return self._saved_values is not None and self._values() != self._saved_values

    def _answers(self, values: dict[str, Any]) -> dict[str, tuple[str, str]]:
        """Items with an answer or a comment (a comment alone is refused: no answer)."""
        answers: dict[str, tuple[str, str]] = {}
        for key in COMPLIANCE_ITEMS:
            answer = values[f"answer-{key}"] or ""
            comment = values[f"comment-{key}"]
            if answer or comment.strip():
                answers[key] = (answer, comment)
        return answers

    def _chosen_meeting(self) -> MeetingChoice | None:
        if self.facts is None:
            return None
        value = self.query_one("#meeting", Select).value
        return None if value is Select.NULL else self.facts.choices[int(value)]  # type: ignore[arg-type]

    def on_select_changed(self, event: Select.Changed) -> None:
        # Say what a "no" needs before the user tries to save without it.
        select_id = event.select.id or ""
        if select_id.startswith("answer-"):
            key = select_id.removeprefix("answer-")
            comment = self.query_one(f"#comment-{key}", Input)
            comment.placeholder = (
                "required: say what is missing" if event.value == "no" else "comment"
            )

    # --- actions ---------------------------------------------------------------------------

    @property
    def status(self) -> str | None:
        return self.detail.status if self.detail else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The footer offers only what the form's state allows.
        if action == "send":
            return self.status in (None, FormStatus.DRAFT)
        if action == "save":
            return self.status != FormStatus.ANSWERED
        if action == "escalate":
            return self._can_escalate()
        return True

    def _can_escalate(self) -> bool:
        """A saved draft (its "no" answers may be on screen only) or a form with concerns."""
        detail = self.detail
        return detail is not None and (detail.status == FormStatus.DRAFT or bool(detail.concerns))

    def action_save(self) -> None:
        if self.status == FormStatus.SENT:
            self._record_response()
        elif self.status == FormStatus.ANSWERED:
            self.notify("This form is answered: nothing more to save.")
        elif self.detail is not None or self.facts is not None:
            self._submit(send=False)

    def action_send(self) -> None:
        if self.status in (FormStatus.SENT, FormStatus.ANSWERED):
            assert self.detail is not None
            self.notify(
                f"Already sent to {self.detail.team_manager} on {day(self.detail.sent_date)}."
            )
        elif self.detail is not None or self.facts is not None:
            self._submit(send=True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        actions = {
            "save": self.action_save,
            "send": self.action_send,
            "record": self.action_save,
            "escalate": self.action_escalate,
        }
        action = actions.get(event.button.id or "")
        if action is not None:
            event.stop()
            action()

    def _submit(self, *, send: bool) -> None:
        if writing(self, WRITE_GROUP):
            return
        values = self._values()
        sent: date | None = None
        if send:
            try:
                sent = parse_date("sent", values["sent"])
            except InvalidInput as exc:
                self._problems(exc.problems)
                return
        choice = self._chosen_meeting() if self.form_id is None else None
        if self.form_id is None and choice is None:
            self._problems([Problem("meeting_id", "choose the meeting the form follows")])
            return
        self.write_draft(self._answers(values), choice, values["team_manager"], sent)

    @work(thread=True, group=WRITE_GROUP)
    def write_draft(
        self,
        answers: dict[str, tuple[str, str]],
        choice: MeetingChoice | None,
        team_manager: str,
        sent: date | None,
    ) -> None:
        ctx = self.desk.ctx
        try:
            with self.desk.write() as session:
                form_id = self.form_id
                if form_id is None:
                    assert choice is not None and self.facts is not None
                    form = start_form(
                        session,
                        ctx,
                        child_ref=self.facts.child_ref,
                        meeting_id=choice.meeting_id,
                        meeting_kind=choice.kind,
                        iro_name=self.facts.iro_name or "",
                    )
                    form_id = form.id
                if answers:
                    answer_items(session, ctx, form_id, answers)
                if sent is not None:
                    send_form(session, ctx, form_id, team_manager=team_manager, sent=sent)
                detail = form_detail(session, ctx, form_id)
        except InvalidInput as exc:
            self.app.call_from_thread(self._problems, exc.problems)
            return
        if sent is not None:
            message = (
                f"Sent to {detail.team_manager}; response due {long_day(detail.response_due)}."
            )
        else:
            message = f"Compliance form saved ({len(detail.unanswered)} questions left to answer)."
        self.app.call_from_thread(self._after_write, detail, message)

    def _record_response(self) -> None:
        assert self.detail is not None
        if writing(self, WRITE_GROUP):
            return
        values = self._values()
        try:
            responded = parse_date("responded", values["responded"])
        except InvalidInput as exc:
            self._problems(exc.problems)
            return
        assert responded is not None
        self.write_response(self.detail.id, responded, values["response"])

    @work(thread=True, group=WRITE_GROUP)
    def write_response(self, form_id: uuid.UUID, responded: date, response: str) -> None:
        ctx = self.desk.ctx
        try:
            with self.desk.write() as session:
                record_response(session, ctx, form_id, responded=responded, response=response)
                detail = form_detail(session, ctx, form_id)
        except InvalidInput as exc:
            self.app.call_from_thread(self._problems, exc.problems)
            return
        in_time = "in time" if detail.responded_in_time else "late"
        self.app.call_from_thread(
            self._after_write, detail, f"Team Manager's response recorded ({in_time})."
        )

    def action_escalate(self) -> None:
        if writing(self, WRITE_GROUP):
            return
        if self.detail is None:
            self._problems(
                [Problem("escalate", "save the form first (Ctrl+S): it has no concerns yet")]
            )
            return
        values = self._values()
        answers = self._answers(values) if self.status == FormStatus.DRAFT else {}
        holder = values["team_manager"].strip() or None
        self.write_escalation(self.detail.id, answers, holder)

    @work(thread=True, group=WRITE_GROUP)
    def write_escalation(
        self, form_id: uuid.UUID, answers: dict[str, tuple[str, str]], holder: str | None
    ) -> None:
        ctx = self.desk.ctx
        try:
            with self.desk.write() as session:
                # Unsaved answers count: the case lists the concerns as they are on screen.
                if answers:
                    answer_items(session, ctx, form_id, answers)
                case = raise_from_form(
                    session, ctx, form_id, raised=self.iro_app.today, holder=holder
                )
                case_id = case.id
                detail = form_detail(session, ctx, form_id)
        except InvalidInput as exc:
            problems = [
                Problem("escalate", p.reason) if p.field == "form" else p for p in exc.problems
            ]
            self.app.call_from_thread(self._problems, problems)
            return
        self.app.call_from_thread(self._after_escalation, detail, case_id)

    def _after_escalation(self, detail: FormDetail, case_id: uuid.UUID) -> None:
        from iro_desk.screens.resolution_case import CaseScreen

        self._after_write(detail, "Issues Resolution case raised from the form's concerns.")
        self.app.push_screen(CaseScreen(case_id))

    def _after_write(self, detail: FormDetail, message: str) -> None:
        clear_problems(self)
        self._show_form(detail)
        self.notify(message)

    def _problems(self, problems: list[Problem]) -> None:
        first = show_problems(self, problems, fallback="error-form")
        if first is not None:
            first.scroll_visible(animate=False)
        self.notify("Not saved: see the reasons on the form.", severity="error")

    def action_cancel(self) -> None:
        leave_or_ask(
            self,
            self.changed(),
            "Discard the unsaved changes to this compliance form?",
            self.app.pop_screen,
        )


def _default_choice(choices: list[MeetingChoice], meeting_child_id: uuid.UUID | None) -> int:
    """The meeting asked for, else the latest one without a form, else the latest."""
    for index, choice in enumerate(choices):
        if meeting_child_id is not None and choice.meeting_child_id == meeting_child_id:
            return index
    for index, choice in enumerate(choices):
        if not choice.has_form:
            return index
    return 0


def _concerns_text(detail: FormDetail) -> str:
    if not detail.concerns:
        return "None saved (no question answered no)."
    return "\n".join(f"- {item.question} No: {item.comment}" for item in detail.concerns)


def _summary_text(detail: FormDetail) -> str:
    lines = [f"{detail.meeting_label} · IRO {detail.iro_name}"]
    if detail.status == FormStatus.DRAFT:
        left = len(detail.unanswered)
        lines.append(f"Status: draft, not sent ({left} of {len(detail.items)} unanswered)")
    else:
        lines.append(
            f"Status: {detail.status} · sent to {detail.team_manager} on {day(detail.sent_date)}"
            f" · response due {long_day(detail.response_due)}"
        )
    if detail.status == FormStatus.SENT and detail.response_overdue:
        lines.append("The Team Manager's response is OVERDUE.")
    if detail.status == FormStatus.ANSWERED:
        timing = "in time" if detail.responded_in_time else "late"
        lines.append(f"Answered on {day(detail.response_date)} ({timing})")
    if detail.concerns:
        lines.append(f"Concerns: {len(detail.concerns)} (answered no)")
    return "\n".join(lines)
