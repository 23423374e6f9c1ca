"""Every enquiry found again: the All enquiries screen and the child's Enquiries tab."""

from __future__ import annotations

from datetime import date

from textual.widgets import DataTable, Input, Static, TabbedContent

from iro_desk.screens.children.child import ChildScreen
from iro_desk.screens.duty.duty_desk import DutyDeskScreen
from iro_desk.screens.duty.enquiries import EnquiriesScreen
from iro_desk.screens.duty.enquiry_detail import EnquiryDetailScreen
from iro_desk.services.context import Desk
from iro_desk.services.enquiry_search import search_enquiries
from tests.tui.conftest import settle


def found(desk: Desk, **filters) -> list[str]:
    with desk.read() as s:
        return [str(r.id) for r in search_enquiries(s, desk.ctx, **filters)]


def keys(table: DataTable) -> list[str]:
    return [str(row.key.value) for row in table.ordered_rows]


async def test_all_enquiries_from_the_duty_desk_search_and_open(app_for, demo_desk):
    app = app_for("duty")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, EnquiriesScreen)
        table = screen.query_one("#found", DataTable)
        # The list starts with the focus, so letters are keys, not text.
        assert app.focused is table
        assert keys(table) == found(demo_desk)

        # Ctrl+F goes to the search; typing narrows the list as the service does.
        await pilot.press("ctrl+f")
        assert app.focused is screen.query_one("#find-text", Input)
        await pilot.press(*"kettleby")
        await settle(pilot)
        expected = found(demo_desk, text="kettleby")
        assert 0 < len(expected) < len(found(demo_desk))
        assert keys(table) == expected
        assert str(screen.query_one("#find-count", Static).render()).startswith(
            f"{len(expected)} enquiries"
        )

        # A date the user cannot mean is named, by its label, and the list stays.
        screen.query_one("#find-since", Input).value = "31/02/2026"
        await settle(pilot)
        assert "From" in str(screen.query_one("#find-count", Static).render())
        screen.query_one("#find-since", Input).value = "01/11/2026"
        await settle(pilot)
        assert keys(table) == found(demo_desk, text="kettleby", since=date(2026, 11, 1))

        # Escape leaves the search box for the list; Enter opens the highlighted enquiry.
        await pilot.press("escape")
        assert app.focused is table
        first = keys(table)[0]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, EnquiryDetailScreen)
        assert app.screen.enquiry_id == first
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DutyDeskScreen)


async def test_the_palette_finds_the_enquiries_screen(app_for):
    app = app_for("duty")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"find an enq")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, EnquiriesScreen)


async def test_the_child_screen_lists_the_childs_enquiries(app_for, demo_desk):
    with demo_desk.read() as s:
        ref = next(
            r.child_ref
            for r in search_enquiries(s, demo_desk.ctx, status="closed")
            if r.child_ref is not None
        )
    app = app_for("caseload")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_child(ref)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ChildScreen)
        screen.query_one("#child-tabs", TabbedContent).active = "tab-enquiries"
        await settle(pilot)
        table = screen.query_one("#child-enquiries", DataTable)
        assert keys(table) == found(demo_desk, child_ref=ref)
        table.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, EnquiryDetailScreen)
        assert app.screen.enquiry_id == keys(table)[0]
