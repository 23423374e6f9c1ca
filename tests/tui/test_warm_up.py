"""The warm-up: the desk builds its other screens while the user reads the first, only once
the first has its data, and the screens it built look as if built when opened."""

from __future__ import annotations

import threading

import pytest

from iro_desk import app as app_module
from iro_desk import textual_private
from iro_desk.app import IroDeskApp, make_app
from iro_desk.app_routes import CHILD_SCREEN, WARM_MODES
from iro_desk.screens.children.caseload import CaseloadScreen
from iro_desk.screens.children.child import ChildScreen
from iro_desk.screens.duty import duty_desk
from iro_desk.services.context import Desk
from tests.tui.conftest import settle

BUILT_BY_WARM_UP = [mode for mode in WARM_MODES if mode != "duty"]


@pytest.fixture
def quick_warm_up(monkeypatch: pytest.MonkeyPatch) -> None:
    """The warm-up's pauses made short, so a test does not sit through them."""
    monkeypatch.setattr(app_module, "WARM_UP_DELAY", 0.01)
    monkeypatch.setattr(app_module, "WARM_UP_STEP", 0.01, raising=False)


def warming_app(desk: Desk) -> IroDeskApp:
    app = make_app(desk)
    app.animation_level = "none"
    assert app.warm_up  # as the desk runs for a user
    return app


def built(app: IroDeskApp) -> list[str]:
    names = [mode for mode in BUILT_BY_WARM_UP if textual_private.mode_is_built(app, mode)]
    if app.is_screen_installed(CHILD_SCREEN):
        names.append(CHILD_SCREEN)
    return names


async def wait_for_warm_up(pilot) -> None:
    """Wait until every screen the warm-up builds is built, then for it to settle."""
    for _ in range(200):
        await pilot.pause(0.02)
        if len(built(pilot.app)) == len(BUILT_BY_WARM_UP) + 1:
            break
    await pilot.pause(0.1)  # the last step: the screens made ready to show
    await settle(pilot)


async def test_nothing_is_built_before_the_desk_shows_its_data(
    demo_desk: Desk, quick_warm_up: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_may_come = threading.Event()
    read_desk = duty_desk.duty_desk_on

    def slow_desk(*args, **kwargs):
        data_may_come.wait(timeout=30)
        return read_desk(*args, **kwargs)

    monkeypatch.setattr(duty_desk, "duty_desk_on", slow_desk)
    app = warming_app(demo_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        try:
            for _ in range(10):  # many times the warm-up's delay, the desk still loading
                await pilot.pause(0.02)
            assert "Loading…" in str(app.screen.query_one("#duty-line").render())
            assert built(app) == []
        finally:
            data_may_come.set()
        await wait_for_warm_up(pilot)
        assert built(app) == [*BUILT_BY_WARM_UP, CHILD_SCREEN]
        assert "Loading…" not in str(app.screen.query_one("#duty-line").render())


async def test_screens_built_by_the_warm_up_look_as_if_built_when_opened(
    demo_desk: Desk, quick_warm_up: None
) -> None:
    pictures: dict[bool, list[str]] = {}
    for warm in (False, True):
        app = warming_app(demo_desk)
        app.warm_up = warm
        shots = []
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            if warm:
                await wait_for_warm_up(pilot)
                assert built(app) == [*BUILT_BY_WARM_UP, CHILD_SCREEN]
            # The caseload, a child, and (the kept child screen shown again) the next child.
            for keys, screen in (
                (["f3"], CaseloadScreen),
                (["enter"], ChildScreen),
                (["escape", "down", "enter"], ChildScreen),
            ):
                await pilot.press(*keys)
                await settle(pilot)
                assert isinstance(app.screen, screen)
                shots.append(app.export_screenshot())
            await pilot.press("escape", "f4")  # the rota, built unseen too
            await settle(pilot)
            shots.append(app.export_screenshot())
        pictures[warm] = shots
    assert pictures[True][1] != pictures[True][2]  # two different children
    assert pictures[True] == pictures[False]


async def test_the_kept_child_screen_takes_a_new_theme(
    demo_desk: Desk, quick_warm_up: None
) -> None:
    """Shown again, the kept child screen skips Textual's whole restyle only while the
    styles it had are still right: after a theme change it is restyled."""
    app = warming_app(demo_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await wait_for_warm_up(pilot)
        await pilot.press("f3", "enter")
        await settle(pilot)
        before = app.export_screenshot()
        await pilot.press("escape")
        await settle(pilot)
        app.theme = "textual-light"
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ChildScreen)
        after_change = app.export_screenshot()

    fresh = warming_app(demo_desk)
    fresh.warm_up = False
    async with fresh.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        fresh.theme = "textual-light"
        await settle(pilot)
        await pilot.press("f3", "enter")
        await settle(pilot)
        in_new_theme = fresh.export_screenshot()
    assert after_change != before
    assert after_change == in_new_theme
