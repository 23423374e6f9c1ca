"""Every enquiry, found again: the whole duty log searched by child, caller or words,
category, received dates and open or closed (services/enquiry_search.py)."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Header, Input, Select, Static

from iro_desk.rules.codes import ENQUIRY_CATEGORIES
from iro_desk.rules.deadline_states import Deadline
from iro_desk.screens.base import DeskScreen
from iro_desk.services.display import literal
from iro_desk.services.duty import CLOSED, EnquiryRow
from iro_desk.services.enquiry_search import SEARCH_LIMIT, find_enquiries
from iro_desk.services.errors import InvalidInput
from iro_desk.services.validate import parse_date
from iro_desk.widgets.desk_footer import DeskFooter
from iro_desk.widgets.desk_select import DeskSelect
from iro_desk.widgets.form_kit import state_style

__all__ = ["EnquiriesScreen"]

# The fixed columns' widths; About and Caller share what is left of the terminal.
FIXED = {"Received": 9, "Cat": 6, "Follow-up": 9, "Status": 6}
ABOUT_SHARE = 0.6
# Cell padding (1 each side) and the scroll bar.
TABLE_SPARE = 2 * (len(FIXED) + 2) + 2
STATUS_OPTIONS = [("All", ""), ("Open", "open"), ("Closed", "closed")]


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def _follow_up(app: App[Any], row: EnquiryRow) -> Text:
    if row.follow_up_due is None:
        return Text("—", style="dim")
    label = f"{row.follow_up_due:%d %b %y}"
    if row.status == CLOSED:
        return Text(label, style="dim")
    return Text(label, style=state_style(app, Deadline.OVERDUE if row.overdue else None))


class EnquiriesScreen(DeskScreen):
    HELP = """\
# All enquiries

Every enquiry ever logged, newest first, found again by what you remember:

- the **search** box: any part of the child's name or reference, who it is about, the
  caller or their agency, or the summary;
- **From** and **To**: the days received (`30/11/2026` or `2026-11-30`);
- the **category** and whether it is **open** or **closed**.

