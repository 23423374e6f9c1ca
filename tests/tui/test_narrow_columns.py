"""At 80x24 the columns that matter are on screen, not cut to nothing."""

from __future__ import annotations

from textual.widgets import DataTable, TabbedContent

from iro_desk.screens.children.child import ChildScreen
from iro_desk.services.caseload import build_caseload
from iro_desk.services.context import Desk
from tests.conftest import TODAY
from tests.tui.conftest import settle

WIDTH = 80


def visible(table: DataTable) -> dict[str, tuple[int, int]]:
    """For each column: how many characters show inside the table's width, of how many."""
    shown: dict[str, tuple[int, int]] = {}
    x = 0
    room = table.scrollable_content_region.width
    for column in table.ordered_columns:
        width = column.get_render_width(table)
        shown[str(column.label)] = (max(0, min(width, room - x)), width)
        x += width
    return shown


async def test_review_dates_are_whole_on_the_child_screen(app_for, demo_desk: Desk) -> None:
    with demo_desk.read() as s:
        rows = build_caseload(s, demo_desk.ctx, as_of=TODAY, iro_name=demo_desk.ctx.user).rows
    ref = next(r.ref for r in rows if r.status == "CLA" and r.last_review)
    app = app_for("caseload")
    async with app.run_test(size=(WIDTH, 24)) as pilot:
        await settle(pilot)
        app.open_child(ref)
        await settle(pilot)
        assert isinstance(app.screen, ChildScreen)
        app.screen.query_one("#child-tabs", TabbedContent).active = "tab-reviews"
        await settle(pilot)
        table = app.screen.query_one("#child-meetings", DataTable)
        assert table.row_count > 0
        shown = visible(table)
        for label in ("Date", "Due", "Decisions", "Record"):
            on_screen, width = shown[label]
            assert on_screen == width, (label, shown)  # whole, not cut


async def test_about_and_caller_show_on_the_duty_desk(app_for) -> None:
    app = app_for("duty")
    async with app.run_test(size=(WIDTH, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#today", DataTable)
        shown = visible(table)
        assert shown["About"][0] >= 20 and shown["Caller"][0] >= 12, shown
