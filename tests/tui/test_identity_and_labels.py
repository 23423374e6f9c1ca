"""Who you are is never guessed, and problems name fields as the user sees them."""

from __future__ import annotations

from textual.widgets import Input, Select, Static, TextArea

from iro_desk.screens.duty.duty_desk import DutyDeskScreen
from iro_desk.screens.duty.enquiry_form import EnquiryFormScreen
from tests.tui.conftest import settle


async def test_a_follow_up_before_the_call_is_refused_in_words_not_column_names(app_for):
    app = app_for("duty")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DutyDeskScreen)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, EnquiryFormScreen)
        form.query_one("#received_at", Input).value = "2026-11-27 09:00"
        form.query_one("#category", Select).value = "ADVICE"
        form.query_one("#subject", Input).value = "A girl in year 7"
        form.query_one("#summary", TextArea).text = "Asked for advice"
        form.query_one("#follow_up_due", Input).value = "2026-11-20"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        error = str(form.query_one("#error-follow_up_due", Static).content)
        assert "is before the day the enquiry was received (2026-11-27)" in error
        shown = " ".join(str(s.content) for s in form.query(Static))
        notes = " ".join(str(n.message) for n in app._notifications)
        assert "received_at" not in shown + notes
