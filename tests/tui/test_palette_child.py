"""The palette's child search: any part of the reference, with birth date and IRO."""

from __future__ import annotations

from textual.command import CommandPalette
from textual.widgets import OptionList

from iro_desk.screens.children.child import ChildScreen
from iro_desk.services.children import search_children
from tests.tui.conftest import settle


async def test_part_of_a_reference_finds_the_child_with_dob_and_iro(app_for, demo_desk):
    with demo_desk.read() as s:
        hit = next(h for h in search_children(s, "DEMO", limit=50) if h.iro and h.dob)
    piece = hit.ref[-3:]  # "223" for DEMO000223: no prefix of the reference
    app = app_for("duty")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*piece)
        await settle(pilot)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        options = palette.query_one(OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        born = f"born {hit.dob.day} {hit.dob:%b %Y}"
        line = f"Child: {hit.name} · {hit.ref} · {born} · IRO {hit.iro}"
        assert any(line in p for p in prompts), prompts
        index = next(i for i, p in enumerate(prompts) if line in p)
        options.highlighted = index
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ChildScreen) and app.screen.ref == hit.ref
