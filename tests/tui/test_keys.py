"""Keys do what they say: F-keys show their list, screens do not pile up, Escape leaves
the search box and closes the keys panel."""

from __future__ import annotations

from textual.widgets import Button, DataTable, Input

from iro_desk.rules.codes import COMPLIANCE_ITEMS
from iro_desk.screens.children.caseload import CaseloadScreen
from iro_desk.screens.children.child import ChildScreen
from iro_desk.screens.dialogs.confirm import ConfirmDialog
from iro_desk.screens.duty.duty_desk import DutyDeskScreen
from iro_desk.services.context import Desk
from iro_desk.services.drafts import pending_drafts
from tests.tui.conftest import settle
from tests.tui.test_compliance import child_with_unformed_lar
from tests.tui.test_drafts import open_enquiry_and_type
from tests.tui.test_duty_desk import todays
from tests.tui.test_visit import a_child


async def press(pilot, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


async def test_f3_shows_the_caseload_not_a_form_left_open_behind_it(app_for) -> None:
    app = app_for("caseload")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_child(a_child(app.desk))
        await settle(pilot)
        assert isinstance(app.screen, ChildScreen)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, CaseloadScreen), "F3 is the list, not the child left open"
        assert len(app.screen_stack) == 1
        # Going to the screen already shown clears what is stacked on it too.
        app.open_child(a_child(app.desk))
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, CaseloadScreen) and len(app.screen_stack) == 1


async def test_palette_screens_do_not_pile_up(app_for) -> None:
    app = app_for("duty")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for _ in range(3):
            app.open_child(a_child(app.desk))
            await settle(pilot)
            app.action_go("duty")
            await settle(pilot)
        assert isinstance(app.screen, DutyDeskScreen) and len(app.screen_stack) == 1


async def test_going_to_a_main_screen_asks_about_an_unsaved_form(app_for, demo_desk: Desk) -> None:
    app = app_for("duty")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        form = await open_enquiry_and_type(app, pilot, "Worried")
        await press(pilot, "f3")
        assert isinstance(app.screen, ConfirmDialog)
        await press(pilot, "n")  # keep editing
        assert app.screen is form
        await press(pilot, "f3", "y")
        assert isinstance(app.screen, CaseloadScreen)
        await press(pilot, "f2")
        assert isinstance(app.screen, DutyDeskScreen), "the discarded form is gone"
    with demo_desk.read() as s:
        assert pending_drafts(s, demo_desk.ctx) == []


async def test_escape_leaves_the_search_box_and_closes_the_keys_panel(app_for) -> None:
    app = app_for("caseload")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        assert app.focused is app.screen.query_one("#caseload-search", Input)
        await pilot.press("escape")
        assert app.focused is app.screen.query_one("#caseload-table", DataTable)
        app.action_show_help_panel()
        await settle(pilot)
        assert app.screen.query("HelpPanel")
        await pilot.press("escape")
        await settle(pilot)
        assert not app.screen.query("HelpPanel")


async def test_forms_open_in_their_first_empty_required_field(app_for, demo_desk: Desk) -> None:
    ref = a_child(demo_desk)
    app = app_for("caseload")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        expected = {
            ("enquiry", ()): "category",  # received is filled in with now; caller is optional
            ("visit", (("ref", ref),)): "visit-location",  # the date is today; where is asked
            ("compliance", (("child_ref", child_with_unformed_lar(demo_desk)[0]),)): (
                "answer-" + next(iter(COMPLIANCE_ITEMS))
            ),
        }
        for (form, args), field in expected.items():
            app.open_form(form, **dict(args))
            await settle(pilot)
            assert app.focused is not None and app.focused.id == field, form
            await press(pilot, "escape")


async def test_save_is_on_the_right_in_every_form(app_for, demo_desk: Desk) -> None:
    app = app_for("duty")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_form("enquiry")
        await settle(pilot)
        row = app.screen.query_one("#buttons")
        assert [b.id for b in row.query(Button)] == ["cancel", "save"]
        await press(pilot, "escape")
        enquiry_id = str(todays(demo_desk)[0].id)
        app.open_form("enquiry_detail", enquiry_id=enquiry_id)
        await settle(pilot)
        buttons = [b.id for b in app.screen.query_one("#buttons").query(Button)]
        assert buttons[-1] == "add", "Add update (the save) is the rightmost button"
