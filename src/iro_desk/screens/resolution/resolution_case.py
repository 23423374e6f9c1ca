"""One Issues Resolution case: its issue and stage history, and the steps it can take
(each in the case step dialog)."""

from __future__ import annotations

import uuid
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import (
    DataTable,
    Header,
    Static,
)

from iro_desk.rules.codes import RESOLUTION_STAGES
from iro_desk.screens.base import DeskScreen
from iro_desk.screens.dialogs.case_step import CaseStepDialog
from iro_desk.screens.dialogs.case_step import draft_key as step_draft_key
from iro_desk.screens.dialogs.confirm import ConfirmDialog
from iro_desk.services.display import literal
from iro_desk.services.drafts import keep_draft
from iro_desk.services.errors import InvalidInput
from iro_desk.services.resolution import CaseDetail, CaseStatus
from iro_desk.services.resolution_actions import load_case
from iro_desk.widgets.child_format import day, first_line, long_day, styled
from iro_desk.widgets.desk_footer import DeskFooter
from iro_desk.widgets.form_kit import due_style

LAST_STAGE = max(RESOLUTION_STAGES)
STATUS_WORDS = {
    CaseStatus.OPEN: "open",
    CaseStatus.RESOLVED: "resolved",
    CaseStatus.CAFCASS: "referred to Cafcass",
}


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

    def __init__(
        self,
        case_id: uuid.UUID,
        step: str | None = None,
        restore: dict[str, Any] | None = None,
    ) -> None:
        super().__init__()
        self.case_id = case_id
        self.detail: CaseDetail | None = None
        # A step's draft left when the terminal closed: its dialog opens once the case shows.
        self.restore_step = (step, restore or {}) if step is not None else None

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
        yield DeskFooter()

    def on_mount(self) -> None:
        table = self.query_one("#stages", DataTable)
        for label in ("Stage", "Started", "Due", "Ended", "Held by", "Note"):
            table.add_column(label, key=label.lower())
        self.query_one("#outcome-title").display = False
        self.query_one("#outcome").display = False
        self.load()

    @work(thread=True, exclusive=True, group="case-load")
    def load(self) -> None:
        try:
            detail = load_case(self.desk, case_id=self.case_id)
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
        if self.restore_step is not None:
            self._restore_step(detail, *self.restore_step)
            self.restore_step = None

    def _restore_step(self, detail: CaseDetail, step: str, payload: dict[str, Any]) -> None:
        if detail.status == CaseStatus.OPEN:
            self.app.push_screen(CaseStepDialog(step, detail, restore=payload), self._after_step)
            return
        word = STATUS_WORDS.get(detail.status, detail.status)
        self.notify(f"The case is closed ({word}) since: the unsaved step is dropped.")
        self._drop_step_draft(step)

    @work(thread=True, group="case-draft")
    def _drop_step_draft(self, step: str) -> None:
        keep_draft(self.desk, CaseStepDialog.DRAFT_KIND, step_draft_key(self.case_id, step), None)

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
        self.app.push_screen(CaseStepDialog("escalate", detail), self._after_step)

    def action_resolve(self) -> None:
        detail = self._open_case()
        if detail is not None:
            self.app.push_screen(CaseStepDialog("resolve", detail), self._after_step)

    def action_cafcass(self) -> None:
        detail = self._open_case()
        if detail is None:
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.app.push_screen(CaseStepDialog("cafcass", detail), self._after_step)

        self.app.push_screen(
            ConfirmDialog("Refer this case to Cafcass?", yes="Refer"),
            confirmed,
        )

    def action_open_form(self) -> None:
        if self.detail is None:
            return
        if self.detail.compliance_form_id is None:
            self.notify("This case was not raised from a compliance form.")
            return
        self.iro_app.open_form("compliance", form_id=self.detail.compliance_form_id)
