"""One Issues Resolution case (its issue and stage history), the steps it can take, and
the form that raises a new case for a child."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import (
    Button,
    DataTable,
    Footer,
    Header,
    Input,
    Label,
    Select,
    Static,
    TextArea,
)

from iro_desk.rules.codes import RESOLUTION_STAGES
from iro_desk.screens.base import DeskModal, DeskScreen
from iro_desk.screens.compliance_form import (
    clear_problems,
    due_style,
    error_id,
    error_line,
    show_problems,
    writing,
)
from iro_desk.screens.confirm import ConfirmScreen, leave_or_ask
from iro_desk.services.caseload import build_caseload_for_child
from iro_desk.services.children import child_by_ref, display_name
from iro_desk.services.display import literal
from iro_desk.services.errors import InvalidInput, Problem
from iro_desk.services.resolution import (
    CaseDetail,
    CaseStatus,
    case_detail,
    escalate,
    raise_case,
    refer_to_cafcass,
    resolve,
)
from iro_desk.services.validate import parse_date
from iro_desk.widgets.child_format import day, first_line, long_day, styled

LAST_STAGE = max(RESOLUTION_STAGES)
STATUS_WORDS = {"open": "open", "resolved": "resolved", "cafcass": "referred to Cafcass"}


class CaseScreen(DeskScreen):
    HELP = """\
# Issues Resolution case

One case: the issue the IRO raised, every stage it has been through (who held it, when
it started, when it was due and when it ended) and, once closed, its outcome. A stage
that ran past its due date is red.

- **x** escalates to the next stage (informal → stage 1 Team Manager → stage 2 Service
  Manager → stage 3 Head of Service → stage 4 Director): give who holds it now, a note
  and the date.