The list follows as you type. `Enter` on an enquiry opens it (to add an update, close or
reopen it); `c` opens the child it is about. `Ctrl+F` goes to the search box and
`Escape` leaves it (a second `Escape` goes back).
"""

    DEFAULT_CSS = """
    EnquiriesScreen #find-filters { height: 3; }
    EnquiriesScreen #find-text { width: 1fr; }
    EnquiriesScreen #find-since, EnquiriesScreen #find-until { width: 15; }
    EnquiriesScreen #find-category { width: 17; }
    EnquiriesScreen #find-status { width: 14; }
    EnquiriesScreen #find-count { height: 1; padding: 0 1; }
    EnquiriesScreen #found { height: 1fr; }
    """

    BINDINGS = [
        Binding("ctrl+f", "search", "Search", id="find_search", priority=True),
        Binding("c", "open_child", "Open child", id="find_open_child"),
        Binding("escape", "leave", "Back", id="find_back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[EnquiryRow] = []
        self._seq = 0  # the latest search; older answers are dropped

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static("All enquiries", classes="screen-title")
        with Horizontal(id="find-filters"):
            yield Input(placeholder="Child, caller or words", id="find-text", max_length=100)
            yield Input(placeholder="From", id="find-since", max_length=20)
            yield Input(placeholder="To", id="find-until", max_length=20)
            categories = [(f"{code} {label}", code) for code, label in ENQUIRY_CATEGORIES.items()]
            yield DeskSelect(categories, prompt="Category", id="find-category")
            yield DeskSelect(STATUS_OPTIONS, allow_blank=False, value="", id="find-status")
        yield Static("Loading…", id="find-count", classes="muted")
        yield DataTable(id="found", cursor_type="row", zebra_stripes=True)
        yield DeskFooter()

    def on_mount(self) -> None:
        self.query_one("#found", DataTable).focus()

    def on_screen_resume(self) -> None:
        self.search()  # first shown, and back from an enquiry that may have changed

    # --- searching ------------------------------------------------------------------

    def _filters(self) -> dict[str, Any]:
        """What the boxes say, as the search's arguments; a bad date raises InvalidInput."""
        category = self.query_one("#find-category", Select).value
        status = self.query_one("#find-status", Select).value
        dates: dict[str, date | None] = {}
        for name, label in (("since", "From"), ("until", "To")):
            typed = self.query_one(f"#find-{name}", Input).value
            dates[name] = parse_date(label, typed, required=False)
        return {
            "text": self.query_one("#find-text", Input).value,
            "category": category if isinstance(category, str) else None,
            "status": status or None,
            **dates,
        }

    @on(Input.Changed)
    @on(Select.Changed)
    def search(self) -> None:
        self._seq += 1
        try:
            filters = self._filters()
        except InvalidInput as exc:
            self._say(str(exc), error=True)
            return
        self.run_worker(
            partial(self._search, self._seq, filters),
            thread=True,
            exclusive=True,
            group="find-enquiries",
            exit_on_error=False,
        )

    def _search(self, seq: int, filters: dict[str, Any]) -> None:
        try:
            rows = find_enquiries(self.desk, **filters)
        except InvalidInput as exc:
            self.app.call_from_thread(self._refused, seq, str(exc))
            return
        self.app.call_from_thread(self._show, seq, rows)

    def _refused(self, seq: int, message: str) -> None:
        if seq == self._seq:
            self._say(message, error=True)

    def _say(self, text: str, *, error: bool = False) -> None:
        line = self.query_one("#find-count", Static)
        line.update(literal(text, multiline=False))
        line.set_class(error, "overdue")
        line.set_class(not error, "muted")

    def on_resize(self) -> None:
        if self.rows:
            self._show(self._seq, self.rows)

    def _show(self, seq: int, rows: list[EnquiryRow]) -> None:
        if seq != self._seq:
            return  # a newer search is on its way
        self.rows = rows
        table = self.query_one("#found", DataTable)
        room = max(20, self.size.width - sum(FIXED.values()) - TABLE_SPARE)
        about = int(room * ABOUT_SHARE)
        caller = room - about
        table.clear(columns=True)
        table.add_column("Received", width=FIXED["Received"])
        table.add_column("Cat", width=FIXED["Cat"])
        table.add_column("About", width=about)
        table.add_column("Caller", width=caller)
        table.add_column("Follow-up", width=FIXED["Follow-up"])
        table.add_column("Status", width=FIXED["Status"])
        for row in rows:
            style = "dim" if row.status == CLOSED else ""
            who = " · ".join(p for p in (row.caller_name, row.caller_agency) if p) or "—"
            table.add_row(
                literal(f"{row.received_at:%d %b %y}", style),
                literal(_clip(row.category, FIXED["Cat"]), style, multiline=False),
                literal(_clip(row.about, about), style, multiline=False),
                literal(_clip(who, caller), style, multiline=False),
                _follow_up(self.app, row),
                literal(row.status, style),
                key=str(row.id),
            )
        count = f"{len(rows)} enquir{'y' if len(rows) == 1 else 'ies'}"
        if len(rows) >= SEARCH_LIMIT:
            count = f"The newest {SEARCH_LIMIT} (narrow the search for older)"
        self._say(f"{count} · Enter opens · Ctrl+F searches")

    # --- actions --------------------------------------------------------------------

    def _highlighted(self) -> EnquiryRow | None:
        table = self.query_one("#found", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((r for r in self.rows if str(r.id) == key), None)

    @on(DataTable.RowSelected, "#found")
    def _open(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.iro_app.open_form("enquiry_detail", enquiry_id=event.row_key.value)

    def action_search(self) -> None:
        self.query_one("#find-text", Input).focus()

    def action_open_child(self) -> None:
        row = self._highlighted()
        if row is None:
            self.notify("No enquiry is highlighted.", severity="warning")
        elif row.child_ref is None:
            self.notify(f"This enquiry is about {row.subject!r}, not a known child.")
        else:
            self.iro_app.open_child(row.child_ref)

    def action_leave(self) -> None:
        # Escape leaves a search box first (to the list), and only then the screen.
        if isinstance(self.focused, Input | Select) or self.query("#find-filters :focus"):
            self.query_one("#found", DataTable).focus()
        else:
            self.app.pop_screen()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A letter typed into a search box is text, not "open child".
        return not (action == "open_child" and isinstance(self.focused, Input))
