"""One compliance (quality-assurance) form: answer the checklist, send it, record the reply.

A new form is started for a child after a LAR, ICPC or RCPC (the meeting is picked from
the child's recent meetings); an existing one opens by its id. The form is a draft until
sent to the Team Manager; then its answers are frozen and the response clock runs.
"""

from __future__ import annotations

import uuid
from datetime import date
from functools import partial
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Header, Input, Label, Select, Static, TextArea

from iro_desk.rules.codes import COMPLIANCE_ITEMS, MEETING_KIND_LABELS
from iro_desk.screens.base import DeskScreen
from iro_desk.screens.dialogs.confirm import leave_or_ask
from iro_desk.services.compliance import FormDetail, FormStatus
from iro_desk.services.compliance_actions import (
    MeetingChoice,
    NewFormFacts,
    load_form,
    new_form_facts,
    record_form_response,
    save_form,
)
from iro_desk.services.display import literal
from iro_desk.services.errors import InvalidInput, Problem
from iro_desk.widgets.child_format import day, long_day
from iro_desk.widgets.desk_footer import DeskFooter
from iro_desk.widgets.desk_select import DeskSelect
from iro_desk.widgets.form_kit import DATE_PLACEHOLDER, FIELD_LABELS, FormKit, error_line

# --- the form screen -----------------------------------------------------------------------

ANSWER_OPTIONS: list[tuple[str, str]] = [("yes", "yes"), ("no", "no"), ("n/a", "na")]


class ComplianceFormScreen(FormKit, DeskScreen):
    FORM_ERROR = "error-form"
    LABELS = FIELD_LABELS
    SAVE_GROUP = "compliance-form-write"
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