- **v** resolves the case with its outcome.
- **f** refers the case to Cafcass (asks first): the case then leaves the local process.
- **o** opens the compliance form the case was raised from, if any.
"""

    BINDINGS = [
        Binding("x", "escalate", "Escalate", id="case_escalate"),
        Binding("v", "resolve", "Resolve", id="case_resolve"),
        Binding("f", "cafcass", "Refer to Cafcass", id="case_cafcass"),
        Binding("o", "open_form", "Open form", id="case_form"),
    ]

    DEFAULT_CSS = """
    CaseScreen #body { height: 1fr; padding: 0 1; }
    CaseScreen .section { margin-top: 1; text-style: bold; color: $accent; }
    CaseScreen #stages { max-height: 12; }
    CaseScreen #summary, CaseScreen #issue, CaseScreen #outcome { height: auto; }
    """

    def __init__(self, case_id: uuid.UUID) -> None:
        super().__init__()
        self.case_id = case_id
        self.detail: CaseDetail | None = None

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static("Issues Resolution case", id="title", classes="screen-title")
        with VerticalScroll(id="body"):
            yield Static("Loading…", id="summary", markup=False)
            yield Static("Issue", classes="section")
            yield Static("", id="issue", markup=False)
            yield Static("Stages", classes="section")
            yield DataTable(id="stages", cursor_type="row", zebra_stripes=True)
            yield Static("Outcome", classes="section", id="outcome-title")
            yield Static("", id="outcome", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#stages", DataTable)
        # app.tcss gives every DataTable 1fr (it outranks DEFAULT_CSS); a case has a few rows.
        table.styles.height = "auto"
        for label in ("Stage", "Started", "Due", "Ended", "Held by", "Note"):
            table.add_column(label, key=label.lower())
        self.query_one("#outcome-title").display = False
        self.query_one("#outcome").display = False
        self.load()

    @work(thread=True, exclusive=True, group="case-load")
    def load(self) -> None:
        try:
            with self.desk.read() as session:
                detail = case_detail(session, self.desk.ctx, self.case_id)
        except InvalidInput as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        self.app.call_from_thread(self._show, detail)

    def _show(self, detail: CaseDetail) -> None:
        self.detail = detail
        self.query_one("#title", Static).update(
            literal(
                f"Issues Resolution · {detail.child_name} ({detail.child_ref}) · "
                f"{STATUS_WORDS.get(detail.status, detail.status)}"
            )
        )
        lines = [f"Raised {day(detail.raised)} by {detail.iro_name}"]
        if detail.current is not None:
            held = f", held by {detail.current.holder}" if detail.current.holder else ""
            late = " - OVERDUE" if detail.overdue else ""
            lines.append(f"Now at {detail.current.label}{held}; due {long_day(detail.due)}{late}")
        elif detail.status == CaseStatus.RESOLVED:
            timing = "in time" if detail.resolved_in_time else "after its stage was due"
            lines.append(f"Resolved {day(detail.resolved_date)} ({timing})")
        elif detail.status == CaseStatus.CAFCASS:
            lines.append(f"Referred to Cafcass {day(detail.cafcass_referred)}")
        if detail.compliance_form_id is not None:
            lines.append("Raised from a compliance form (o opens it)")
        summary = self.query_one("#summary", Static)
        summary.update(literal("\n".join(lines)))
        summary.set_class(detail.overdue, "overdue")
        self.query_one("#issue", Static).update(literal(detail.issue))
        table = self.query_one("#stages", DataTable)
        table.clear()
        for index, stage in enumerate(detail.stages):
            style = due_style(self.app, stage.late, None)
            table.add_row(
                styled(stage.label, style),
                styled(day(stage.started)),
                styled(day(stage.due), style),
                styled(day(stage.ended)),
                styled(stage.holder or "—"),
                styled(first_line(stage.note)),
                key=str(index),
            )
        closed = detail.status != CaseStatus.OPEN
        self.query_one("#outcome-title").display = closed
        outcome = self.query_one("#outcome", Static)
        outcome.update(literal(detail.outcome))
        outcome.display = closed
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The footer offers only the steps the case can still take.
        if action in ("escalate", "resolve", "cafcass"):
            return self.detail is not None and self.detail.status == CaseStatus.OPEN
        if action == "open_form":
            return self.detail is not None and self.detail.compliance_form_id is not None
        return True

    # --- steps ----------------------------------------------------------------------------

    def _open_case(self) -> CaseDetail | None:
        """The case, if it is loaded and still open (else say why nothing happens)."""
        if self.detail is None:
            return None
        if self.detail.status != CaseStatus.OPEN:
            word = STATUS_WORDS.get(self.detail.status, self.detail.status)
            self.notify(f"The case is closed ({word}): nothing more to do.", severity="warning")
            return None
        return self.detail

    def _after_step(self, done: bool | None) -> None:
        if done:
            self.load()

    def action_escalate(self) -> None:
        detail = self._open_case()
        if detail is None or detail.current is None:
            return
        if detail.current.stage >= LAST_STAGE:
            self.notify(
                f"The case is at {detail.current.label}, the last stage: "
                "resolve it (v) or refer it to Cafcass (f).",
                severity="warning",
            )
            return
        self.app.push_screen(StepScreen("escalate", detail), self._after_step)

    def action_resolve(self) -> None:
        detail = self._open_case()
        if detail is not None:
            self.app.push_screen(StepScreen("resolve", detail), self._after_step)

    def action_cafcass(self) -> None:
        detail = self._open_case()
        if detail is None:
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.app.push_screen(StepScreen("cafcass", detail), self._after_step)

        self.app.push_screen(
            ConfirmScreen("Refer this case to Cafcass?", yes="Refer"),
            confirmed,
        )

    def action_open_form(self) -> None:
        if self.detail is None:
            return
        if self.detail.compliance_form_id is None:
            self.notify("This case was not raised from a compliance form.")
            return
        from iro_desk.screens.compliance_form import ComplianceFormScreen

        self.app.push_screen(ComplianceFormScreen(form_id=self.detail.compliance_form_id))


# --- one step of a case: escalate, resolve or refer ------------------------------------------

STEP_TITLES = {
    "escalate": "Escalate to {next}",
    "resolve": "Resolve the case",
    "cafcass": "Refer the case to Cafcass",
}


class StepScreen(DeskModal[bool]):
    """Escalate, resolve or refer a case to Cafcass: the fields each needs, then save."""

    HELP = """\
# A step in an Issues Resolution case

- **Escalate**: who holds the issue at the next stage, a note of why it is escalated and
  the date (today unless you change it).
- **Resolve**: the outcome (what was agreed or done) and the date.
- **Refer to Cafcass**: the reasons for the referral and the date.

