"""At 80x24 every key the footer names is on screen and clickable: Textual's one-line
footer cut everything after F3 off (F4 Rota, F5 Forms, F6 Resolution, F9 Reports and the
screen's own keys)."""

from __future__ import annotations

import pytest
from textual.screen import Screen

from iro_desk.services.caseload import build_caseload
from iro_desk.services.context import Desk
from tests.tui.conftest import screen_text, settle

SIZES = [(80, 24), (120, 40)]


def first_child(desk: Desk) -> str:
    with desk.read() as s:
        return build_caseload(s, desk.ctx, as_of=desk.ctx.today, iro_name=desk.ctx.user).rows[0].ref


def shown_bindings(screen: Screen) -> list[tuple[str, str]]:
    """(key as shown, description) of every binding the footer should name."""
    app = screen.app
    seen: set[str] = set()
    shown: list[tuple[str, str]] = []
    for key, (_node, binding, _enabled, _tip) in screen.active_bindings.items():
        if key == app.COMMAND_PALETTE_BINDING or (binding.show and binding.action not in seen):
            seen.add(binding.action)
            shown.append((app.get_key_display(binding), binding.description))
    return shown


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize(
    "start",
    ["duty", "caseload", "rota", "forms", "resolution", "reports", "child", "visit", "enquiry"],
)
async def test_every_footer_key_is_on_screen(
    start: str, size: tuple[int, int], app_for, demo_desk: Desk
) -> None:
    mode = {"child": "caseload", "visit": "caseload", "enquiry": "duty"}.get(start, start)
    app = app_for(mode)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        if start == "child":
            app.open_child(first_child(demo_desk))
        elif start == "visit":
            app.open_form("visit", ref=first_child(demo_desk))
        elif start == "enquiry":
            app.open_form("enquiry")
        await settle(pilot)
        screen = app.screen
        text = screen_text(app)
        bindings = shown_bindings(screen)
        if not screen.is_modal:  # a form over a screen has only its own keys
            assert ("f6", "Resolution") in bindings and ("f9", "Reports") in bindings
        for key_display, description in bindings:
            assert f" {key_display} {description} " in text, f"{key_display} {description}"
        # Each key lies wholly inside the terminal, where a click reaches it.
        keys = list(screen.query("FooterKey"))
        assert len(keys) == len(bindings)
        for key in keys:
            assert screen.region.contains_region(key.region), key.description


async def test_a_click_on_f6_in_the_footer_at_80_columns_opens_resolution(app_for) -> None:
    app = app_for("duty")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        f6 = next(k for k in app.screen.query("FooterKey") if getattr(k, "key", "") == "f6")
        await pilot.click(f6)
        await settle(pilot)
        assert app.current_mode == "resolution"


async def test_the_footer_wraps_again_when_the_terminal_narrows(app_for) -> None:
    app = app_for("duty")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.resize_terminal(40, 24)
        await settle(pilot)
        text = screen_text(app)
        for key_display, description in shown_bindings(app.screen):
            assert f" {key_display} {description} " in text


def test_wrap_keeps_order_and_width() -> None:
    from textual.binding import Binding

    from iro_desk.widgets.desk_footer import FooterEntry, wrap

    entries = [FooterEntry(Binding(f"f{n}", "x", "Word" * n), f"f{n}", True, "") for n in (1, 2, 3)]
    lines = wrap(entries, 25)
    assert [e for line in lines for e in line] == entries
    assert all(sum(e.width for e in line) <= 25 for line in lines)
    assert [len(line) for line in lines] == [2, 1]
