"""The duty desk (start screen): who is on duty, today's calls, follow-ups and LADO clocks."""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Header, Static, TabbedContent, TabPane
from textual.worker import get_current_worker

from iro_desk import clock as wall_clock
from iro_desk.rules.deadline_states import Deadline
from iro_desk.screens.base import DeskScreen
from iro_desk.services.display import literal, plain
from iro_desk.services.duty import CLOSED, ClockState, DutyDay, EnquiryRow, LadoClock
from iro_desk.services.enquiry_actions import DutyDeskView, duty_desk_on
from iro_desk.widgets.desk_footer import DeskFooter
from iro_desk.widgets.form_kit import state_style

__all__ = ["DutyDeskScreen"]

# Lists stop at this many rows, the most pressing first (the services sort them); a full
# list shows its count as "100+".
LIST_LIMIT = 100
# Widths of the free-text columns at 80 columns; wider terminals share out the rest.
ABOUT_WIDTH = 28
CALLER_WIDTH = 30

MUTED = "dim"


def long_day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def short_day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _count(rows: list[EnquiryRow]) -> str:
    return f"{LIST_LIMIT}+" if len(rows) >= LIST_LIMIT else str(len(rows))


# The deadline colours come from the app's theme (rules.deadline_states names them), so
# the cells below take the screen's app.
def _follow_up_cell(app: App[Any], row: EnquiryRow, today: date) -> Text:
    if row.follow_up_due is None:
        return Text("—", style=MUTED)
    label = short_day(row.follow_up_due)
    if row.status == CLOSED:
        return Text(label, style=MUTED)
    if row.overdue:
        return Text(f"{label} overdue", style=state_style(app, Deadline.OVERDUE))
    if row.follow_up_due == today:
        return Text(f"{label} today", style=state_style(app, Deadline.SOON))
    return Text(label)


def _clock_cell(app: App[Any], clock: LadoClock | None, today: date) -> Text:
    if clock is None:
        return Text("—", style=MUTED)
    state = clock.state
    if clock.done is not None:
        label = f"{state} {short_day(clock.done)}"
    elif state == ClockState.OVERDUE:
        label = f"overdue, due {short_day(clock.due)}"
    else:
        label = f"due {short_day(clock.due)}"
    soon = Deadline.SOON if clock.due == today else None
    return Text(label, style=state_style(app, clock.deadline or soon))


