"""Logging a visit: saved to the database, and a half-typed visit survives a killed terminal."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Checkbox, DataTable, Input, Select, Static, TextArea

from iro_desk.app import make_app
from iro_desk.db.engine import sqlite_url
from iro_desk.screens.children.caseload import CaseloadScreen
from iro_desk.screens.children.child import ChildScreen
from iro_desk.screens.children.visit_form import VisitFormScreen
from iro_desk.screens.dialogs.confirm import ConfirmDialog
from iro_desk.services.caseload import build_caseload
from iro_desk.services.children import child_by_ref
from iro_desk.services.context import Desk, open_desk
from iro_desk.services.drafts import load_draft, pending_drafts, save_draft
from iro_desk.services.visits import visits_of
from tests.conftest import TODAY, make_ctx
from tests.tui.conftest import settle

VIEWS = "Likes her foster carers and wants to stay at the same school"


def a_child(desk: Desk) -> str:
    with desk.read() as s:
        return build_caseload(s, desk.ctx, as_of=TODAY, iro_name=desk.ctx.user).rows[0].ref


def visits(desk: Desk, ref: str):
    with desk.read() as s:
        return visits_of(s, child_by_ref(s, ref).id)


def draft(desk: Desk, ref: str):
    with desk.read() as s:
        return load_draft(s, desk.ctx, "visit", ref)


async def open_visit_form(app, pilot, ref: str, *, via_child: bool = True) -> VisitFormScreen:
    """From the child screen (`v`), or straight over the caseload to keep a test quick."""
    if via_child:
        app.open_child(ref)
        await settle(pilot)
        assert isinstance(app.screen, ChildScreen)
        await pilot.press("v")
    else:
        app.push_screen(VisitFormScreen(ref))
    await settle(pilot)
    assert isinstance(app.screen, VisitFormScreen)
    return app.screen


async def type_views(pilot, form: VisitFormScreen, text: str) -> None:
    """Type the last few characters as keys (the rest pasted in, to keep the test quick)."""
    area = form.query_one("#visit-views", TextArea)
    area.focus()
    area.insert(text[:-5])
    await pilot.press(*text[-5:])


async def test_visit_saved_from_the_child_screen(app_for, demo_desk: Desk) -> None:
    ref = a_child(demo_desk)
    before = len(visits(demo_desk, ref))
    app = app_for("caseload")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        form = await open_visit_form(app, pilot, ref)
        assert form.query_one("#visit-date", Input).value == TODAY.isoformat()
        form.query_one("#visit-date", Input).value = "2026-11-25"
        form.query_one("#visit-location", Select).value = "school"
        form.query_one("#visit-purpose", Select).value = "before_review"
        form.query_one("#visit-alone", Checkbox).value = True
        await type_views(pilot, form, VIEWS)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ChildScreen)
        table = app.screen.query_one("#child-visits", DataTable)
        assert table.row_count == before + 1
    saved = visits(demo_desk, ref)
    assert len(saved) == before + 1
    new = saved[0]
    assert (new.visit_date.isoformat(), new.location, new.purpose) == (
        "2026-11-25",
        "school",
        "before_review",
    )
    assert new.seen_alone and new.views == VIEWS and new.iro == demo_desk.ctx.user
    assert draft(demo_desk, ref) is None, "saving removes the draft"


async def test_bad_input_is_shown_by_its_field_and_nothing_is_written(
    app_for, demo_desk: Desk
) -> None:
    ref = a_child(demo_desk)
    before = len(visits(demo_desk, ref))
    app = app_for("caseload")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        form = await open_visit_form(app, pilot, ref)
        form.query_one("#visit-date", Input).value = "2026-13-01"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "not a date" in str(form.query_one("#error-date", Static).render())
        assert "required" in str(form.query_one("#error-purpose", Static).render())
        # Where the child was seen is the IRO's to say: no default fills it in.
        assert "required" in str(form.query_one("#error-location", Static).render())
        form.query_one("#visit-date", Input).value = "2099-01-01"
        form.query_one("#visit-purpose", Select).value = "other"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "in the future" in str(form.query_one("#error-date", Static).render())
        assert str(form.query_one("#error-purpose", Static).render()) == ""
    assert len(visits(demo_desk, ref)) == before


async def test_draft_restored_after_the_app_was_killed(app_for, demo_desk: Desk) -> None:
    ref = a_child(demo_desk)
    before = len(visits(demo_desk, ref))
    app = app_for("caseload")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        form = await open_visit_form(app, pilot, ref, via_child=False)
        form.query_one("#visit-location", Select).value = "placement"
        form.query_one("#visit-purpose", Select).value = "between_reviews"
        await type_views(pilot, form, VIEWS)
        await pilot.pause(0.6)  # the autosave waits for typing to pause
        await settle(pilot)
        assert draft(demo_desk, ref) == {
            "date": TODAY.isoformat(),
            "location": "placement",
            "purpose": "between_reviews",
            "seen_alone": False,
            "iro": None,
            "views": VIEWS,
        }
        # The terminal is closed here: no save, no cancel.

    # A new start on the same database file, as the same user (already migrated: skip that).
    path = Path(demo_desk.engine.url.database or "")
    desk = open_desk(sqlite_url(path), make_ctx(demo_desk.ctx.user), migrate=False)
    try:
        app = make_app(desk, start="caseload")
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, ConfirmDialog)
            await pilot.press("y")
            await settle(pilot)
            form = app.screen
            assert isinstance(form, VisitFormScreen) and form.ref == ref
            assert form.query_one("#visit-views", TextArea).text == VIEWS
            assert form.query_one("#visit-purpose", Select).value == "between_reviews"
            await pilot.press(*" Seen")
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert not isinstance(app.screen, VisitFormScreen)
        saved = visits(desk, ref)
        assert len(saved) == before + 1
        assert saved[0].views == VIEWS + " Seen"
        assert saved[0].purpose == "between_reviews"
        with desk.read() as s:
            assert pending_drafts(s, desk.ctx) == []
    finally:
        desk.engine.dispose()


async def test_opening_a_visit_resumes_its_draft(app_for, demo_desk: Desk) -> None:
    ref = a_child(demo_desk)
    with demo_desk.write() as s:
        save_draft(
            s,
            demo_desk.ctx,
            "visit",
            ref,
            {"date": "2026-11-20", "location": "school", "purpose": None, "views": "Half typed"},
        )
    app = app_for("caseload")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        if isinstance(app.screen, ConfirmDialog):  # the start-up offer: answer later
            await pilot.press("n")
            await settle(pilot)
        form = await open_visit_form(app, pilot, ref, via_child=False)
        assert form.query_one("#visit-views", TextArea).text == "Half typed"
        assert form.query_one("#visit-date", Input).value == "2026-11-20"
        assert form.query_one("#visit-location", Select).value == "school"


async def test_escape_asks_then_discards_the_draft(app_for, demo_desk: Desk) -> None:
    ref = a_child(demo_desk)
    before = len(visits(demo_desk, ref))
    app = app_for("caseload")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        form = await open_visit_form(app, pilot, ref, via_child=False)
        await type_views(pilot, form, "Not")
        await pilot.pause(0.6)
        await settle(pilot)
        assert draft(demo_desk, ref) is not None
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")  # keep editing
        await settle(pilot)
        assert app.screen is form
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, CaseloadScreen)
    assert draft(demo_desk, ref) is None
    assert len(visits(demo_desk, ref)) == before


async def test_not_an_iro_saves_the_visit_for_the_childs_iro(demo_desk: Desk) -> None:
    from iro_desk.app import IroDeskApp

    ref = a_child(demo_desk)  # one of the first IRO's children
    app = IroDeskApp(demo_desk, me=None, start="caseload")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("escape")  # no caseload wanted: straight to the visit
        await settle(pilot)
        form = await open_visit_form(app, pilot, ref, via_child=False)
        assert form.query_one("#visit-iro-row").display
        assert form.query_one("#visit-iro", Select).value == demo_desk.ctx.user
        form.query_one("#visit-location", Select).value = "home"
        form.query_one("#visit-purpose", Select).value = "other"
        await type_views(pilot, form, "Seen with mum")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, VisitFormScreen)
    new = visits(demo_desk, ref)[0]
    assert (new.iro, new.views) == (demo_desk.ctx.user, "Seen with mum")


async def test_seen_alone_starts_unticked_and_shows_no_mark(app_for, demo_desk: Desk) -> None:
    """Unticked must not read as ticked without colour: the X appears only once ticked."""
    ref = a_child(demo_desk)
    app = app_for("caseload")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        form = await open_visit_form(app, pilot, ref, via_child=False)
        box = form.query_one("#visit-alone", Checkbox)
        assert box.value is False
        assert "X" not in box.render().plain
        box.focus()
        await pilot.press("space")
        await settle(pilot)
        assert box.value is True
        assert "X" in box.render().plain


async def test_a_date_typed_as_people_write_it(app_for, demo_desk: Desk) -> None:
    """`25/11/26` is saved as 25 November 2026; `31/11/2026` says the day is wrong."""
    ref = a_child(demo_desk)
    before = len(visits(demo_desk, ref))
    app = app_for("caseload")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        form = await open_visit_form(app, pilot, ref, via_child=False)
        form.query_one("#visit-location", Select).value = "school"
        form.query_one("#visit-purpose", Select).value = "between_reviews"
        form.query_one("#visit-date", Input).value = "31/11/2026"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        shown = str(form.query_one("#error-date", Static).content)
        assert "day 31: November 2026 has 30 days" in shown
        form.query_one("#visit-date", Input).value = "25/11/26"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is not form
    saved = visits(demo_desk, ref)
    assert len(saved) == before + 1 and saved[0].visit_date.isoformat() == "2026-11-25"
