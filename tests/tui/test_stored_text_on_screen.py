"""Stored text shows on screen exactly as typed: "[sic]" and "[/]" are not markup, and a
control character (ESC) is shown escaped, never sent to the terminal."""

from __future__ import annotations

from datetime import date

from sqlalchemy import update
from textual.widgets import DataTable, Static

from iro_desk.db.models import Child
from iro_desk.screens.children.child import ChildScreen
from iro_desk.services.children import add_child, allocate, start_care
from iro_desk.services.context import Desk
from iro_desk.services.duty import log_enquiry
from iro_desk.services.iros import find_iro
from iro_desk.services.visits import record_visit
from tests.conftest import TODAY
from tests.tui.conftest import settle

REF = "ZZ1"
FIRST, LAST = "Amy [/]", "Stone [sic]"
# Names now refuse control characters on entry; one stored before that is shown escaped.
LEGACY_LAST = "Stone\x1b[2J"
VIEWS = "Cross [child upset] [/] [bold]x[/bold] \x1b[31mred"
CALLER = "PC [Jones] [/]"


def _store(desk: Desk) -> None:
    with desk.write() as s:
        me = find_iro(s, desk.ctx.user)
        kid = add_child(
            s, desk.ctx, ref=REF, first_name=FIRST, last_name=LAST, dob=date(2015, 3, 1)
        )
        start_care(s, desk.ctx, kid, date(2026, 9, 1), legal_status="C2", placement="U1")
        allocate(s, desk.ctx, kid, me, date(2026, 9, 1))
        record_visit(
            s, desk.ctx, kid, me, visit_date=TODAY, location="placement",
            purpose="between_reviews", seen_alone=True, views=VIEWS,
        )  # fmt: skip
        log_enquiry(
            s, desk.ctx, category="10A", child_ref=REF, caller_name=CALLER,
            summary="Says [sic] [/] she left",
        )  # fmt: skip


def _legacy_name(desk: Desk) -> None:
    with desk.write() as s:
        s.execute(update(Child).where(Child.ref == REF).values(last_name=LEGACY_LAST))


def _row_text(table: DataTable, key: str) -> list[str]:
    return [cell.plain for cell in table.get_row(key)]


def _shown(static: Static) -> str:
    return str(static.render())


async def test_child_screen_shows_names_and_views_literally(app_for, demo_desk) -> None:
    _store(demo_desk)
    _legacy_name(demo_desk)
    app = app_for("caseload")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        app.push_screen(ChildScreen(REF))
        await settle(pilot)
        screen = app.screen
        title = _shown(screen.query_one("#child-title", Static))
        assert title.startswith(f"{FIRST} Stone\\x1b[2J · {REF}")
        assert app.title == f"{FIRST} Stone\\x1b[2J" or screen.title == f"{FIRST} Stone\\x1b[2J"
        visits = screen.query_one("#child-visits", DataTable)
        (key,) = [row.key.value for row in visits.ordered_rows]
        cells = _row_text(visits, key)
        assert cells[5] == "Cross [child upset] [/] [bold]x[/bold] \\x1b[31mred"[:39] + "…"
        views = _shown(screen.query_one("#child-views", Static))
        assert "Cross [child upset] [/] [bold]x[/bold] \\x1b[31mred" in views
        assert "\x1b" not in app.export_screenshot()


async def test_duty_desk_shows_callers_and_children_literally(app_for, demo_desk) -> None:
    _store(demo_desk)
    _legacy_name(demo_desk)
    app = app_for("duty")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#today", DataTable)
        rows = [_row_text(table, row.key.value) for row in table.ordered_rows]
        mine = [cells for cells in rows if CALLER in " ".join(cells)]
        assert mine, rows
        assert any(f"{FIRST} Stone\\x1b[2J" in cell for cell in mine[0])
        assert "\x1b" not in app.export_screenshot()


async def test_caseload_shows_names_literally(app_for, demo_desk) -> None:
    _store(demo_desk)
    _legacy_name(demo_desk)
    app = app_for("caseload")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#caseload-table", DataTable)
        assert _row_text(table, REF)[0] == f"{FIRST} Stone\\x1b[2J"
        assert "\x1b" not in app.export_screenshot()


async def test_iro_picker_lists_names_literally(app_for, demo_desk) -> None:
    from textual.widgets import OptionList

    from iro_desk.services.iros import add_iro

    with demo_desk.write() as s:
        add_iro(s, demo_desk.ctx, "Bea [sic] [/]")
    app = app_for("caseload")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        options = app.screen.query_one("#picker-iro", OptionList)
        # What the list draws (a str prompt would be read as markup: "[sic]" gone).
        drawn = [options.render_line(y).text for y in range(options.size.height)]
        assert any("Bea [sic] [/]" in line for line in drawn), drawn
