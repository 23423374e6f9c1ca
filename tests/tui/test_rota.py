"""The duty rota: assign, swap and clear days, and see the gaps."""

from __future__ import annotations

from datetime import date, timedelta

from rich.text import Text
from textual.widgets import DataTable, Select, Static

from iro_desk.screens.dialogs.assign_duty import AssignDutyDialog
from iro_desk.screens.dialogs.confirm import ConfirmDialog
from iro_desk.screens.duty.rota import NOBODY, RotaScreen
from iro_desk.services.context import Desk
from iro_desk.services.duty import DutyDay, duty_on
from iro_desk.services.iros import list_iros
from tests.conftest import TODAY
from tests.tui.conftest import settle

MONDAY = TODAY - timedelta(days=TODAY.weekday())  # the week shown first: Mon 23 Nov 2026


def on(desk: Desk, day: date) -> DutyDay:
    with desk.read() as s:
        return duty_on(s, day)


def active_iros(desk: Desk) -> list[str]:
    with desk.read() as s:
        return [i.name for i in list_iros(s, active_only=True)]


def cell(table: DataTable, day: date, column: str) -> Text:
    value = table.get_cell(day.isoformat(), column)
    assert isinstance(value, Text)
    return value


async def open_rota(app, pilot) -> tuple[RotaScreen, DataTable]:
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, RotaScreen)
    return screen, screen.query_one("#rota", DataTable)


async def test_assign_swap_and_clear_days(app_for, demo_desk):
    first, second = active_iros(demo_desk)[:2]
    saturday, tuesday = MONDAY + timedelta(days=5), MONDAY + timedelta(days=1)
    tuesday_before = on(demo_desk, tuesday)
    assert on(demo_desk, saturday).duty is None  # the demo leaves weekends empty
    app = app_for("rota")
    async with app.run_test(size=(80, 24)) as pilot:
        rota, table = await open_rota(app, pilot)
        assert rota.highlighted_day() == TODAY  # the cursor starts on today (Friday)

        # Assign Saturday: a first and a second IRO.
        await pilot.press("down", "a")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, AssignDutyDialog)
        modal.query_one("#duty_iro", Select).value = first
        modal.query_one("#backup_iro", Select).value = second
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is rota
        assert (on(demo_desk, saturday).duty, on(demo_desk, saturday).backup) == (first, second)
        assert cell(table, saturday, "duty").plain == first

        # Swap Saturday with Tuesday: mark one, move to the other, press s again.
        await pilot.press("s")
        assert "Swapping" in str(rota.query_one("#swap-line", Static).content)
        await pilot.press("up", "up", "up", "up", "s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)  # a swap asks first
        assert "nobody on duty" not in app.screen.question  # both days keep someone
        await pilot.press("y")
        await settle(pilot)
        assert (on(demo_desk, tuesday).duty, on(demo_desk, tuesday).backup) == (first, second)
        assert (on(demo_desk, saturday).duty, on(demo_desk, saturday).backup) == (
            tuesday_before.duty,
            tuesday_before.backup,
        )

        # Clear Tuesday, after saying yes.
        assert rota.highlighted_day() == tuesday
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert on(demo_desk, tuesday).duty is None and on(demo_desk, tuesday).backup is None

        # The cleared working day stands out in the week view; the summary counts it.
        duty = cell(table, tuesday, "duty")
        red = app.theme_variables["error"]  # the theme's red: the overdue deadline state
        assert duty.plain == NOBODY and str(duty.style) == f"bold {red}"
        assert "1 working day with nobody on duty" in str(
            rota.query_one("#summary", Static).content
        )
        # A weekend with nobody is muted, not red.
        sunday = MONDAY + timedelta(days=6)
        assert cell(table, sunday, "duty").plain == NOBODY
        assert red not in str(cell(table, sunday, "duty").style)


async def test_the_same_iro_cannot_be_duty_and_back_up(app_for, demo_desk):
    first = active_iros(demo_desk)[0]
    saturday = MONDAY + timedelta(days=5)
    app = app_for("rota")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_rota(app, pilot)
        await pilot.press("down", "a")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, AssignDutyDialog)
        modal.query_one("#duty_iro", Select).value = first
        modal.query_one("#backup_iro", Select).value = first
        await pilot.pause()
        # Said as soon as it is chosen, and again when saving; nothing is written.
        assert "cannot be both" in str(modal.query_one("#error-backup_iro", Static).content)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is modal
        assert "cannot be both" in str(modal.query_one("#error-backup_iro", Static).content)
        assert on(demo_desk, saturday).duty is None
        # Escape after a change asks first.
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, RotaScreen)


async def test_paging_weeks_and_months(app_for, demo_desk):
    app = app_for("rota")
    async with app.run_test(size=(120, 40)) as pilot:
        rota, table = await open_rota(app, pilot)
        title = rota.query_one("#title", Static)
        assert "week of Mon 23 Nov 2026" in str(title.content)
        assert table.row_count == 7
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert "week of Mon 30 Nov 2026" in str(title.content)
        assert rota.highlighted_day() == TODAY + timedelta(days=7)
        await pilot.press("m")
        await settle(pilot)
        assert "December 2026" in str(title.content) and table.row_count == 31
        # Christmas Day is a bank holiday: muted, and said so.
        assert "bank holiday" in cell(table, date(2026, 12, 25), "note").plain
        await pilot.press("left")
        await settle(pilot)
        assert "November 2026" in str(title.content) and table.row_count == 30
        await pilot.press("t", "m")
        await settle(pilot)
        assert "week of Mon 23 Nov 2026" in str(title.content)
        assert rota.highlighted_day() == TODAY
        # Escape lets go of a day marked for a swap (and stays on the rota).
        await pilot.press("s")
        assert rota.swap_from == TODAY
        await pilot.press("escape")
        assert rota.swap_from is None and app.screen is rota
        # Your own duty days are marked.
        me = app.me
        mine = [d for d in rota.data.days if d.duty == me] if rota.data else []
        for day in mine:
            assert "you" in cell(table, day.day, "note").plain


async def test_a_swap_that_empties_a_working_day_warns_and_can_be_refused(app_for, demo_desk):
    friday, saturday = TODAY, TODAY + timedelta(days=1)
    friday_before = on(demo_desk, friday)
    assert friday_before.duty is not None and on(demo_desk, saturday).duty is None
    app = app_for("rota")
    async with app.run_test(size=(80, 24)) as pilot:
        rota, _table = await open_rota(app, pilot)
        assert rota.highlighted_day() == friday
        await pilot.press("s", "down", "s")
        await settle(pilot)
        question = app.screen
        assert isinstance(question, ConfirmDialog)
        assert f"({friday_before.duty})" in question.question
        assert "Fri 27 Nov" in question.question and "nobody on duty" in question.question
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is rota
    assert on(demo_desk, friday) == friday_before, "refused: the rota is unchanged"
