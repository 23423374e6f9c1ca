"""F3: one IRO's caseload with each child's next review and how long is left."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Header, Input, Static
from textual.widgets.data_table import ColumnKey

from iro_desk.screens.base import DeskScreen
from iro_desk.screens.dialogs.iro_picker import ALL_CHILDREN, IroPickerDialog
from iro_desk.services.caseload import Caseload, CaseloadRow
from iro_desk.services.child_actions import active_iro_names, load_caseload
from iro_desk.services.display import literal
from iro_desk.services.errors import InvalidInput
from iro_desk.widgets.child_format import (
    SOON_WD,
    day,
    participation_summary,
    styled,
)
from iro_desk.widgets.form_kit import due_style

# A caseload is 50-90 children; the whole unit is paged to this many (soonest due first).
ROW_LIMIT = 500


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    sort_key: Callable[[CaseloadRow], Any]
    width: int | None = None  # fixed, so the deadline columns fit in 80 columns


def _last(value: Any) -> tuple[bool, Any]:
    # Blanks sort after every real value, whichever way round.
    return (value is None or value == "", value if value is not None else "")


def _due_text(row: CaseloadRow) -> str:
    """A 903 import can leave the clock unknown (history) or uncertain (its findings)."""
    if row.history_incomplete:
        return "history incomplete: enter the last review"
    return day(row.next_review_due) + (" check the record" if row.check_record else "")


def _legal_or_category(row: CaseloadRow) -> str:
    return "/".join(part for part in (row.legal_status, row.cp_category) if part)


IRO_WIDTH = 16  # the whole unit's list only: one IRO's own caseload folds it away

# The deadline columns come first so that they are on screen at 80 columns.
COLUMNS: tuple[Column, ...] = (
    Column("name", "Name", lambda r: _last(r.name.lower()), 20),
    Column("ref", "Ref", lambda r: _last(r.ref), 10),
    Column("legal", "LS/CP", lambda r: _last(_legal_or_category(r)), 6),
    Column("due", "Next review", lambda r: _last(r.next_review_due), 11),
    Column("kind", "Kind", lambda r: _last(r.next_review_kind), 11),
    Column("wd", "WD left", lambda r: _last(r.wd_left), 7),
    # Who holds the child: what the whole unit's list (i) is read for, beside the deadline.
    Column("iro", "IRO", lambda r: _last((r.iro or "").lower()), IRO_WIDTH),
    Column("visit", "Last visit", lambda r: _last(r.last_visit), 11),
    Column("part", "Last took part", lambda r: _last(r.last_participation)),
    Column("status", "Status", lambda r: _last(r.status)),
)

FILTERS = {
    "all": "All",
    "overdue": "Overdue",
    "soon": f"Due within {SOON_WD} WD",
}


class CaseloadScreen(DeskScreen):
    AUTO_FOCUS = "#caseload-table"
    HELP = f"""\
# Caseload

The children an IRO reviews, soonest review first: each child's legal status (or
child protection category), the next review or conference that is due and its kind,
the **working days left** (red when overdue, amber when due within {SOON_WD} working
days), the last visit and how the child took part in the last review.

The line under the title counts the caseload against the IRO Handbook's 50-70
children per full-time IRO.

