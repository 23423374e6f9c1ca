"""Opening a child's record in the desk is audited and shown on the Views tab."""

from __future__ import annotations

from sqlalchemy import func, select
from textual.widgets import Static, TabbedContent

from iro_desk.db.models import AuditEvent
from iro_desk.screens.children.child import ChildScreen
from iro_desk.services.context import Desk
from tests.tui.conftest import settle
from tests.tui.test_caseload_child import table_refs


def _openings(desk: Desk) -> int:
    with desk.read() as s:
        return s.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "child.open")
        )


async def test_opening_a_child_is_audited_once_and_listed(app_for, demo_desk: Desk) -> None:
    before = _openings(demo_desk)
    app = app_for("caseload")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert table_refs(app)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ChildScreen)
        assert _openings(demo_desk) == before + 1
        screen.action_reload()  # a reload is not another opening
        await settle(pilot)
        assert _openings(demo_desk) == before + 1
        screen.query_one("#child-tabs", TabbedContent).active = "tab-views"
        await settle(pilot)
        shown = str(screen.query_one("#child-opened", Static).render())
        assert "Record opened by" in shown and demo_desk.ctx.user in shown