**e** (when you are not typing in a field) or the *Escalate concerns* button opens a new
Issues Resolution case with the form's concerns (its "no" answers) written out as the
issue, at stage 1, held by the Team Manager: edit it, then **Ctrl+S** raises the case
(linked to the form) and opens it. **Escape** there raises nothing.
"""

    # Start on the scrolling body, not a text field, so the one-letter keys work at once.
    AUTO_FOCUS = "#body"

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="form_save"),
        Binding("ctrl+t", "send", "Send", id="form_send"),
        Binding("e", "escalate", "Escalate concerns", id="form_escalate"),
        Binding("escape", "cancel", "Back", id="form_back"),
    ]

    DRAFT_KIND = "compliance"
    REQUIRED = ("meeting", *(f"answer-{key}" for key in COMPLIANCE_ITEMS))
    DRAFT_FIELDS = (
        *(f"{part}-{key}" for key in COMPLIANCE_ITEMS for part in ("answer", "comment")),
        "team_manager",
        "sent",
        "responded",
        "response",
        "meeting",
    )

    def __init__(
        self,
        child_ref: str | None = None,
        meeting_child_id: uuid.UUID | None = None,
        form_id: uuid.UUID | None = None,
        restore: dict[str, Any] | None = None,
    ) -> None:
        super().__init__()
        self.restore = restore  # a draft left when the terminal closed
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
            yield error_line("form")
            if self.form_id is None:
                with Horizontal(classes="form-row", id="meeting-row"):
                    yield Label("Meeting", classes="form-label")
                    yield DeskSelect[int]([], id="meeting", prompt="Choose the meeting")
                for field in ("meeting_id", "meeting_kind", "child_ref", "iro_name"):
                    yield error_line(field)
            # Once sent, the reply is what is waited for: it comes first.
            with Vertical(id="response-section", classes="form-row"):
                yield Static("Team Manager's response", classes="section")
                with Horizontal(classes="form-row"):
                    yield Label("Responded on", classes="form-label")
                    yield Input(id="responded", placeholder=DATE_PLACEHOLDER)
                yield error_line("responded")
                yield Label("What the Team Manager said")
                yield TextArea(id="response")
                yield error_line("response")
                with Horizontal(classes="buttons", id="record-row"):
                    yield Button("Record response (Ctrl+S)", id="record", variant="primary")
            yield Static("Checklist", classes="section")
            for number, (key, question) in enumerate(COMPLIANCE_ITEMS.items(), start=1):
                yield Static(f"{number}. {question}", classes="question")
                with Horizontal(classes="item-row"):
                    yield DeskSelect[str](
                        ANSWER_OPTIONS, id=f"answer-{key}", prompt="answer", compact=True
                    )
                    yield Input(id=f"comment-{key}", placeholder="comment", compact=True)
                yield error_line(f"{key}.answer")
                yield error_line(f"{key}.comment")
            with Vertical(id="send-section", classes="form-row"):
                yield Static("Send to the Team Manager", classes="section")
                with Horizontal(classes="form-row"):
                    yield Label("Team Manager", classes="form-label")
                    yield Input(id="team_manager", placeholder="name of the Team Manager")
                yield error_line("team_manager")
                with Horizontal(classes="form-row"):
                    yield Label("Sent on", classes="form-label")
                    yield Input(id="sent", placeholder=DATE_PLACEHOLDER)
                yield error_line("sent")
                yield error_line("meeting_date")
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
                yield error_line(field)
        yield DeskFooter()

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
            detail = load_form(self.desk, form_id=form_id)
        except InvalidInput as exc:
            self.app.call_from_thread(self.show_problems, exc.problems)
            return
        self.app.call_from_thread(self._show_form, detail)

    @work(thread=True, exclusive=True, group="compliance-form-load")
    def load_new(self) -> None:
        assert self.child_ref is not None
        try:
            facts = new_form_facts(
                self.desk,
                child_ref=self.child_ref,
                me=self.iro_app.me,
                meeting_child_id=self.meeting_child_id,
                today=self.iro_app.today,
            )
        except InvalidInput as exc:
            self.app.call_from_thread(self.show_problems, exc.problems)
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
        self._keep_drafts()
        self.refresh_bindings()
        self.focus_first_empty()

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
        self._keep_drafts()
        self.refresh_bindings()

    # --- drafts -----------------------------------------------------------------------------

    def draft_key(self) -> str:
        return str(self.form_id) if self.form_id is not None else f"new:{self.child_ref}"

    def draft_state(self) -> dict[str, Any]:
        return self._values()

    def _keep_drafts(self) -> None:
        """From the form as loaded or saved; a draft handed in is put back over it once."""
        blank = self.draft_state()
        if self.restore:
            self.fill_draft(self.restore)
            self.restore = None
        self.start_drafts(blank)

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
        if self.busy:
            return
        values = self._values()
        sent: date | None = None
        if send:
            sent = self.typed_date("sent", values["sent"])
            if sent is None:
                return
        choice = self._chosen_meeting() if self.form_id is None else None
        if self.form_id is None and choice is None:
            self.show_problems([Problem("meeting_id", "choose the meeting the form follows")])
            return
        new = (self.facts, choice) if self.facts is not None and choice is not None else None
        job = partial(
            save_form,
            self.desk,
            form_id=self.form_id,
            new=new,
            answers=self._answers(values),
            team_manager=values["team_manager"],
            sent=sent,
        )
        self.save(job, partial(self._after_draft, sent is not None))

    def _after_draft(self, sent: bool, detail: FormDetail) -> None:
        if sent:
            message = (
                f"Sent to {detail.team_manager}; response due {long_day(detail.response_due)}."
            )
        else:
            message = f"Compliance form saved ({len(detail.unanswered)} questions left to answer)."
        self._after_write(detail, message)

    def _record_response(self) -> None:
        assert self.detail is not None
        if self.busy:
            return
        values = self._values()
        responded = self.typed_date("responded", values["responded"])
        if responded is None:
            return
        job = partial(
            record_form_response,
            self.desk,
            form_id=self.detail.id,
            responded=responded,
            response=values["response"],
        )
        self.save(job, self._after_response)

    def _after_response(self, detail: FormDetail) -> None:
        in_time = "in time" if detail.responded_in_time else "late"
        self._after_write(detail, f"Team Manager's response recorded ({in_time}).")

    def action_escalate(self) -> None:
        if self.busy:
            return
        if self.detail is None:
            self.show_problems(
                [Problem("escalate", "save the form first (Ctrl+S): it has no concerns yet")]
            )
            return
        values = self._values()
        concerns = [
            f"- {question} No: {values[f'comment-{key}']}"
            for key, question in COMPLIANCE_ITEMS.items()
            if values[f"answer-{key}"] == "no"
        ]
        if not concerns:
            self.show_problems([Problem("escalate", "no question is answered no: no concerns")])
            return
        kind = MEETING_KIND_LABELS.get(self.detail.meeting_kind, self.detail.meeting_kind)
        # The case form opens with the issue written out, for the IRO to edit before saving.
        self.iro_app.open_form(
            "raise_case",
            child_ref=self.detail.child_ref,
            from_form=self.detail.id,
            issue="\n".join([f"Concerns from the compliance form after the {kind}:", *concerns]),
            holder=values["team_manager"].strip(),
            answers=self._answers(values) if self.status == FormStatus.DRAFT else {},
        )

    def on_screen_resume(self) -> None:
        # Back from raising a case: show the form as it now is (unless edits are pending).
        if self.detail is not None and not self.changed():
            self.load_form(self.detail.id)

    def _after_write(self, detail: FormDetail, message: str) -> None:
        self._show_form(detail)
        self.notify(message)

    def action_cancel(self) -> None:
        leave_or_ask(
            self,
            self.changed() or self.unsaved,
            "Discard the unsaved changes to this compliance form?",
            lambda: self.drop_draft_then(self.app.pop_screen),
        )


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
