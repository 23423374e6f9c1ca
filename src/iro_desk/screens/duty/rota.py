"""The duty rota: who is on duty and back-up, a week or a month at a time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static
from textual.worker import get_current_worker

from iro_desk.rules.dates import add_months
from iro_desk.rules.deadline_states import Deadline
from iro_desk.screens.base import DeskScreen
from iro_desk.screens.dialogs.assign_duty import AssignDutyDialog
from iro_desk.screens.dialogs.confirm import ConfirmDialog
from iro_desk.services.display import literal
from iro_desk.services.duty import DutyDay
from iro_desk.services.errors import InvalidInput
from iro_desk.services.rota_actions import clear_day, load_rota, swap_days
from iro_desk.widgets.child_format import rota_day
from iro_desk.widgets.desk_footer import DeskFooter
from iro_desk.widgets.form_kit import state_style

__all__ = ["RotaScreen", "month_range", "week_range"]

WEEK = "week"
MONTH = "month"
NOBODY = "— nobody —"

MUTED = "dim"
ME = "bold reverse"


def week_range(day: date) -> tuple[date, date]:
    """Monday to Sunday of the week holding ``day``."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def month_range(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    return first, add_months(first, 1) - timedelta(days=1)


@dataclass(frozen=True)
class RotaData:
    start: date
    end: date
    days: list[DutyDay]
    iros: list[str]  # active IROs, for the assign form


