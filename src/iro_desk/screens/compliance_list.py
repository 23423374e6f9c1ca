"""F5: compliance forms sent to Team Managers and still waiting for their response."""

from __future__ import annotations

import uuid
from datetime import date

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from iro_desk.screens.base import DeskScreen
from iro_desk.screens.compliance_form import ComplianceFormScreen, due_style
from iro_desk.services.compliance import FormSummary, forms_awaiting_response
from iro_desk.services.errors import InvalidInput
from iro_desk.widgets.child_format import day, long_day, styled

SHOWN = 500  # rows shown at most; the title says when there are more


class ComplianceListScreen(DeskScreen):
    HELP = """\
# Compliance forms awaiting a response

Every compliance form that has been sent to a Team Manager and not yet answered, with
the date the response is due. Forms whose response is **overdue are red and listed
first**, then the rest, soonest due first.

- **m** switches between your forms and everyone's (yours first, if you are an IRO).
- **Enter** opens the form: record the Team Manager's response there, or escalate its
  concerns to Issues Resolution.
- **r** reloads the list.

New forms are started from a child's record after a review or conference.
"""

    BINDINGS = [
        Binding("m", "toggle_mine", "Mine/all", id="forms_mine"),
        Binding("r", "reload", "Reload", id="forms_reload"),
        Binding("enter", "open", "Open form", show=False, id="forms_open"),
    ]

    DEFAULT_CSS = """
    ComplianceListScreen #forms-empty { padding: 1 2; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.mine = False
        self.rows: dict[str, FormSummary] = {}

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static("Compliance forms awaiting a response", id="title", classes="screen-title")
        yield DataTable(id="forms", cursor_type="row", zebra_stripes=True)
        yield Static("", id="forms-empty", classes="muted")
        yield Footer()

    def on_mount(self) -> None:
        self.mine = self.iro_app.me is not None
        table = self.query_one("#forms", DataTable)
        table.add_column("Due", key="due")
        table.add_column("Child", key="child")
        table.add_column("Team Manager", key="tm")
        table.add_column("Meeting", key="meeting")
        table.add_column("Sent", key="sent")
        table.add_column("Concerns", key="concerns")
        table.add_column("IRO", key="iro")
        self.query_one("#forms-empty").display = False
        table.focus()

    def on_screen_resume(self) -> None:
        # Back from a form (or another mode): its response may have just been recorded.
        self.load()

    def action_reload(self) -> None:
        self.load()

    def action_toggle_mine(self) -> None:
        if self.iro_app.me is None:
            self.notify("You are not an IRO on this desk: showing everyone's forms.")
            return
        self.mine = not self.mine
        self.load()

    @work(thread=True, exclusive=True, group="forms-list")
    def load(self) -> None:
        who = self.iro_app.me if self.mine else None
        try:
            with self.desk.read() as session:
                forms = forms_awaiting_response(session, self.desk.ctx, iro_name=who)
        except InvalidInput as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        self.app.call_from_thread(self._show, forms)

    def _show(self, forms: list[FormSummary]) -> None:
        # Overdue first (oldest due first), then the rest soonest due first.
        ordered = sorted(
            forms, key=lambda f: (not f.overdue, f.response_due or f.sent_date, f.child_ref)
        )
        overdue = sum(1 for f in forms if f.overdue)
        table = self.query_one("#forms", DataTable)
        keep = table.cursor_row
        table.clear()
        self.rows = {}
        for form in ordered[:SHOWN]:
            style = due_style(self.app, form.overdue, self._wd_left(form.response_due))
            due = long_day(form.response_due) + (" OVERDUE" if form.overdue else "")
            key = str(form.id)
            self.rows[key] = form
            table.add_row(
                styled(due, style=style),
                styled(f"{form.child_name} ({form.child_ref})", style=style),
                styled(form.team_manager),
                styled(f"{form.meeting_kind} {day(form.meeting_date)}"),
                styled(day(form.sent_date)),
                styled(str(form.concerns) if form.concerns else ""),
                styled(form.iro_name),
                key=key,
            )
        if ordered:
            table.move_cursor(row=min(keep, len(ordered[:SHOWN]) - 1))
        whose = f"{self.iro_app.me}'s" if self.mine else "All"
        more = f", first {SHOWN} shown" if len(forms) > SHOWN else ""
        title = self.query_one("#title", Static)
        title.update(
            f"{whose} forms awaiting a response: {len(forms)}{more} · "
            f"{overdue} overdue · m shows {'all' if self.mine else 'mine'}"
        )
        empty = self.query_one("#forms-empty", Static)
        empty.update("No forms are waiting for a Team Manager's response.")
        empty.display = not forms

    def _wd_left(self, due: date | None) -> int | None:
        today = self.iro_app.today
        if due is None or due < today:
            return None
        return self.desk.ctx.calendar.working_days_between(today, due)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self._open(event.row_key.value)

    def action_open(self) -> None:
        table = self.query_one("#forms", DataTable)
        if table.row_count:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            self._open(key)

    def _open(self, key: str | None) -> None:
        if key is None or key not in self.rows:
            return
        self.app.push_screen(ComplianceFormScreen(form_id=uuid.UUID(key)))
