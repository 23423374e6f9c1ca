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


async def test_the_demo_says_whose_desk_it_is_and_lets_you_choose(demo_desk):
    from iro_desk.app import make_app
    from iro_desk.screens.children.caseload import CaseloadScreen
    from iro_desk.screens.dialogs.iro_picker import IroPickerDialog
    from iro_desk.services.iros import list_iros

    with demo_desk.read() as s:
        names = [i.name for i in list_iros(s, active_only=True)]
    first, third = names[0], names[2]
    assert demo_desk.ctx.user == first  # the CLI starts the demo as its first IRO
    app = make_app(demo_desk, demo=True)
    app.animation_level = "none"
    app.warm_up = False
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # Asked at once, saying plainly this is the demo and whom the desk acts as.
        dialog = app.screen
        assert isinstance(dialog, IroPickerDialog)
        assert "demo unit" in dialog.prompt and first in dialog.prompt
        assert app.sub_title.startswith(f"Demo: acting as {first}")
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        assert demo_desk.ctx.user == third and app.me == third
        assert app.sub_title.startswith(f"Demo: acting as {third}")
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, CaseloadScreen)
        assert third in str(app.screen.query_one("#caseload-title", Static).render())


async def test_outside_the_demo_nobody_is_asked_or_chosen_for_you(app_for, demo_desk):
    user = demo_desk.ctx.user
    app = app_for("duty")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DutyDeskScreen)
        assert "Demo" not in app.sub_title and demo_desk.ctx.user == user
