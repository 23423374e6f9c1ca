"""Fixtures for driving the TUI: a demo unit on a fixed date, copied fresh for each test."""

from __future__ import annotations

import os

# Animations only slow the tests down (and make pictures depend on timing).
os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from iro_desk.app import IroDeskApp, make_app
from iro_desk.db.engine import sqlite_url
from iro_desk.services.context import Ctx, Desk, open_desk
from iro_desk.services.iros import list_iros
from tests.conftest import NOW, TODAY, make_ctx

DEMO_SEED = 7


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default demo unit as of TODAY, built once per test run."""
    from iro_desk.services.demo import generate_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    # The fixed clock matters: the demo's "today" enquiries run up to the current time.
    desk = open_desk(sqlite_url(path), Ctx(user="demo-builder", today=TODAY, clock=lambda: NOW))
    with desk.write() as session:
        generate_demo(session, desk.ctx, seed=DEMO_SEED, as_of=TODAY)
    desk.engine.dispose()
    return path


@pytest.fixture
def demo_desk(demo_template: Path, tmp_path: Path) -> Iterator[Desk]:
    """A private copy of the demo unit; the user is its first IRO."""
    path = tmp_path / "demo.db"
    shutil.copy(demo_template, path)
    desk = open_desk(sqlite_url(path), make_ctx())
    with desk.read() as session:
        desk.ctx.user = list_iros(session, active_only=True)[0].name
    yield desk
    desk.engine.dispose()


@pytest.fixture
def app_for(demo_desk: Desk):
    """Build the app on the demo desk, starting on a given screen (mode)."""

    def build(start: str = "duty") -> IroDeskApp:
        app = make_app(demo_desk, start=start)
        app.animation_level = "none"
        app.warm_up = False  # screens are built when opened, not on a timer
        return app

    return build


async def settle(pilot) -> None:
    """Wait for database workers to finish and the screen to stop changing.

    Tables lay out new rows and move their cursor over the next few refreshes, so
    wait until two screenshots in a row agree.
    """
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.wait_for_scheduled_animations()
    previous, same = None, 0
    for _ in range(40):
        await pilot.pause()
        current = pilot.app.export_screenshot()
        same = same + 1 if current == previous else 0
        if same == 2:  # three pictures in a row agree: nothing is still laying out
            return
        previous = current


def screen_text(app) -> str:
    """The text the user sees on the current screen, line by line (dialogs included)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())