class RotaScreen(DeskScreen):
    HELP = """\
# Duty rota

Who is on duty, and who is the back-up, each day. The week containing today is shown
first; `m` switches between the week and the whole month.

- Days with **nobody on duty** are red; weekends and bank holidays are dimmed.
- Your own duty days are highlighted and marked *you*.
- `[` / `]` (or `←` / `→`) show the previous / next week or month; `t` goes back to today.
- `a` (or `Enter`) assigns the highlighted day: choose the duty IRO and a back-up.
- `s` marks the highlighted day to swap; move to the other day and press `s` (or `Enter`)
  again. The two days exchange their duty IRO and back-up. `Escape` cancels the swap.
- `x` clears the highlighted day (you are asked first).
"""

    BINDINGS = [
        Binding("a", "assign", "Assign", id="assign"),
        Binding("s", "swap", "Swap", id="swap"),
        Binding("x", "clear", "Clear", id="clear"),
        Binding("m", "toggle_view", "Week/month", id="toggle_view"),
        Binding("t", "today", "Today", id="today"),
        Binding("left_square_bracket", "page(-1)", "Previous", id="previous", show=False),
        Binding("right_square_bracket", "page(1)", "Next", id="next", show=False),
        Binding("left", "page(-1)", "Previous", show=False, priority=True),
        Binding("right", "page(1)", "Next", show=False, priority=True),
        Binding("escape", "cancel_swap", "Cancel the swap", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view = WEEK
        self.focus_day = date.min  # today, once the app is at hand (on_mount)
        self.swap_from: date | None = None
        self.data: RotaData | None = None

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static("Rota", id="title", classes="screen-title")
        yield Static("Loading…", id="summary", classes="muted")
        yield Static("", id="swap-line")
        yield DataTable(id="rota", cursor_type="row")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.focus_day = self.iro_app.today
        table = self.query_one("#rota", DataTable)
        # Fixed widths: auto widths raced with the first rows and sometimes stayed narrow.
        table.add_column("Day", key="day", width=15)
        table.add_column("Duty IRO", key="duty", width=16)
        table.add_column("Back-up", key="backup", width=16)
        table.add_column("", key="note", width=16)
        table.focus()

    def on_screen_resume(self) -> None:
        # First showing, and every return (from the assign form, or another screen).
        self.load()

    # --- which days ------------------------------------------------------------------

    @property
    def bounds(self) -> tuple[date, date]:
        return week_range(self.focus_day) if self.view == WEEK else month_range(self.focus_day)

    def highlighted_day(self) -> date | None:
        table = self.query_one("#rota", DataTable)
        if self.data is None or table.row_count == 0:
            return None
        row = min(max(table.cursor_row, 0), table.row_count - 1)
        return self.data.days[row].day

    def _day(self, day: date) -> DutyDay | None:
        if self.data is None:
            return None
        for item in self.data.days:
            if item.day == day:
                return item
        return None

    # --- loading ----------------------------------------------------------------------

    def load(self) -> None:
        start, end = self.bounds
        self._load(start, end)

    @work(thread=True, exclusive=True, group="rota-load")
    def _load(self, start: date, end: date) -> None:
        days, iros = load_rota(self.desk, start=start, end=end)
        if get_current_worker().is_cancelled:
            return  # a newer load replaced this one
        self.app.call_from_thread(self._show, RotaData(start, end, days, iros))

    def _show(self, data: RotaData) -> None:
        if (data.start, data.end) != self.bounds:
            return  # the user has paged on since this was asked for
        self.data = data
        title = (
            f"Rota · week of {rota_day(data.start)}"
            if self.view == WEEK
            else f"Rota · {data.start:%B %Y}"
        )
        self.query_one("#title", Static).update(title)
        table = self.query_one("#rota", DataTable)
        table.clear()
        for item in data.days:
            table.add_row(*self._cells(item), key=item.day.isoformat())
        if data.start <= self.focus_day <= data.end:
            table.move_cursor(row=(self.focus_day - data.start).days, animate=False)
        self._show_summary(data)
        self._show_swap_line()

    def _cells(self, item: DutyDay) -> list[Text]:
        calendar = self.desk.ctx.calendar
        working = calendar.is_working_day(item.day)
        me = self.iro_app.me
        base = "" if working else MUTED
        day = Text(rota_day(item.day), style=base)
        if item.duty is None:
            duty = Text(NOBODY, style=state_style(self.app, Deadline.OVERDUE) if working else MUTED)
        else:
            duty = literal(item.duty, ME if item.duty == me else base, multiline=False)
        if item.backup is None:
            backup = Text("—", style=MUTED)
        else:
            backup = literal(item.backup, ME if item.backup == me else base, multiline=False)
        notes = []
        if me and item.duty == me:
            notes.append("you")
        elif me and item.backup == me:
            notes.append("you: back-up")
        if item.day == self.iro_app.today:
            notes.append("today")
        if not working:
            notes.append("weekend" if item.day.weekday() >= 5 else "bank holiday")
        if item.day == self.swap_from:
            notes.append("⇄ swap")
        note = Text(", ".join(notes), style=base)
        if item.day == self.swap_from:
            note.stylize("bold yellow")
        return [day, duty, backup, note]

    def _show_summary(self, data: RotaData) -> None:
        calendar = self.desk.ctx.calendar
        gaps = [d for d in data.days if d.duty is None and calendar.is_working_day(d.day)]
        text = Text()
        if gaps:
            plural = "s" if len(gaps) != 1 else ""
            text.append(
                f"{len(gaps)} working day{plural} with nobody on duty",
                style=state_style(self.app, Deadline.OVERDUE),
            )
        else:
            text.append(
                "Every working day has a duty IRO", style=state_style(self.app, Deadline.ON_TIME)
            )
        me = self.iro_app.me
        if me:
            mine = [d.day for d in data.days if d.duty == me]
            shown = ", ".join(f"{d:%a} {d.day}" for d in mine) if mine else "none"
            text.append(f" · you are on duty: {shown}")
        summary = self.query_one("#summary", Static)
        summary.update(text)
        summary.remove_class("muted")

    def _show_swap_line(self) -> None:
        line = self.query_one("#swap-line", Static)
        if self.swap_from is None:
            line.remove_class("-on")
            return
        line.update(
            f"Swapping {rota_day(self.swap_from)}: move to the other day and press s or Enter "
            "(Escape cancels)."
        )
        line.add_class("-on")

    def _refresh_rows(self) -> None:
        """Repaint the rows (e.g. the swap mark) without going back to the database."""
        if self.data is None:
            return
        table = self.query_one("#rota", DataTable)
        for item in self.data.days:
            for column, cell in zip(
                ("day", "duty", "backup", "note"), self._cells(item), strict=True
            ):
                table.update_cell(item.day.isoformat(), column, cell)
        self._show_swap_line()

    # --- moving about -----------------------------------------------------------------

    def action_toggle_view(self) -> None:
        self.focus_day = self.highlighted_day() or self.focus_day
        self.view = MONTH if self.view == WEEK else WEEK
        self.load()

    def action_page(self, step: int) -> None:
        day = self.highlighted_day() or self.focus_day
        if self.view == WEEK:
            self.focus_day = day + timedelta(days=7 * step)
        else:
            self.focus_day = add_months(day, step)
        self.load()

    def action_today(self) -> None:
        self.focus_day = self.iro_app.today
        self.load()

    # --- changing the rota ------------------------------------------------------------

    @on(DataTable.RowSelected, "#rota")
    def _enter(self) -> None:
        if self.swap_from is not None:
            self.action_swap()
        else:
            self.action_assign()

    def action_assign(self) -> None:
        day = self.highlighted_day()
        item = self._day(day) if day else None
        if item is None or self.data is None:
            return
        if not self.data.iros:
            self.notify("There are no active IROs to put on duty.", severity="warning")
            return
        self.focus_day = item.day

        # Coming back to this screen reloads the rota (on_screen_resume).
        self.app.push_screen(AssignDutyDialog(item, self.data.iros))

    def action_swap(self) -> None:
        day = self.highlighted_day()
        if day is None:
            return
        if self.swap_from is None:
            self.swap_from = day
            self._refresh_rows()
            return
        first, self.swap_from = self.swap_from, None
        if first == day:
            self._refresh_rows()
            self.notify("Swap cancelled.")
            return
        self.focus_day = day
        self._refresh_rows()

        def answer(yes: bool | None) -> None:
            if yes:
                self._write(
                    partial(swap_days, self.desk, first=first, second=day),
                    f"Swapped {rota_day(first)} with {rota_day(day)}.",
                )
            else:
                self.notify("Swap cancelled: the rota is unchanged.")

        self.app.push_screen(ConfirmDialog(self._swap_question(first, day), "Swap"), answer)

    def _swap_question(self, first: date, second: date) -> str:
        """What the swap does, and a warning for each working day it leaves with nobody."""
        one, other = self._day(first), self._day(second)

        def who(item: DutyDay | None) -> str:
            return "?" if item is None else (item.duty or "nobody")

        lines = [
            f"Swap the duty on {rota_day(first)} ({who(one)}) "
            f"with {rota_day(second)} ({who(other)})?"
        ]
        calendar = self.desk.ctx.calendar
        for day, gets in ((first, other), (second, one)):
            if gets is not None and gets.duty is None and calendar.is_working_day(day):
                lines.append(
                    f"Warning: {rota_day(day)} is a working day and would have nobody on duty."
                )
        return "\n".join(lines)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Escape cancels a swap in progress; otherwise it falls through to the app (back).
        if action == "cancel_swap":
            return self.swap_from is not None
        return True

    def action_cancel_swap(self) -> None:
        self.swap_from = None
        self._refresh_rows()
        self.notify("Swap cancelled.")

    def action_clear(self) -> None:
        day = self.highlighted_day()
        item = self._day(day) if day else None
        if item is None:
            return
        if item.duty is None and item.backup is None:
            self.notify(f"Nobody is on duty on {rota_day(item.day)}.", severity="warning")
            return
        self.focus_day = item.day
        who = item.duty or "nobody"
        if item.backup:
            who += f" and back-up {item.backup}"

        def answer(yes: bool | None) -> None:
            if yes:
                self._write(
                    partial(clear_day, self.desk, day=item.day),
                    f"Cleared {rota_day(item.day)}: nobody on duty.",
                )

        self.app.push_screen(
            ConfirmDialog(f"Clear the duty on {rota_day(item.day)}?\nOn it now: {who}.", "Clear"),
            answer,
        )

    @work(thread=True, exclusive=True, group="rota-write")
    def _write(self, write: Callable[[], object], done: str) -> None:
        try:
            write()
        except InvalidInput as exc:
            reasons = "\n".join(p.reason for p in exc.problems)
            self.app.call_from_thread(self.notify, reasons, title="Not changed", severity="error")
            self.app.call_from_thread(self._refresh_rows)
            return
        self.app.call_from_thread(self.notify, done, title="Rota")
        self.app.call_from_thread(self.load)
