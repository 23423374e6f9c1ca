"""A step of an Issues Resolution case keeps a draft as it is typed, like every form that
records something: a half-written outcome comes back at the next start, over its case."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import TextArea

from iro_desk.app import make_app
from iro_desk.db.engine import sqlite_url
from iro_desk.screens.dialogs.case_step import CaseStepDialog
from iro_desk.screens.dialogs.confirm import ConfirmDialog
from iro_desk.screens.resolution.resolution_case import CaseScreen
from iro_desk.services.context import Desk, open_desk
from iro_desk.services.drafts import pending_drafts
from iro_desk.services.resolution import CaseStatus, open_cases
from iro_desk.services.resolution_actions import load_case
from iro_desk.widgets.form_kit import DRAFT_EVERY
from tests.conftest import make_ctx
from tests.tui.conftest import settle

OUTCOME = "Plan agreed with the TM"


def drafts_of(desk: Desk) -> dict[str, dict]:
    with desk.read() as s:
        return {f"{d.kind}:{d.key}": d.payload for d in pending_drafts(s, desk.ctx)}


async def test_a_half_written_step_comes_back_at_the_next_start(app_for, demo_desk: Desk) -> None:
    with demo_desk.read() as s:
        case_id = open_cases(s, demo_desk.ctx, demo_desk.ctx.today)[0].id
    app = app_for("resolution")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_case(case_id)
        await settle(pilot)
        await pilot.press("v")  # resolve
        await settle(pilot)
        assert isinstance(app.screen, CaseStepDialog)
        app.screen.query_one("#outcome", TextArea).focus()
        await pilot.press(*OUTCOME)
        await pilot.pause(DRAFT_EVERY + 0.3)
        await app.workers.wait_for_complete()
        # The laptop dies here: no save, no cancel.
    kept = drafts_of(demo_desk)[f"case_step:{case_id}:resolve"]
    assert kept["outcome"] == OUTCOME

    path = Path(demo_desk.engine.url.database or "")
    desk = open_desk(sqlite_url(path), make_ctx(demo_desk.ctx.user), migrate=False)
    again = make_app(desk, start="resolution")
    again.animation_level = "none"
    again.warm_up = False
    try:
        async with again.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert isinstance(again.screen, ConfirmDialog)
            assert "Issues Resolution case" in again.screen.question
            await pilot.press("y")
            await settle(pilot)
            step = again.screen
            assert isinstance(step, CaseStepDialog) and step.kind == "resolve"
            assert isinstance(again.screen_stack[-2], CaseScreen), "over its case"
            assert step.query_one("#outcome", TextArea).text == OUTCOME
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert not isinstance(again.screen, CaseStepDialog)
        assert load_case(desk, case_id=case_id).status == CaseStatus.RESOLVED
        assert load_case(desk, case_id=case_id).outcome == OUTCOME
        assert drafts_of(desk) == {}, "saving the step drops its draft"
    finally:
        desk.engine.dispose()


async def test_discarding_a_step_drops_its_draft(app_for, demo_desk: Desk) -> None:
    with demo_desk.read() as s:
        case_id = open_cases(s, demo_desk.ctx, demo_desk.ctx.today)[0].id
    app = app_for("resolution")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_case(case_id)
        await settle(pilot)
        await pilot.press("x")  # escalate
        await settle(pilot)
        assert isinstance(app.screen, CaseStepDialog)
        await pilot.press(*"Sam Jones")
        await pilot.pause(DRAFT_EVERY + 0.3)
        await app.workers.wait_for_complete()
        assert drafts_of(demo_desk)[f"case_step:{case_id}:escalate"]["holder"] == "Sam Jones"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
    assert drafts_of(demo_desk) == {}
