"""A list of open items with deadlines, mine or everyone's: the base of the F5 and F6 screens.

A subclass says what the items are (``fetch``), how they sort and show (``sort_key``,
``deadline``, ``cells``) and what Enter opens (``open_item``); loading in a worker,
the mine/all switch, overdue-first ordering and the empty message live here once.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar, Generic, TypeVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from iro_desk.screens.base import DeskScreen
from iro_desk.services.display import literal
from iro_desk.services.errors import InvalidInput
from iro_desk.widgets.child_format import long_day, styled
from iro_desk.widgets.desk_footer import DeskFooter
from iro_desk.widgets.form_kit import due_style

Item = TypeVar("Item")
SHOWN = 500  # rows shown at most; the title says when there are more


class WorkListScreen(DeskScreen, Generic[Item]):
    LIST_TITLE: ClassVar[str] = ""
    NOUN: ClassVar[str] = "items"  # "forms", "cases": in messages and the keys' ids
    EMPTY: ClassVar[str] = ""
    ITEM: ClassVar[str] = "item"  # "form", "case": what Enter opens
    DUE: ClassVar[str] = "Due"  # the deadline column's heading
    # (heading, key) of the columns between the child and the IRO
    MIDDLE_COLUMNS: ClassVar[list[tuple[str, str]]] = []

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # Every list has the same keys; their ids name the list ("forms_mine", ...).
        # Set before Textual's own __init_subclass__ merges the bindings.
        cls.BINDINGS = [
            Binding("m", "toggle_mine", "Mine/all", id=f"{cls.NOUN}_mine"),
            Binding("r", "reload", "Reload", id=f"{cls.NOUN}_reload"),
            Binding("enter", "open", f"Open {cls.ITEM}", show=False, id=f"{cls.NOUN}_open"),
        ]
        super().__init_subclass__(**kwargs)

    @classmethod
    def columns(cls) -> list[tuple[str, str]]:
        """(heading, key) of every column; the first is the deadline."""
        return [(cls.DUE, "due"), ("Child", "child"), *cls.MIDDLE_COLUMNS, ("IRO", "iro")]

    def __init__(self) -> None:
        super().__init__()
        self.mine = False
        self.rows: dict[str, Item] = {}

    # --- what a subclass says ------------------------------------------------------------

    def fetch(self, who: str | None) -> list[Item]:
        """The items (one service call), ``who``'s or everyone's."""
        raise NotImplementedError

    def sort_key(self, item: Item) -> Any:
        raise NotImplementedError

    def deadline(self, item: Item) -> tuple[date | None, bool]:
        """The item's due date and whether it is overdue."""
        raise NotImplementedError

    def cells(self, item: Item, style: str) -> list[Any]:
        """The cells after the deadline (the first is styled like the deadline)."""
        raise NotImplementedError

    def key(self, item: Item) -> str:
        raise NotImplementedError

    def open_item(self, key: str) -> None:
        raise NotImplementedError

    def heading(self, whose: str, count: str, overdue: int) -> str:
        raise NotImplementedError

    # --- the list ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static(self.LIST_TITLE, id="title", classes="screen-title")
        yield DataTable(id="list", cursor_type="row", zebra_stripes=True)
        yield Static("", id="list-empty", classes="muted")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.mine = self.iro_app.me is not None
        table = self.query_one("#list", DataTable)
        for heading, key in self.columns():
            table.add_column(heading, key=key)
        self.query_one("#list-empty").display = False
        table.focus()

    def on_screen_resume(self) -> None:
        # Back from an item (or another mode): it may just have been answered or moved on.
        self.load()

    def action_reload(self) -> None:
        self.load()

    def action_toggle_mine(self) -> None:
        if self.iro_app.me is None:
            self.notify(f"You are not an IRO on this desk: showing everyone's {self.NOUN}.")
            return
        self.mine = not self.mine
        self.load()

    @work(thread=True, exclusive=True, group="work-list")
    def load(self) -> None:
        who = self.iro_app.me if self.mine else None
        try:
            items = self.fetch(who)
        except InvalidInput as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        self.app.call_from_thread(self._show, items)

    def _show(self, items: list[Item]) -> None:
        ordered = sorted(items, key=self.sort_key)
        overdue = sum(1 for item in items if self.deadline(item)[1])
        table = self.query_one("#list", DataTable)
        keep = table.cursor_row
        table.clear()
        self.rows = {}
        for item in ordered[:SHOWN]:
            due, late = self.deadline(item)
            style = due_style(self.app, late, self._wd_left(due))
            key = self.key(item)
            self.rows[key] = item
            table.add_row(
                styled(long_day(due) + (" OVERDUE" if late else ""), style=style),
                *self.cells(item, style),
                key=key,
            )
        if ordered:
            table.move_cursor(row=min(keep, len(ordered[:SHOWN]) - 1))
        whose = f"{self.iro_app.me}'s" if self.mine else "All"
        more = f", first {SHOWN} shown" if len(items) > SHOWN else ""
        self.query_one("#title", Static).update(
            literal(  # the heading names the IRO
                f"{self.heading(whose, f'{len(items)}{more}', overdue)} · "
                f"m shows {'all' if self.mine else 'mine'}",
                multiline=False,
            )
        )
        empty = self.query_one("#list-empty", Static)
        empty.update(self.EMPTY)
        empty.display = not items

    def _wd_left(self, due: date | None) -> int | None:
        today = self.iro_app.today
        if due is None or due < today:
            return None
        return self.desk.ctx.calendar.working_days_between(today, due)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self._open(event.row_key.value)

    def action_open(self) -> None:
        table = self.query_one("#list", DataTable)
        if table.row_count:
            self._open(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def _open(self, key: str | None) -> None:
        if key is not None and key in self.rows:
            self.open_item(key)
