"""How a child took part: the 903 rules shown as the code is chosen, and what is saved."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Select, Static, TabbedContent

from iro_desk.rules.codes import SHORT_BREAK_STATUSES
from iro_desk.rules.dates import age_on
from iro_desk.screens.children.child import ChildScreen
from iro_desk.screens.children.review_form import ReviewFormScreen
from iro_desk.services.caseload import CaseloadRow, build_caseload
from iro_desk.services.children import child_by_ref
from iro_desk.services.context import Desk
from iro_desk.services.meetings import meetings_of
from tests.conftest import TODAY
from tests.tui.conftest import settle


def my_rows(desk: Desk) -> list[CaseloadRow]:
    with desk.read() as s:
        return build_caseload(s, desk.ctx, as_of=TODAY, iro_name=desk.ctx.user).rows


def meetings(desk: Desk, ref: str):
    with desk.read() as s:
        return [mc for _m, mc in meetings_of(s, child_by_ref(s, ref).id)]


def looked_after_child_over_4(desk: Desk) -> str:
    """Looked after today (not on short breaks), 4 or over, and no review today yet."""
    for row in my_rows(desk):
        if (
            "CLA" in row.status
            and row.legal_status not in SHORT_BREAK_STATUSES
            and row.dob is not None
            and age_on(row.dob, TODAY) >= 5
            and not any(mc.meeting_date == TODAY for mc in meetings(desk, row.ref))
        ):
            return row.ref
    raise AssertionError("the demo IRO has no looked-after child aged 4+")


async def open_review_form(app, pilot, ref: str) -> ReviewFormScreen:
    app.open_child(ref)
    await settle(pilot)
    await pilot.press("r")
    await settle(pilot)
    assert isinstance(app.screen, ReviewFormScreen)
    return app.screen


async def correct_latest(app, pilot, ref: str) -> ReviewFormScreen:
    """Open the child, go to Reviews and press p on the latest (first) row."""
    app.open_child(ref)
    await settle(pilot)
    app.screen.query_one("#child-tabs", TabbedContent).active = "tab-reviews"
    await pilot.pause()
    await pilot.press("p")
    await settle(pilot)
    assert isinstance(app.screen, ReviewFormScreen)
    return app.screen


async def test_pn0_refused_for_a_child_over_4_then_pn1_saved(app_for, demo_desk: Desk) -> None:
    ref = looked_after_child_over_4(demo_desk)
    before = meetings(demo_desk, ref)
    app = app_for("caseload")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        form = await open_review_form(app, pilot, ref)
        form.query_one("#review-kind", Select).value = "LAR"
        form.query_one("#review-date", Input).value = TODAY.isoformat()
        form.query_one("#review-participation", Select).value = "PN0"
        await pilot.pause()
        # The reason shows as soon as the code is chosen, before any save.
        note = form.query_one("#error-participation", Static)
        assert "rule 440" in str(note.render())
        assert "PN1-PN7" in str(form.query_one("#review-allowed", Static).render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form, "a refused review keeps the form open"
        assert "rule 440" in str(note.render())
        assert meetings(demo_desk, ref) == before, "nothing was written"

        form.query_one("#review-participation", Select).value = "PN1"
        await pilot.pause()
        assert str(note.render()) == ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ChildScreen)
        shown = app.screen.query_one("#child-meetings", DataTable)
        assert shown.row_count == len(before) + 1
    new = [mc for mc in meetings(demo_desk, ref) if mc.meeting_date == TODAY]
    assert [(mc.kind, mc.participation) for mc in new] == [("LAR", "PN1")]


async def test_correct_participation_on_a_held_review(app_for, demo_desk: Desk) -> None:
    # A child whose latest meeting is an LAR held when they were 4 or over.
    for row in my_rows(demo_desk):
        held = sorted(meetings(demo_desk, row.ref), key=lambda mc: mc.meeting_date)
        if (
            held
            and held[-1].kind == "LAR"
            and held[-1].participation not in (None, "PN0", "PN6")
            and row.dob
            and age_on(row.dob, held[-1].meeting_date) >= 4
        ):
            ref, review = row.ref, held[-1]
            break
    else:
        raise AssertionError("no child with a held LAR to correct")
    app = app_for("caseload")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        form = await correct_latest(app, pilot, ref)
        assert form.query_one("#review-participation", Select).value == review.participation
        assert form.query_one("#review-date", Input).disabled
        form.query_one("#review-participation", Select).value = "PN0"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "rule 440" in str(form.query_one("#error-participation", Static).render())
        form.query_one("#review-participation", Select).value = "PN6"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ChildScreen)
    fixed = [mc for mc in meetings(demo_desk, ref) if mc.id == review.id]
    assert fixed[0].participation == "PN6"


async def test_child_protection_conference_participation(app_for, demo_desk: Desk) -> None:
    # On a plan (ICPC held), aged 4+, no conference today.
    for row in my_rows(demo_desk):
        if (
            row.cp_category
            and row.dob
            and age_on(row.dob, TODAY) >= 5
            and not any(mc.meeting_date == TODAY for mc in meetings(demo_desk, row.ref))
        ):
            ref = row.ref
            break
    else:
        raise AssertionError("the demo IRO has no child on a CP plan aged 4+")
    app = app_for("caseload")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        form = await open_review_form(app, pilot, ref)
        form.query_one("#review-kind", Select).value = "RCPC"
        form.query_one("#review-date", Input).value = TODAY.isoformat()
        await pilot.pause()
        assert form.query_one("#review-cp").display
        assert not form.query_one("#review-lar").display
        form.query_one("#review-took-part", Select).value = "yes"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "how the child took part" in str(form.query_one("#error-method", Static).render())
        assert not [mc for mc in meetings(demo_desk, ref) if mc.meeting_date == TODAY]
        form.query_one("#review-method", Select).value = "drawings"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ChildScreen)
    new = [mc for mc in meetings(demo_desk, ref) if mc.meeting_date == TODAY]
    assert [(mc.kind, mc.cp_took_part, mc.cp_method) for mc in new] == [("RCPC", True, "drawings")]


async def test_correct_how_a_child_took_part_in_a_conference(app_for, demo_desk: Desk) -> None:
    # A child on a plan, aged 4+ at their latest conference (the Reviews tab's first row).
    for row in my_rows(demo_desk):
        held = sorted(meetings(demo_desk, row.ref), key=lambda mc: mc.meeting_date)
        if (
            row.cp_category
            and row.dob
            and held
            and held[-1].kind in ("ICPC", "RCPC")
            and age_on(row.dob, held[-1].meeting_date) >= 5
        ):
            ref, conference = row.ref, held[-1]
            break
    else:
        raise AssertionError("the demo IRO has no child aged 4+ with a conference")
    app = app_for("caseload")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        form = await correct_latest(app, pilot, ref)
        assert form.query_one("#review-cp").display
        assert not form.query_one("#review-icpc").display  # the outcome is not touched
        form.query_one("#review-took-part", Select).value = "yes"
        form.query_one("#review-method", Select).value = Select.NULL
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReviewFormScreen)  # "how" is required: nothing saved
        assert [mc for mc in meetings(demo_desk, ref) if mc.id == conference.id][0] == conference
        form.query_one("#review-method", Select).value = "written"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ChildScreen)
    (fixed,) = [mc for mc in meetings(demo_desk, ref) if mc.id == conference.id]
    assert (fixed.cp_took_part, fixed.cp_method) == (True, "written")
