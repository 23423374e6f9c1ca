"""Closing the desk while it is still building screens in the background is a clean exit."""

from __future__ import annotations

import pytest

from iro_desk import textual_private
from iro_desk.app_routes import WARM_MODES
from tests.tui.conftest import settle


@pytest.mark.parametrize("start", ["resolution", "duty"])
async def test_closing_while_screens_are_being_built(app_for, start: str) -> None:
    app = app_for(start)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # What the warm-up timer does, all at once, and the app closes before they finish.
        for mode in WARM_MODES:
            if not textual_private.mode_is_built(app, mode):
                textual_private.build_mode(app, mode)
    # run_test re-raises the first error the app met; a crash would have failed above.
    assert app.return_code in (0, None)


async def test_the_warm_up_does_nothing_once_closing(app_for) -> None:
    app = app_for("resolution")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
    app._warm_next_mode()  # the timer firing after shutdown began
    assert not textual_private.mode_is_built(app, "caseload")
