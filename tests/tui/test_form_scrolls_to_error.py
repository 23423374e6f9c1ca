"""A form shows the field with the first problem: it scrolls there, field and reason."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, Label

from iro_desk.services.errors import Problem
from iro_desk.widgets.form_kit import FormKit, error_line

ROWS = 30


class LongForm(FormKit, Screen[None]):
    LABELS = {"f0": "First field"}

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="form"):
            for i in range(ROWS):
                with Horizontal(id=f"row-f{i}", classes="form-row"):
                    yield Label(f"Field {i}")
                    yield Input(id=f"f{i}")
                yield error_line(f"f{i}")


class FormApp(App[None]):
    CSS = ".form-row { height: 3; } Label { width: 10; }"

    def on_mount(self) -> None:
        self.push_screen(LongForm())


def _in_view(screen: Screen, widget_id: str) -> bool:
    form = screen.query_one("#form", VerticalScroll)
    region = screen.query_one(f"#{widget_id}").region
    return region.height > 0 and form.region.contains_region(region)


async def test_the_first_problem_and_its_field_are_scrolled_into_view() -> None:
    app = FormApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LongForm)
        screen.query_one("#form", VerticalScroll).scroll_end(animate=False)
        await pilot.pause()
        assert not _in_view(screen, "row-f0")
        screen.show_problems([Problem("f20", "later"), Problem("f0", "is required")])
        for _ in range(3):
            await pilot.pause()
        assert _in_view(screen, "error-f0") and _in_view(screen, "row-f0")
