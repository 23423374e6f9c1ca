"""F6: open Issues Resolution cases, the stage each is at and when that stage is due."""

from __future__ import annotations

import uuid
from datetime import date

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from iro_desk.screens.base import DeskScreen
from iro_desk.screens.compliance_form import due_style
from iro_desk.screens.resolution_case import CaseScreen
from iro_desk.services.errors import InvalidInput
from iro_desk.services.resolution import CaseSummary, open_cases
from iro_desk.widgets.child_format import day, first_line, long_day, styled

SHOWN = 500  # rows shown at most; the title says when there are more


def issue_summary(issue: str, width: int = 60) -> str:
    """The issue on one line; a heading such as "Concerns from the form ...:" is skipped
    when items follow it, so the list shows what the concerns are."""
    lines = [line.strip() for line in issue.splitlines() if line.strip()]
    if len(lines) > 1 and lines[0].endswith(":"):
        lines = [line.lstrip("- ") for line in lines[1:]]
    return first_line(" ".join(lines), width)


class ResolutionScreen(DeskScreen):
    HELP = """\
# Issues Resolution

The open Issues Resolution cases: the stage each has reached (informal, then stage 1
Team Manager up to stage 4 Director), **who holds it** and the date that stage is due
(each stage has a set number of working days, a local setting). Cases **past their
stage's due date are red and listed first**.

- **m** switches between the cases you raised and everyone's.
- **Enter** opens a case: escalate it, resolve it or refer it to Cafcass there.
- **r** reloads the list.

Cases are raised from a child's record or from a compliance form's concerns (**e** on
the form).
"""

    BINDINGS = [
        Binding("m", "toggle_mine", "Mine/all", id="cases_mine"),
        Binding("r", "reload", "Reload", id="cases_reload"),
        Binding("enter", "open", "Open case", show=False, id="cases_open"),
    ]

    DEFAULT_CSS = """
    ResolutionScreen #cases-empty { padding: 1 2; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.mine = False
        self.rows: dict[str, CaseSummary] = {}

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static("Open Issues Resolution cases", id="title", classes="screen-title")
        yield DataTable(id="cases", cursor_type="row", zebra_stripes=True)
        yield Static("", id="cases-empty", classes="muted")
        yield Footer()

    def on_mount(self) -> None:
        self.mine = self.iro_app.me is not None
        table = self.query_one("#cases", DataTable)
        table.add_column("Stage due", key="due")
        table.add_column("Child", key="child")
        table.add_column("Stage", key="stage")
        table.add_column("Held by", key="holder")
        table.add_column("Raised", key="raised")
        table.add_column("Issue", key="issue")
        table.add_column("IRO", key="iro")
        self.query_one("#cases-empty").display = False
        table.focus()

    def on_screen_resume(self) -> None:
        # Back from a case: it may have moved on a stage or closed.
        self.load()

    def action_reload(self) -> None:
        self.load()

    def action_toggle_mine(self) -> None:
        if self.iro_app.me is None:
            self.notify("You are not an IRO on this desk: showing everyone's cases.")
            return
        self.mine = not self.mine
        self.load()

    @work(thread=True, exclusive=True, group="cases-list")
    def load(self) -> None:
        who = self.iro_app.me if self.mine else None
        try:
            with self.desk.read() as session:
                cases = open_cases(session, self.desk.ctx, self.iro_app.today, iro_name=who)
        except InvalidInput as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        self.app.call_from_thread(self._show, cases)

    def _show(self, cases: list[CaseSummary]) -> None:
        ordered = sorted(cases, key=lambda c: (not c.overdue, c.due or c.raised, c.child_ref))
        overdue = sum(1 for c in cases if c.overdue)
        table = self.query_one("#cases", DataTable)
        keep = table.cursor_row
        table.clear()
        self.rows = {}
        for case in ordered[:SHOWN]:
            style = due_style(self.app, case.overdue, self._wd_left(case.due))
            due = long_day(case.due) + (" OVERDUE" if case.overdue else "")
            key = str(case.id)
            self.rows[key] = case
            table.add_row(
                styled(due, style=style),
                styled(f"{case.child_name} ({case.child_ref})", style=style),
                styled(case.stage_label, style=style),
                styled(case.holder or "—"),
                styled(day(case.raised)),
                styled(issue_summary(case.issue)),
                styled(case.iro_name),
                key=key,
            )
        if ordered:
            table.move_cursor(row=min(keep, len(ordered[:SHOWN]) - 1))
        whose = f"{self.iro_app.me}'s" if self.mine else "All"
        more = f", first {SHOWN} shown" if len(cases) > SHOWN else ""
        self.query_one("#title", Static).update(
            f"{whose} open cases: {len(cases)}{more} · {overdue} past their stage's date · "
            f"m shows {'all' if self.mine else 'mine'}"
        )
        empty = self.query_one("#cases-empty", Static)
        empty.update("No Issues Resolution cases are open.")
        empty.display = not cases

    def _wd_left(self, due: date | None) -> int | None:
        today = self.iro_app.today
        if due is None or due < today:
            return None
        return self.desk.ctx.calendar.working_days_between(today, due)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self._open(event.row_key.value)

    def action_open(self) -> None:
        table = self.query_one("#cases", DataTable)
        if table.row_count:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            self._open(key)

    def _open(self, key: str | None) -> None:
        if key is None or key not in self.rows:
            return
        self.app.push_screen(CaseScreen(uuid.UUID(key)))
