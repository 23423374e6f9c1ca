"""'Draft saved HH:MM:SS' on the visit form is the unit's local time (its setting), like
every other time the desk shows, not the laptop's own zone."""

from __future__ import annotations

import time

import pytest
from textual.widgets import Static, TextArea

from iro_desk import clock
from iro_desk.screens.children.visit_form import VisitFormScreen
from iro_desk.services.caseload import build_caseload
from iro_desk.services.context import Desk
from iro_desk.widgets.form_kit import DRAFT_EVERY
from tests.tui.conftest import settle


@pytest.fixture
def laptop_in_new_york(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


async def test_draft_saved_time_is_the_units_local_time(
    app_for, demo_desk: Desk, laptop_in_new_york
) -> None:
    clock.set_zone("Asia/Kolkata")  # the unit's zone: UTC+5:30 (the fixture resets it)
    now = demo_desk.ctx.now()  # 10:30 UTC: 16:00 in Kolkata, 05:30 in New York
    with demo_desk.read() as s:
        rows = build_caseload(s, demo_desk.ctx, as_of=demo_desk.ctx.today, iro_name=None).rows
    app = app_for("caseload")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(VisitFormScreen(rows[0].ref))
        await settle(pilot)
        app.screen.query_one("#visit-views", TextArea).focus()
        await pilot.press(*"She is settled")
        await pilot.pause(DRAFT_EVERY + 0.3)
        await app.workers.wait_for_complete()
        await settle(pilot)
        status = str(app.screen.query_one("#visit-status", Static).render())
    assert f"Draft saved {clock.local(now):%H:%M:%S}" in status
    assert "16:00" in status and "05:30" not in status
