"""Nothing typed is lost: drafts are written while the user types (not only after a
pause), every form that records something keeps one, and quitting asks first."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from textual.widgets import Input, TextArea

from iro_desk.app import make_app
from iro_desk.db.engine import sqlite_url
from iro_desk.rules.codes import COMPLIANCE_ITEMS
from iro_desk.screens.children.visit_form import AUTOSAVE_SECONDS, VisitFormScreen
from iro_desk.screens.dialogs.confirm import ConfirmDialog
from iro_desk.screens.duty.enquiry_form import EnquiryFormScreen
from iro_desk.services.context import Desk, open_desk
from iro_desk.services.drafts import pending_drafts
from iro_desk.widgets.form_kit import widget_value
from tests.conftest import make_ctx
from tests.tui.conftest import settle
from tests.tui.test_compliance import child_with_unformed_lar
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


async def restart(demo_desk: Desk, start: str = "duty"):
    """A new start on the same database file, as the same user (the terminal was killed)."""
    path = Path(demo_desk.engine.url.database or "")
    desk = open_desk(sqlite_url(path), make_ctx(demo_desk.ctx.user), migrate=False)
    app = make_app(desk, start=start)
    app.animation_level = "none"
    app.warm_up = False
    return desk, app


def drafts_of(desk: Desk) -> dict[str, dict]:
    with desk.read() as s:
        return {f"{d.kind}:{d.key}": d.payload for d in pending_drafts(s, desk.ctx)}


async def test_half_logged_enquiry_comes_back_at_the_next_start(app_for, demo_desk: Desk) -> None:
    app = app_for("duty")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.action_new_enquiry()
        await settle(pilot)
        assert isinstance(app.screen, EnquiryFormScreen)
        app.screen.query_one("#caller_name", Input).focus()
        await pilot.press(*"J. Smith")
        app.screen.query_one("#summary", TextArea).focus()
        await pilot.press(*"Worried about bruising")
        await pilot.pause(AUTOSAVE_SECONDS + 0.2)
        await app.workers.wait_for_complete()
        # The laptop dies here: no save, no cancel.
    kept = drafts_of(demo_desk)["enquiry:new"]
    assert (kept["caller_name"], kept["summary"]) == ("J. Smith", "Worried about bruising")

    desk, app = await restart(demo_desk)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, ConfirmDialog)
            assert "safeguarding enquiry" in app.screen.question
            await pilot.press("y")
            await settle(pilot)
            form = app.screen
            assert isinstance(form, EnquiryFormScreen)
            assert form.query_one("#caller_name", Input).value == "J. Smith"
            assert form.query_one("#summary", TextArea).text == "Worried about bruising"
            await pilot.press("escape")  # restored text counts as typed: Escape asks
            await settle(pilot)
            assert isinstance(app.screen, ConfirmDialog)
            await pilot.press("y")
            await settle(pilot)
            assert not isinstance(app.screen, EnquiryFormScreen)
        assert drafts_of(desk) == {}, "discarding the form drops its draft"
    finally:
        desk.engine.dispose()


# form -> (its draft's kind, the id of a text field typed into)
FORMS = {
    "review": ("review", "review-views"),
    "compliance": ("compliance", "response"),
    "raise_case": ("raise_case", "issue"),
}


def form_args(form: str, desk: Desk) -> tuple[dict, str]:
    """The form's arguments for a child of the demo unit, and its draft's key."""
    if form == "compliance":
        ref = child_with_unformed_lar(desk)[0]
        return {"child_ref": ref}, f"new:{ref}"
    ref = a_child(desk)
    return ({"ref": ref} if form == "review" else {"child_ref": ref}), ref


@pytest.mark.parametrize("form", sorted(FORMS))
async def test_every_recording_form_keeps_a_draft_offered_at_start(
    form: str, app_for, demo_desk: Desk
) -> None:
    kind, field = FORMS[form]
    args, key = form_args(form, demo_desk)
    if form == "compliance":
        field = "comment-" + next(iter(COMPLIANCE_ITEMS))
    app = app_for("caseload")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_form(form, **args)
        await settle(pilot)
        screen = app.screen
        screen.query_one(f"#{field}").focus()
        await pilot.press(*"Half said")
        await pilot.pause(AUTOSAVE_SECONDS + 0.2)
        await app.workers.wait_for_complete()
    kept = drafts_of(demo_desk)[f"{kind}:{key}"]
    assert kept[field] == "Half said"

    desk, app = await restart(demo_desk, "caseload")
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, ConfirmDialog)
            await pilot.press("y")
            await settle(pilot)
            assert type(app.screen) is type(screen)
            assert widget_value(app.screen.query_one(f"#{field}")) == "Half said"
    finally:
        desk.engine.dispose()


async def open_enquiry_and_type(app, pilot, text: str) -> EnquiryFormScreen:
    app.action_new_enquiry()
    await settle(pilot)
    form = app.screen
    assert isinstance(form, EnquiryFormScreen)
    form.query_one("#summary", TextArea).focus()
    await pilot.press(*text)
    return form


async def test_ctrl_q_asks_before_discarding_a_form(app_for, demo_desk: Desk) -> None:
    app = app_for("duty")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        form = await open_enquiry_and_type(app, pilot, "Call from school")
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "discard" in app.screen.question
        await pilot.press("n")  # keep editing
        await settle(pilot)
        assert app.screen is form and app.is_running
        assert "enquiry:new" in drafts_of(demo_desk)
        await pilot.press("ctrl+q")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert not app.is_running
    assert drafts_of(demo_desk) == {}, "discarding on quit drops the draft"


async def test_ctrl_q_with_nothing_typed_quits_at_once(app_for) -> None:
    app = app_for("duty")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.action_new_enquiry()
        await settle(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running


async def test_closing_the_terminal_keeps_the_draft(app_for, demo_desk: Desk) -> None:
    # Were the app not to handle the hang-up, this keeps it from ending the test run.
    before = signal.signal(signal.SIGHUP, lambda *_args: None)
    try:
        app = app_for("duty")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await open_enquiry_and_type(app, pilot, "Call from school")
            # At once, before the draft's beat: the hang-up itself must write it.
            os.kill(os.getpid(), signal.SIGHUP)
            await pilot.pause(0.1)
            assert not app.is_running
    finally:
        signal.signal(signal.SIGHUP, before)
    assert drafts_of(demo_desk)["enquiry:new"]["summary"] == "Call from school"
