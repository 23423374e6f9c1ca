"""The caseload (F3) and the child screen, checked against what the services say."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Static, TabbedContent

from iro_desk.screens.children.caseload import ROW_LIMIT, CaseloadScreen
from iro_desk.screens.children.child import ChildScreen
from iro_desk.screens.dialogs.iro_picker import IroPickerDialog
from iro_desk.services.caseload import build_caseload
from iro_desk.services.child_record import child_record
from iro_desk.services.context import Desk
from iro_desk.services.iros import list_iros
from tests.conftest import TODAY
from tests.tui.conftest import settle


def table_refs(app) -> list[str]:
    table = app.screen.query_one("#caseload-table", DataTable)
    return [str(row.key.value) for row in table.ordered_rows]


def caseload(desk: Desk, iro: str | None = None, **filters):
    with desk.read() as s:
        return build_caseload(
            s, desk.ctx, as_of=TODAY, iro_name=iro or desk.ctx.user, limit=ROW_LIMIT, **filters
        )


async def test_caseload_shows_my_children_and_counts(app_for, demo_desk: Desk) -> None:
    expected = caseload(demo_desk)
    assert expected.rows, "the first demo IRO has a caseload"
    app = app_for("caseload")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, CaseloadScreen)
        assert sorted(table_refs(app)) == sorted(r.ref for r in expected.rows)
        h = expected.header
        counts = str(app.screen.query_one("#caseload-counts", Static).render())
        assert f"{h.total} children: {h.cla} looked after, {h.cp} on CP plans" in counts
        assert f"{h.overdue} overdue" in counts
        assert "Handbook's 50-70" in counts
        title = str(app.screen.query_one("#caseload-title", Static).render())
        assert demo_desk.ctx.user in title


async def test_filters_overdue_due_soon_and_all(app_for, demo_desk: Desk) -> None:
    everyone = caseload(demo_desk)
    overdue = caseload(demo_desk, overdue_only=True)
    soon = caseload(demo_desk, due_within=10)
    app = app_for("caseload")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert sorted(table_refs(app)) == sorted(r.ref for r in overdue.rows)
        assert all(r.overdue for r in overdue.rows)
        await pilot.press("s")
        await settle(pilot)
        assert sorted(table_refs(app)) == sorted(r.ref for r in soon.rows)
        await pilot.press("a")
        await settle(pilot)
        assert len(table_refs(app)) == len(everyone.rows)


async def test_search_narrows_by_name_and_reference(app_for, demo_desk: Desk) -> None:
    rows = caseload(demo_desk).rows
    target = rows[len(rows) // 2]
    last = target.name.split()[-1]
    app = app_for("caseload")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        assert app.focused is app.screen.query_one("#caseload-search", Input)
        await pilot.press(*last[:4])
        shown = table_refs(app)
        assert target.ref in shown
        assert len(shown) < len(rows)
        names = {r.ref: r.name for r in rows}
        assert all(
            any(w.lower().startswith(last[:4].lower()) for w in names[ref].split()) for ref in shown
        )
        app.screen.query_one("#caseload-search", Input).value = target.ref
        await pilot.pause()
        assert table_refs(app) == [target.ref]


async def test_sort_by_name_with_number_key(app_for, demo_desk: Desk) -> None:
    app = app_for("caseload")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("1")
        rows = {r.ref: r.name.lower() for r in caseload(demo_desk).rows}
        names = [rows[ref] for ref in table_refs(app)]
        assert names == sorted(names)
        await pilot.press("1")
        names = [rows[ref] for ref in table_refs(app)]
        assert names == sorted(names, reverse=True)


async def test_another_iros_caseload(app_for, demo_desk: Desk) -> None:
    with demo_desk.read() as s:
        other = [i.name for i in list_iros(s, active_only=True) if i.name != demo_desk.ctx.user][0]
    expected = caseload(demo_desk, other)
    app = app_for("caseload")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, IroPickerDialog)
        app.screen.dismiss(other)
        await settle(pilot)
        assert sorted(table_refs(app)) == sorted(r.ref for r in expected.rows)
        assert other in str(app.screen.query_one("#caseload-title", Static).render())


async def test_enter_opens_the_child_with_tabs(app_for, demo_desk: Desk) -> None:
    app = app_for("caseload")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        ref = table_refs(app)[2]
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ChildScreen)
        with demo_desk.read() as s:
            record = child_record(s, demo_desk.ctx, ref, as_of=TODAY)
        title = str(app.screen.query_one("#child-title", Static).render())
        assert record.name in title and ref in title
        tabs = app.screen.query_one("#child-tabs", TabbedContent)
        labels = [str(tabs.get_tab(pane.id).label) for pane in tabs.query("TabPane")]
        assert labels == [
            *("Profile", "Care", "Reviews", "Visits", "Views", "Forms", "Cases", "Enquiries")
        ]
        profile = str(app.screen.query_one("#child-profile", Static).render())
        assert record.name in profile
        meetings = app.screen.query_one("#child-meetings", DataTable)
        assert meetings.row_count == len(record.meetings)
        visits = app.screen.query_one("#child-visits", DataTable)
        assert visits.row_count == len(record.visits)
        tabs.active = "tab-reviews"
        await pilot.pause()
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CaseloadScreen)


async def test_child_screen_at_80_by_24(app_for, demo_desk: Desk) -> None:
    ref = caseload(demo_desk).rows[0].ref
    app = app_for("caseload")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_child(ref)
        await settle(pilot)
        assert isinstance(app.screen, ChildScreen)
        # The tab strip and the first tab's text are on screen, not squeezed out.
        tabs = app.screen.query_one("#child-tabs", TabbedContent)
        assert tabs.region.height >= 10
        assert app.screen.query_one("#child-profile", Static).region.height > 0


async def test_someone_who_is_not_an_iro_is_asked_whose_caseload(demo_desk: Desk) -> None:
    from iro_desk.app import IroDeskApp

    with demo_desk.read() as s:
        second = list_iros(s, active_only=True)[1].name
    expected = caseload(demo_desk, second)
    app = IroDeskApp(demo_desk, me=None, start="caseload")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, IroPickerDialog)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseloadScreen)
        assert sorted(table_refs(app)) == sorted(r.ref for r in expected.rows)


async def test_compliance_and_resolution_start_from_the_child(app_for, demo_desk: Desk) -> None:
    from iro_desk.screens.compliance.compliance_form import ComplianceFormScreen
    from iro_desk.screens.resolution.raise_case import RaiseCaseScreen

    row = next(r for r in caseload(demo_desk).rows if r.last_review is not None)
    app = app_for("caseload")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_child(row.ref)
        await settle(pilot)
        child = app.screen
        assert isinstance(child, ChildScreen) and child.record is not None
        child.query_one("#child-tabs", TabbedContent).active = "tab-reviews"
        await pilot.pause()
        await pilot.press("c")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ComplianceFormScreen)
        # Started for the review highlighted on the Reviews tab (the newest).
        assert form.child_ref == row.ref
        assert form.meeting_child_id == child.record.meetings[0].meeting_child_id
        app.pop_screen()
        await settle(pilot)
        child.query_one("#child-tabs", TabbedContent).active = "tab-profile"
        await pilot.pause()
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, RaiseCaseScreen)
        assert app.screen.child_ref == row.ref
