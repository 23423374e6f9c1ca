"""Nothing typed is lost: drafts are written while the user types (not only after a
pause), every form that records something keeps one, and quitting asks first."""

from __future__ import annotations

from textual.widgets import TextArea

from iro_desk.screens.children.visit_form import AUTOSAVE_SECONDS, VisitFormScreen
from iro_desk.services.context import Desk
from tests.tui.conftest import settle
from tests.tui.test_visit import a_child, draft

WORDS = "she wants to stay"


async def test_visit_draft_is_written_while_typing_goes_on(app_for, demo_desk: Desk) -> None:
    """Typing without a pause long enough for a debounce still leaves a draft behind."""
    ref = a_child(demo_desk)
    app = app_for("caseload")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(VisitFormScreen(ref))
        await settle(pilot)
        app.screen.query_one("#visit-views", TextArea).focus()
        # A key every 0.2 s: never a pause of AUTOSAVE_SECONDS, for well over a second.
        for key in WORDS.replace(" ", "_")[:8]:
            await pilot.press(key)
            await pilot.pause(0.2)
        await app.workers.wait_for_complete()
        kept = draft(demo_desk, ref)
        assert kept is not None, "a steady typist's work is on disk within a second"
        assert kept["views"].startswith("she_w")
    assert 0.2 < AUTOSAVE_SECONDS <= 1.0
