"""The whole unit's caseload says which IRO holds each child."""

from __future__ import annotations

from textual.widgets import DataTable

from iro_desk.screens.children.caseload import ROW_LIMIT
from iro_desk.screens.dialogs.iro_picker import ALL_CHILDREN, IroPickerDialog
from iro_desk.services.caseload import build_caseload
from iro_desk.services.context import Desk
from tests.conftest import TODAY
from tests.tui.conftest import settle


async def test_all_children_show_their_iro(app_for, demo_desk: Desk) -> None:
    with demo_desk.read() as s:
        unit = build_caseload(s, demo_desk.ctx, as_of=TODAY, iro_name=None, limit=ROW_LIMIT)
    holders = {r.ref: r.iro or "none" for r in unit.rows}
    assert len(set(holders.values())) > 2  # the demo spreads children over several IROs
    app = app_for("caseload")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, IroPickerDialog)
        app.screen.dismiss(ALL_CHILDREN)
        await settle(pilot)
        table = app.screen.query_one("#caseload-table", DataTable)
        shown = {
            str(row.key.value): str(table.get_cell(row.key, "iro")) for row in table.ordered_rows
        }
        assert shown == holders
        # On screen at 120 columns, not scrolled off to the right.
        widths = [c.get_render_width(table) for c in table.ordered_columns]
        keys = [str(c.key.value) for c in table.ordered_columns]
        assert sum(widths[: keys.index("iro") + 1]) <= 120
