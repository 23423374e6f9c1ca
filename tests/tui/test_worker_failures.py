"""Worker failures: an unexpected error in a save tells the user, keeps what they typed,
and leaves the app running (the app's one policy, in IroDeskApp.worker_failed)."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Select, TextArea

from iro_desk.screens.duty.duty_desk import DutyDeskScreen
from iro_desk.screens.duty.enquiry_form import EnquiryFormScreen
from iro_desk.services import enquiry_actions
from iro_desk.services.context import Desk
from iro_desk.services.duty import enquiries_on
from tests.conftest import TODAY
from tests.tui.conftest import settle

FAILURE = "the disk is full"


def todays_callers(desk: Desk) -> list[str]:
    with desk.read() as s:
        return [e.caller_name for e in enquiries_on(s, TODAY, desk.ctx)]


async def test_a_save_that_fails_unexpectedly_keeps_the_app_and_the_typed_text(
    app_for, demo_desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_log_enquiry = enquiry_actions.log_enquiry

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError(FAILURE)

    monkeypatch.setattr(enquiry_actions, "log_enquiry", broken)
    app = app_for("duty")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, EnquiryFormScreen)
        form.query_one("#caller_name", Input).value = "PC Failing"
        form.query_one("#category", Select).value = "ADVICE"
        form.query_one("#subject", Input).value = "A girl in year 10"
        form.query_one("#summary", TextArea).text = "Worried about a new friend"
        await pilot.press("ctrl+s")
        await settle(pilot)

        # Still running, still on the form, with everything typed, and told why.
        assert app.is_running
        assert app.screen is form
        assert form.query_one("#caller_name", Input).value == "PC Failing"
        assert form.query_one("#summary", TextArea).text == "Worried about a new friend"
        messages = [n.message for n in app._notifications]
        assert any(FAILURE in m for m in messages), messages
        assert "PC Failing" not in todays_callers(demo_desk)

        # The failure did not leave the form stuck as "saving": once the cause is gone,
        # the same Ctrl+S saves what is on screen.
        monkeypatch.setattr(enquiry_actions, "log_enquiry", real_log_enquiry)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DutyDeskScreen)
        assert "PC Failing" in todays_callers(demo_desk)