- It opens on **your** caseload; press `i` to see another IRO's (or the whole unit's).
- `o` shows only overdue reviews, `s` those due within {SOON_WD} working days, `a` all.
- `/` searches by name or reference as you type (Enter goes back to the list).
- `1`-`9` (or a click on a column heading) sort by that column; again reverses.
- Enter opens the highlighted child.
"""
    BINDINGS = [
        Binding("enter", "open_child", "Open child", id="caseload_open", show=False),
        Binding("o", "filter('overdue')", "Overdue", id="caseload_overdue"),
        Binding("s", "filter('soon')", "Due soon", id="caseload_soon"),
        Binding("a", "filter('all')", "All", id="caseload_all"),
        Binding("slash", "search", "Search", id="caseload_search"),
        Binding("i", "pick_iro", "Other IRO", id="caseload_iro"),
        Binding("ctrl+r", "reload", "Reload", id="caseload_reload", show=False),
        Binding("escape", "leave_search", "Leave the search", show=False),
        *[
            Binding(str(n), f"sort({n - 1})", f"Sort by {c.label}", show=False)
            for n, c in enumerate(COLUMNS[:9], start=1)  # 1-9: the tenth by its heading
        ],
    ]

    def __init__(self) -> None:
        super().__init__()
        self.iro: str | None = None  # whose caseload; None + _all = the whole unit
        self._all = False
        self._asked = False
        self.filter = "all"
        self.caseload: Caseload | None = None
        self.sort_column = 3  # next review due
        self.sort_reverse = False

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static("Caseload", id="caseload-title", classes="screen-title")
        yield Static("", id="caseload-counts")
        with Horizontal(id="caseload-bar"):
            yield Input(placeholder="/ name or reference", id="caseload-search", compact=True)
            yield Static("", id="caseload-showing", classes="muted")
        yield DataTable(id="caseload-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#caseload-table", DataTable)
        for column in COLUMNS:
            table.add_column(column.label, key=column.key, width=column.width)
        self.iro = self.iro_app.me

    def on_screen_resume(self) -> None:
        # Shown first, or back from a child or another mode: the figures may have moved.
        if self.iro is None and not self._all:
            if not self._asked:
                self._asked = True
                self.action_pick_iro()
            return
        self.load()

    # --- loading ----------------------------------------------------------------------

    def load(self) -> None:
        if self.caseload is None:  # coming back, the old figures stay until the new arrive
            self.query_one("#caseload-table", DataTable).loading = True
        self._load(self.iro if not self._all else None, self.filter)

    @work(thread=True, exclusive=True, group="caseload")
    def _load(self, iro: str | None, which: str) -> None:
        try:
            caseload = load_caseload(
                self.desk,
                today=self.iro_app.today,
                iro_name=iro,
                overdue_only=which == "overdue",
                due_within=SOON_WD if which == "soon" else None,
                limit=ROW_LIMIT,
            )
        except InvalidInput as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        self.app.call_from_thread(self._show, caseload)

    def _failed(self, message: str) -> None:
        self.query_one("#caseload-table", DataTable).loading = False
        self.notify(message, title="Caseload", severity="error")

    def _show(self, caseload: Caseload) -> None:
        if caseload == self.caseload:
            # Nothing moved since the last look (the usual case on coming back): keep the
            # table as it is, cursor and all, instead of rebuilding it.
            self.query_one("#caseload-table", DataTable).loading = False
            return
        self.caseload = caseload
        h = caseload.header
        self.query_one("#caseload-title", Static).update(
            literal(f"Caseload: {h.scope} · {h.as_of:%a %d %b %Y}", multiline=False)
        )
        fte = f"{h.fte:g} FTE, {h.per_fte:.0f} per FTE ({h.band})" if h.fte else "no FTE"
        counts = Text(f"{h.total} children: {h.cla} looked after, {h.cp} on CP plans · {fte} · ")
        counts.append(f"{h.overdue} overdue", style=due_style(self.app, h.overdue > 0, None))
        self.query_one("#caseload-counts", Static).update(counts)
        self.refill()

    def refill(self) -> None:
        """Redraw the table from the loaded rows: search, then sort (no database call)."""
        table = self.query_one("#caseload-table", DataTable)
        table.loading = False
        rows = self.visible_rows()
        keep = None
        if table.row_count:
            keep = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        table.clear()
        table.columns[ColumnKey("iro")].width = IRO_WIDTH if self._all else 0
        for row in rows:
            style = due_style(self.app, row.overdue, row.wd_left, soon_wd=SOON_WD)
            table.add_row(
                styled(row.name),
                styled(row.ref),
                styled(_legal_or_category(row)),
                styled(_due_text(row), style),
                styled(row.next_review_kind or ""),
                styled("" if row.wd_left is None else f"{row.wd_left:>4}", style),
                styled((row.iro or "none") if self._all else ""),
                styled(day(row.last_visit)),
                styled(participation_summary(row.last_participation)),
                styled(row.status),
                key=row.ref,
            )
        refs = [row.ref for row in rows]
        if keep in refs:
            table.move_cursor(row=refs.index(keep))
        self._show_status(len(rows))

    def visible_rows(self) -> list[CaseloadRow]:
        if self.caseload is None:
            return []
        term = " ".join(self.query_one("#caseload-search", Input).value.lower().split())
        rows = [r for r in self.caseload.rows if not term or _matches(r, term)]
        column = COLUMNS[self.sort_column]
        return sorted(rows, key=column.sort_key, reverse=self.sort_reverse)

    def _show_status(self, shown: int) -> None:
        assert self.caseload is not None
        arrow = "↓" if self.sort_reverse else "↑"
        loaded = len(self.caseload.rows)
        parts = [f"{FILTERS[self.filter]}: {shown} of {loaded}"]
        if loaded >= ROW_LIMIT:
            parts[-1] += f" (the {ROW_LIMIT} soonest due)"
        parts.append(f"sort {COLUMNS[self.sort_column].label} {arrow}")
        self.query_one("#caseload-showing", Static).update(" · ".join(parts))

    # --- events and actions --------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "caseload-search" and self.caseload is not None:
            self.refill()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "caseload-search":
            self.query_one("#caseload-table", DataTable).focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.iro_app.open_child(event.row_key.value)

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        self.action_sort(event.column_index)

    def action_open_child(self) -> None:
        table = self.query_one("#caseload-table", DataTable)
        if table.row_count:
            ref = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            if ref:
                self.iro_app.open_child(ref)

    def action_filter(self, which: str) -> None:
        self.filter = which
        if self.iro is not None or self._all:
            self.load()

    def action_search(self) -> None:
        self.query_one("#caseload-search", Input).focus()

    async def action_leave_search(self) -> None:
        """Escape in the search box goes back to the list; elsewhere it is the app's."""
        if self.focused is self.query_one("#caseload-search", Input):
            self.query_one("#caseload-table", DataTable).focus()
        else:
            await self.run_action("app.back")

    def action_sort(self, index: int) -> None:
        if self.sort_column == index:
            self.sort_reverse = not self.sort_reverse
        else:
            self.sort_column, self.sort_reverse = index, False
        if self.caseload is not None:
            self.refill()

    def action_reload(self) -> None:
        if self.iro is not None or self._all:
            self.load()

    def action_pick_iro(self) -> None:
        self._names()

    @work(thread=True, exclusive=True, group="caseload-iros")
    def _names(self) -> None:
        names = active_iro_names(self.desk)
        self.app.call_from_thread(self._ask_iro, names)

    def _ask_iro(self, names: list[str]) -> None:
        prompt = "Whose caseload?"
        if self.iro_app.me is None and self.iro is None and not self._all:
            prompt = "You are not set up as an IRO here. Whose caseload do you want to see?"
        current = ALL_CHILDREN if self._all else self.iro

        def chosen(name: str | None) -> None:
            if name is None:
                if self.iro is None and not self._all:
                    self.query_one("#caseload-showing", Static).update(
                        "No IRO chosen: press i to choose whose caseload to see"
                    )
                return
            self._all = name == ALL_CHILDREN
            self.iro = None if self._all else name
            self.load()

        self.app.push_screen(IroPickerDialog(names, current=current, prompt=prompt), chosen)


def _matches(row: CaseloadRow, term: str) -> bool:
    """Every word typed starts a word of the name, or the whole term starts the reference."""
    if row.ref.lower().startswith(term):
        return True
    words = row.name.lower().split()
    return all(any(w.startswith(t) for w in words) for t in term.split())
