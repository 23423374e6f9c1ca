"""F7 / palette: changes that clashed with someone else's at sync; keep mine or theirs."""

from __future__ import annotations

import json

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from iro_desk.screens.base import DeskScreen
from iro_desk.services.conflict_actions import open_conflicts, settle_conflict
from iro_desk.services.display import literal
from iro_desk.services.errors import InvalidInput, NotFound
from iro_desk.services.sync import ConflictRow
from iro_desk.widgets.child_format import first_line, styled
from iro_desk.widgets.desk_footer import DeskFooter

VALUE_WIDTH = 30  # characters of a value shown in the table; the panel below has it all


def shown_value(stored: str) -> str:
    """A conflict keeps each value as JSON: show text as text, anything else as stored."""
    try:
        value = json.loads(stored)
    except (TypeError, ValueError):
        return stored
    if value is None:
        return "(empty)"
    return value if isinstance(value, str) else json.dumps(value)


class ConflictsScreen(DeskScreen):
    HELP = """\
# Sync conflicts

When this laptop and another both changed the **same field of the same record**
before syncing, the value that reached the server first stays, and the other is kept
here as a conflict. Each row shows the record, the field, **mine** (this laptop's value,
which did not land) and **theirs** (the value the record has now), who made mine and when.

- **m** keeps mine: the record takes this laptop's value.
- **t** keeps theirs: the record stays as it is.
- **r** reloads the list.

Either way the settlement is itself a change: it is sent with the next sync.
"""

    BINDINGS = [
        Binding("m", "keep('mine')", "Keep mine", id="conflict_mine"),
        Binding("t", "keep('theirs')", "Keep theirs", id="conflict_theirs"),
        Binding("r", "reload", "Reload", id="conflict_reload"),
    ]
    COLUMNS = [
        ("Record", "record"),
        ("Field", "field"),
        ("Mine", "mine"),
        ("Theirs", "theirs"),
        ("Who", "who"),
        ("When (UTC)", "when"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, ConflictRow] = {}

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static("Sync conflicts", id="title", classes="screen-title")
        yield DataTable(id="conflicts", cursor_type="row", zebra_stripes=True)
        yield Static("", id="conflicts-empty", classes="muted")
        yield Static("", id="conflict-detail")
        yield DeskFooter()

    def on_mount(self) -> None:
        table = self.query_one("#conflicts", DataTable)
        for heading, key in self.COLUMNS:
            table.add_column(heading, key=key)
        self.query_one("#conflicts-empty").display = False
        self.query_one("#conflict-detail").display = False
        table.focus()

    def on_screen_resume(self) -> None:
        # Shown (first push included) or back from help: the list may have changed.
        self.load()

    def action_reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="conflicts")
    def load(self) -> None:
        self.app.call_from_thread(self._show, open_conflicts(self.desk))

    def _show(self, rows: list[ConflictRow]) -> None:
        table = self.query_one("#conflicts", DataTable)
        keep = table.cursor_row
        table.clear()
        # Keyed by position: ids are shown by their first 8 characters, which may repeat.
        self.rows = {str(n): row for n, row in enumerate(rows)}
        for n, row in enumerate(rows):
            table.add_row(
                styled(row.record),
                styled(row.field),
                styled(first_line(shown_value(row.mine), VALUE_WIDTH)),
                styled(first_line(shown_value(row.theirs), VALUE_WIDTH)),
                styled(f"{row.who} ({row.device})"),
                styled(f"{row.when:%d %b %H:%M}"),
                key=str(n),
            )
        if rows:
            table.move_cursor(row=min(max(keep, 0), len(rows) - 1))
        count = len(rows)
        self.query_one("#title", Static).update(
            f"Sync conflicts: {count} open · m keeps mine, t keeps theirs"
            if rows
            else "Sync conflicts"
        )
        empty = self.query_one("#conflicts-empty", Static)
        empty.update("No open conflicts: every change this laptop sent has landed.")
        empty.display = not rows
        self._show_detail()

    def selected(self) -> ConflictRow | None:
        table = self.query_one("#conflicts", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.rows.get(key) if key is not None else None

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_detail()

    def _show_detail(self) -> None:
        detail = self.query_one("#conflict-detail", Static)
        row = self.selected()
        detail.display = row is not None
        if row is None:
            return
        text = Text()
        text.append(literal(f"{row.record} · {row.field}\n", "bold"))
        text.append(literal(f"Mine ({row.who}, {row.device}): ", "dim", multiline=False))
        text.append(literal(shown_value(row.mine)))
        text.append(literal(f"\nTheirs ({row.theirs_by}): ", "dim"))
        text.append(literal(shown_value(row.theirs)))
        detail.update(text)

    def action_keep(self, keep: str) -> None:
        row = self.selected()
        if row is None:
            self.notify("No conflict is selected.")
            return
        self._resolve(row, keep)

    @work(thread=True, exclusive=True, group="conflicts")
    def _resolve(self, row: ConflictRow, keep: str) -> None:
        try:
            settle_conflict(self.desk, conflict_id=row.id, keep=keep)
        except (InvalidInput, NotFound) as exc:
            self.app.call_from_thread(
                self.notify, str(exc), title="Not settled", severity="error", markup=False
            )
        else:
            self.app.call_from_thread(self._resolved, row, keep)
        self.app.call_from_thread(self._show, open_conflicts(self.desk))

    def _resolved(self, row: ConflictRow, keep: str) -> None:
        self.notify(
            f"Kept {keep} for {row.record} {row.field}; it is sent with the next sync.",
            title="Conflict settled",
            markup=False,
        )
        self.iro_app.changes_saved()