Dates are YYYY-MM-DD. **Ctrl+S** saves, **Escape** cancels.
"""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="step_save"),
        Binding("escape", "cancel", "Cancel", id="step_cancel"),
    ]

    DEFAULT_CSS = """
    StepScreen { align: center middle; }
    StepScreen > VerticalScroll {
        width: 76; max-width: 98%; height: auto; max-height: 98%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    StepScreen .step-title { text-style: bold; margin-bottom: 1; }
    StepScreen .form-row Input { width: 1fr; }
    StepScreen TextArea { height: 4; }
    StepScreen .buttons { height: auto; align-horizontal: right; }
    StepScreen .buttons Button { margin-left: 1; }
    """

    def __init__(self, kind: str, detail: CaseDetail) -> None:
        super().__init__()
        if kind not in STEP_TITLES:
            raise ValueError(f"no such step {kind!r}")
        self.kind = kind
        self.detail = detail
        self._start: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        current = self.detail.current
        next_label = RESOLUTION_STAGES.get(current.stage + 1, "") if current else ""
        # Scrolls when the reasons for a refusal make it taller than a small terminal.
        with VerticalScroll():
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
                yield error_line("error-holder")
            text_id = "outcome" if self.kind == "resolve" else "note"
            yield Label(
                {"escalate": "Why it is escalated", "resolve": "Outcome", "cafcass": "Reasons"}[
                    self.kind
                ]
            )
            yield TextArea(id=text_id)
            yield error_line(error_id(text_id))
            with Horizontal(classes="form-row"):
                yield Label("Date", classes="form-label")
                yield Input(self.iro_app.today.isoformat(), id="on", placeholder="YYYY-MM-DD")
            yield error_line("error-on")
            yield error_line("error-step")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Save (Ctrl+S)", id="save", variant="primary")

    def on_mount(self) -> None:
        self._start = self._values()
        first = self.query("#holder") or self.query(TextArea)
        first.first().focus()

    def _values(self) -> dict[str, str]:
        values = {"on": self.query_one("#on", Input).value}
        if self.query("#holder"):
            values["holder"] = self.query_one("#holder", Input).value
        for area in self.query(TextArea):
            values[area.id or ""] = area.text
        return values

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def action_save(self) -> None:
        if writing(self, "case-step"):
            return
        values = self._values()
        try:
            on = parse_date("on", values["on"])
        except InvalidInput as exc:
            show_problems(self, exc.problems, fallback="error-step")
            return
        assert on is not None
        self.write(values, on)

    @work(thread=True, group="case-step")
    def write(self, values: dict[str, str], on: date) -> None:
        ctx = self.desk.ctx
        case_id = self.detail.id
        try:
            with self.desk.write() as session:
                if self.kind == "escalate":
                    row = escalate(
                        session, ctx, case_id, on=on, holder=values["holder"], note=values["note"]
                    )
                    message = (
                        f"Escalated to {RESOLUTION_STAGES[row.stage]}; due {long_day(row.due)}."
                    )
                elif self.kind == "resolve":
                    resolve(session, ctx, case_id, on=on, outcome=values["outcome"])
                    message = "Case resolved."
                else:
                    refer_to_cafcass(session, ctx, case_id, on=on, note=values["note"])
                    message = "Case referred to Cafcass."
        except InvalidInput as exc:
            self.app.call_from_thread(self._problems, exc.problems)
            return
        self.app.call_from_thread(self._done, message)

    def _problems(self, problems: list[Problem]) -> None:
        show_problems(self, problems, fallback="error-step")

    def _done(self, message: str) -> None:
        clear_problems(self)
        self.notify(message)
        self.dismiss(True)

    def action_cancel(self) -> None:
        leave_or_ask(
            self, self._values() != self._start, "Discard this step?", lambda: self.dismiss(None)
        )


# --- raise a new case ---------------------------------------------------------------------------


class RaiseCaseScreen(DeskModal[uuid.UUID | None]):
    """Raise an Issues Resolution case for a child; opens the new case when saved."""

    HELP = """\
# Raise an Issues Resolution case

Record an issue the IRO is taking through the Issues Resolution process for this child.

- **Issue**: what is wrong and what the IRO wants done.
- **Starting stage**: informal (an IRO case note with the social worker or Team Manager)
  or a formal stage 1-4. A formal stage needs **who holds it**.
- **Date raised**: YYYY-MM-DD, today unless you change it.

**Ctrl+S** saves and opens the case; **Escape** cancels.
"""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="raise_save"),
        Binding("escape", "cancel", "Cancel", id="raise_cancel"),
    ]

    DEFAULT_CSS = """
    RaiseCaseScreen { align: center middle; }
    RaiseCaseScreen > Vertical {
        width: 76; max-width: 98%; height: auto; max-height: 98%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    RaiseCaseScreen VerticalScroll { height: auto; max-height: 17; }
    RaiseCaseScreen .step-title { text-style: bold; }
    RaiseCaseScreen .form-row Input, RaiseCaseScreen .form-row Select { width: 1fr; }
    RaiseCaseScreen TextArea { height: 5; }
    RaiseCaseScreen .buttons { height: auto; align-horizontal: right; }
    RaiseCaseScreen .buttons Button { margin-left: 1; }
    """

    def __init__(self, child_ref: str) -> None:
        super().__init__()
        self.child_ref = child_ref
        self.iro_name: str | None = None
        self._start: dict[str, Any] = {}

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(
                f"Raise an Issues Resolution case · {self.child_ref}",
                id="raise-title",
                classes="step-title",
            )
            yield Static("", id="raise-who", classes="muted", markup=False)
            with VerticalScroll():
                yield Label("Issue")
                yield TextArea(id="issue")
                yield error_line("error-issue")
                with Horizontal(classes="form-row"):
                    yield Label("Starting stage", classes="form-label")
                    yield Select[int](
                        [(label, stage) for stage, label in RESOLUTION_STAGES.items()],
                        id="stage",
                        value=min(RESOLUTION_STAGES),
                        allow_blank=False,
                    )
                yield error_line("error-stage")
                with Horizontal(classes="form-row"):
                    yield Label("Held by", classes="form-label")
                    yield Input(id="holder", placeholder="needed at stages 1-4")
                yield error_line("error-holder")
                with Horizontal(classes="form-row"):
                    yield Label("Date raised", classes="form-label")
                    yield Input(
                        self.iro_app.today.isoformat(), id="raised", placeholder="YYYY-MM-DD"
                    )
                yield error_line("error-raised")
                for field in ("child_ref", "iro_name", "raise"):
                    yield error_line(error_id(field))
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Raise case (Ctrl+S)", id="save", variant="primary")

    def on_mount(self) -> None:
        self._start = self._values()
        self.query_one("#issue", TextArea).focus()
        self.load()

    @work(thread=True, exclusive=True, group="raise-load")
    def load(self) -> None:
        try:
            with self.desk.read() as session:
                child = child_by_ref(session, self.child_ref, field="child_ref")
                name = display_name(child)
                iro = self.iro_app.me
                if iro is None:
                    row = build_caseload_for_child(
                        session, self.desk.ctx, child.id, self.iro_app.today
                    )
                    iro = row.iro if row else None
        except InvalidInput as exc:
            self.app.call_from_thread(self._problems, exc.problems)
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

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def action_save(self) -> None:
        if writing(self, "raise-write"):
            return
        values = self._values()
        try:
            raised = parse_date("raised", values["raised"])
        except InvalidInput as exc:
            self._problems(exc.problems)
            return
        assert raised is not None
        stage = values["stage"]
        if stage is Select.NULL:
            self._problems([Problem("stage", "choose the starting stage")])
            return
        self.write(values["issue"], int(stage), values["holder"], raised)

    @work(thread=True, group="raise-write")
    def write(self, issue: str, stage: int, holder: str, raised: date) -> None:
        try:
            with self.desk.write() as session:
                case = raise_case(
                    session,
                    self.desk.ctx,
                    child_ref=self.child_ref,
                    iro_name=self.iro_name or "",
                    issue=issue,
                    raised=raised,
                    stage=stage,
                    holder=holder,
                )
                case_id = case.id
        except InvalidInput as exc:
            self.app.call_from_thread(self._problems, exc.problems)
            return
        self.app.call_from_thread(self._done, case_id, RESOLUTION_STAGES[stage])

    def _problems(self, problems: list[Problem]) -> None:
        show_problems(self, problems, fallback="error-raise")

    def _done(self, case_id: uuid.UUID, stage_label: str) -> None:
        self.notify(f"Issues Resolution case raised at {stage_label}.")
        self.dismiss(case_id)
        self.app.push_screen(CaseScreen(case_id))

    def action_cancel(self) -> None:
        leave_or_ask(
            self,
            self._values() != self._start,
            "Discard this new case?",
            lambda: self.dismiss(None),
        )