class DutyDeskScreen(DeskScreen):
    HELP = """\
# Duty desk

The start screen for the IRO on duty today.

- The top line says who is on duty and who is the back-up (from the rota, `F4`).
  **Nobody on duty** is shown in red: assign someone on the rota.
- **Today**: the enquiries received today (local time), earliest first.
- **Follow-ups**: every open enquiry, the earliest follow-up first. Overdue follow-ups
  are red, those due today amber.
- **LADO**: open allegations against adults who work with children, with the two clocks:
  the referral to the LADO (due within 1 working day) and the allegation management
  meeting (within 5 working days). Each says *due*, *overdue*, *done* or *done late*.

Press `n` to log a new enquiry and `Enter` on an enquiry to open it: there you add
updates, set follow-up and LADO dates, and close or reopen it. `c` opens the child the
highlighted enquiry is about. `1` `2` `3` switch lists, `r` refreshes. `a` lists every
enquiry ever logged, to search by child, caller, category, dates or open/closed.
"""

    BINDINGS = [
        Binding("n", "new_enquiry", "New enquiry", id="new_enquiry"),
        Binding("r", "refresh", "Refresh", id="refresh"),
        Binding("a", "all_enquiries", "All enquiries", id="all_enquiries"),
        Binding("c", "open_child", "Open child", id="open_child", show=False),
        Binding("1", "tab('tab-today')", "Today's enquiries", show=False),
        Binding("2", "tab('tab-open')", "Follow-ups", show=False),
        Binding("3", "tab('tab-lado')", "LADO referrals", show=False),
    ]

    class DataShown(Message):
        """The desk's lists are on screen for the first time: the app builds its other
        screens after this, so that building them does not delay the desk."""

    def __init__(self) -> None:
        super().__init__()
        self.data: DutyDeskView | None = None

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static(f"Duty desk · {long_day(self.iro_app.today)}", classes="screen-title")
        yield Static("Loading…", id="duty-line", classes="muted")
        yield Static("", id="alerts")
        with TabbedContent(id="lists"):
            with TabPane("Today", id="tab-today"):
                yield DataTable(id="today", cursor_type="row", zebra_stripes=True)
            with TabPane("Follow-ups", id="tab-open"):
                yield DataTable(id="open", cursor_type="row", zebra_stripes=True)
            with TabPane("LADO", id="tab-lado"):
                yield DataTable(id="lado", cursor_type="row", zebra_stripes=True)
        yield DeskFooter()

    def on_mount(self) -> None:
        self.query_one("#today", DataTable).add_columns(
            "Time", "Cat", "About", "Follow-up", "Status", "Caller"
        )
        self.query_one("#open", DataTable).add_columns(
            "Follow-up", "Cat", "About", "Received", "Taken by"
        )
        self.query_one("#lado", DataTable).add_columns("Received", "About", "Referral", "Meeting")
        self.query_one("#today", DataTable).focus()

    def on_screen_resume(self) -> None:
        # First showing, and every return from the form, the detail or another screen.
        self.load()

    # --- loading --------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="duty-desk")
    def load(self) -> None:
        data = duty_desk_on(self.desk, today=self.iro_app.today, limit=LIST_LIMIT)
        if get_current_worker().is_cancelled:
            return  # a newer load replaced this one
        self.app.call_from_thread(self._show, data)

    def on_resize(self) -> None:
        if self.data is not None:
            self._show(self.data)

    def _show(self, data: DutyDeskView) -> None:
        first = self.data is None
        self.data = data
        today = self.iro_app.today
        spare = max(0, self.size.width - 80) // 2
        about_width, caller_width = ABOUT_WIDTH + spare, CALLER_WIDTH + spare
        self._show_duty(data.duty)
        self._fill(
            "today",
            data.today,
            lambda r: (
                f"{wall_clock.local(r.received_at):%H:%M}",
                r.category,
                _clip(r.about, about_width),
                _follow_up_cell(self.app, r, today),
                Text(r.status, style=MUTED if r.status == CLOSED else ""),
                _clip(" · ".join(p for p in (r.caller_name, r.caller_agency) if p), caller_width),
            ),
        )
        self._fill(
            "open",
            data.still_open,
            lambda r: (
                _follow_up_cell(self.app, r, today),
                r.category,
                _clip(r.about, about_width),
                short_day(r.received_date),
                r.taken_by or "—",
            ),
        )
        self._fill(
            "lado",
            data.lado,
            lambda r: (
                short_day(r.received_date),
                _clip(r.about, about_width),
                _clock_cell(self.app, r.lado_referral, today),
                _clock_cell(self.app, r.lado_meeting, today),
            ),
        )
        overdue = sum(r.overdue for r in data.still_open)
        lado_late = sum(
            1
            for r in data.lado
            for clock in (r.lado_referral, r.lado_meeting)
            if clock is not None and clock.state == ClockState.OVERDUE
        )
        tabs = self.query_one(TabbedContent)
        tabs.get_tab("tab-today").label = f"Today ({len(data.today)})"
        tabs.get_tab("tab-open").label = (
            f"Follow-ups ({_count(data.still_open)}, {overdue} overdue)"
            if overdue
            else f"Follow-ups ({_count(data.still_open)})"
        )
        tabs.get_tab("tab-lado").label = f"LADO ({_count(data.lado)})"
        alerts = []
        if overdue:
            alerts.append(f"{overdue} follow-up{'s' if overdue != 1 else ''} overdue")
        if lado_late:
            alerts.append(f"{lado_late} LADO clock{'s' if lado_late != 1 else ''} overdue")
        line = self.query_one("#alerts", Static)
        line.update(" · ".join(alerts) if alerts else "Nothing overdue.")
        line.set_class(bool(alerts), "overdue")
        line.set_class(not alerts, "muted")
        if first:
            self.post_message(self.DataShown())

    def _show_duty(self, duty: DutyDay) -> None:
        line = self.query_one("#duty-line", Static)
        me = self.iro_app.me
        if duty.duty is None:
            text = Text()
            text.append("Nobody on duty today", style=state_style(self.app, Deadline.OVERDUE))
            text.append(" — assign someone on the rota (F4).")
        else:
            text = Text("On duty: ")
            text.append(plain(duty.duty, multiline=False), style="bold")
            if me and duty.duty == me:
                text.append(" (you)", style="bold")
            text.append("   Back-up: ")
            if duty.backup:
                text.append(plain(duty.backup, multiline=False), style="bold")
                if me and duty.backup == me:
                    text.append(" (you)", style="bold")
            else:
                text.append("none", style=state_style(self.app, Deadline.SOON))
        line.update(text)
        line.remove_class("muted")

    def _fill(self, table_id: str, rows: list[EnquiryRow], cells) -> None:
        table = self.query_one(f"#{table_id}", DataTable)
        keep = self._highlighted_key(table)
        table.clear()
        for row in rows:
            style = MUTED if row.status == CLOSED else ""
            values = [
                c if isinstance(c, Text) else literal(c, style, multiline=False) for c in cells(row)
            ]
            table.add_row(*values, key=str(row.id))
        if keep is not None and keep in {str(r.id) for r in rows}:
            table.move_cursor(row=table.get_row_index(keep))

    @staticmethod
    def _highlighted_key(table: DataTable) -> str | None:
        if table.row_count == 0:
            return None
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        except Exception:  # the cursor can sit past the end while the table refills
            return None
        return key.value

    # --- actions --------------------------------------------------------------------

    def action_new_enquiry(self) -> None:
        self.iro_app.open_form("enquiry")

    def action_all_enquiries(self) -> None:
        self.iro_app.open_form("enquiries")

    def action_refresh(self) -> None:
        self.load()
        self.notify("Duty desk refreshed.", timeout=2)

    def action_tab(self, pane: str) -> None:
        self.query_one(TabbedContent).active = pane
        self._table_in_view().focus()

    def _table_in_view(self) -> DataTable:
        pane = self.query_one(TabbedContent).active or "tab-today"
        return self.query_one(f"#{pane} DataTable", DataTable)

    def _enquiry_in_view(self) -> EnquiryRow | None:
        if self.data is None:
            return None
        table = self._table_in_view()
        key = self._highlighted_key(table)
        rows = {"today": self.data.today, "open": self.data.still_open, "lado": self.data.lado}
        for row in rows[str(table.id)]:
            if str(row.id) == key:
                return row
        return None

    def action_open_child(self) -> None:
        row = self._enquiry_in_view()
        if row is None:
            self.notify("Highlight an enquiry first.", severity="warning")
        elif row.child_ref is None:
            self.notify(f"This enquiry is about {row.subject!r}, not a known child.")
        else:
            self.iro_app.open_child(row.child_ref)

    @on(TabbedContent.TabActivated)
    def _tab_switched(self) -> None:
        self._table_in_view().focus()

    @on(DataTable.RowSelected)
    def _open_enquiry(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.iro_app.open_form("enquiry_detail", enquiry_id=event.row_key.value)
