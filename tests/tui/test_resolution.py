"""Issues Resolution in the TUI: raise a case, escalate it, resolve or refer it; the list."""

from __future__ import annotations

import uuid
from datetime import timedelta

from textual.widgets import DataTable, Input, Select, Static, TextArea

from iro_desk.screens.dialogs.case_step import CaseStepDialog
from iro_desk.screens.dialogs.confirm import ConfirmDialog
from iro_desk.screens.resolution.raise_case import RaiseCaseScreen
from iro_desk.screens.resolution.resolution_case import CaseScreen
from iro_desk.services.caseload import build_caseload
from iro_desk.services.context import Desk
from iro_desk.services.resolution import case_detail, cases_for_child, open_cases, raise_case
from iro_desk.widgets.form_kit import due_style
from tests.conftest import TODAY
from tests.tui.conftest import settle


def my_child(desk: Desk) -> tuple[str, uuid.UUID]:
    """A looked-after child on the current IRO's caseload."""
    with desk.read() as s:
        rows = build_caseload(s, desk.ctx, as_of=TODAY, iro_name=desk.ctx.user).rows
    row = next(r for r in rows if "CLA" in r.status)
    return row.ref, row.child_id


async def fill_step(pilot, **fields: str) -> None:
    """Fill the step modal in view and save it."""
    screen = pilot.app.screen
    assert isinstance(screen, CaseStepDialog)
    for field, value in fields.items():
        widget = screen.query_one(f"#{field}")
        if isinstance(widget, TextArea):
            widget.text = value
        else:
            assert isinstance(widget, Input)
            widget.value = value
    await pilot.press("ctrl+s")
    await settle(pilot)


async def test_raise_case_needs_a_holder_then_opens_the_case(app_for, demo_desk: Desk) -> None:
    ref, child_id = my_child(demo_desk)
    with demo_desk.read() as s:
        before = len(cases_for_child(s, child_id))
    app = app_for("resolution")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(RaiseCaseScreen(ref))
        await settle(pilot)
        raise_screen = app.screen
        raise_screen.query_one("#issue", TextArea).text = "No PEP for two terms."
        raise_screen.query_one("#stage", Select).value = 1
        # Stage 1 needs who holds it: refused, the reason by the field, nothing written.
        await pilot.press("ctrl+s")
        await settle(pilot)
        error = raise_screen.query_one("#error-holder", Static)
        assert error.display and "is required" in str(error.render())
        with demo_desk.read() as s:
            assert len(cases_for_child(s, child_id)) == before

        raise_screen.query_one("#holder", Input).value = "Tess Manager"
        await pilot.press("ctrl+s")
        await settle(pilot)
        case_screen = app.screen
        assert isinstance(case_screen, CaseScreen)
    with demo_desk.read() as s:
        case = case_detail(s, demo_desk.ctx, case_screen.case_id)
    assert case.child_ref == ref and case.issue == "No PEP for two terms."
    assert case.raised == TODAY and case.iro_name == demo_desk.ctx.user
    assert [(st.stage, st.holder) for st in case.stages] == [(1, "Tess Manager")]


async def test_case_escalated_twice_and_resolved(app_for, demo_desk: Desk) -> None:
    ref, _child_id = my_child(demo_desk)
    with demo_desk.write() as s:
        case_id = raise_case(
            s,
            demo_desk.ctx,
            child_ref=ref,
            iro_name=demo_desk.ctx.user,
            issue="No PEP for two terms.",
            raised=TODAY,
            stage=1,
            holder="Tess Manager",
        ).id
    app = app_for("resolution")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(CaseScreen(case_id))
        await settle(pilot)
        case_screen = app.screen

        await pilot.press("x")
        await settle(pilot)
        await fill_step(pilot, holder="Sam Service", note="No reply from the Team Manager.")
        await pilot.press("x")
        await settle(pilot)
        # A step with its note missing is refused and shows why.
        await fill_step(pilot, holder="Hal Head", note="")
        assert "is required" in str(app.screen.query_one("#error-note", Static).render())
        await fill_step(pilot, note="Still no PEP.")
        assert app.screen is case_screen

        await pilot.press("v")
        await settle(pilot)
        await fill_step(pilot, outcome="PEP held on 26 Nov.")
        assert app.screen is case_screen
        assert case_screen.query_one("#stages", DataTable).row_count == 3

    with demo_desk.read() as s:
        case = case_detail(s, demo_desk.ctx, case_id)
    assert case.status == "resolved" and case.outcome == "PEP held on 26 Nov."
    assert [(st.stage, st.holder) for st in case.stages] == [
        (1, "Tess Manager"),
        (2, "Sam Service"),
        (3, "Hal Head"),
    ]
    assert case.stages[1].note == "No reply from the Team Manager."
    assert all(st.ended == TODAY for st in case.stages)
    assert case.resolved_date == TODAY and case.resolved_in_time


async def test_refer_to_cafcass_asks_first(app_for, demo_desk: Desk) -> None:
    ref, _child_id = my_child(demo_desk)
    with demo_desk.write() as s:
        case_id = raise_case(
            s,
            demo_desk.ctx,
            child_ref=ref,
            iro_name=demo_desk.ctx.user,
            issue="Contact plan ignored.",
            raised=TODAY,
        ).id
    app = app_for("resolution")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(CaseScreen(case_id))
        await settle(pilot)
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        await fill_step(pilot, note="Care plan not followed; Cafcass to advise.")
    with demo_desk.read() as s:
        case = case_detail(s, demo_desk.ctx, case_id)
    assert case.status == "cafcass" and case.cafcass_referred == TODAY
    assert case.outcome == "Care plan not followed; Cafcass to advise."


async def test_open_cases_list_marks_late_stages(app_for, demo_desk: Desk) -> None:
    ref, _child_id = my_child(demo_desk)
    with demo_desk.write() as s:
        late_id = raise_case(
            s,
            demo_desk.ctx,
            child_ref=ref,
            iro_name=demo_desk.ctx.user,
            issue="Health assessment overdue.",
            raised=TODAY - timedelta(days=60),
            stage=1,
            holder="Tess Manager",
        ).id
    with demo_desk.read() as s:
        mine = open_cases(s, demo_desk.ctx, TODAY, iro_name=demo_desk.ctx.user)
        everyone = open_cases(s, demo_desk.ctx, TODAY)
    app = app_for("resolution")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#list", DataTable)
        assert table.row_count == len(mine)
        overdue = sum(c.overdue for c in mine)
        assert overdue >= 1
        cells = [table.get_row_at(i)[0] for i in range(table.row_count)]
        red = due_style(app, True, None)
        assert all("OVERDUE" in c.plain and c.style == red for c in cells[:overdue])
        assert not any("OVERDUE" in c.plain for c in cells[overdue:])
        row = table.get_row(str(late_id))
        assert "OVERDUE" in row[0].plain and row[2].plain == "Stage 1 Team Manager"
        assert row[3].plain == "Tess Manager"

        await pilot.press("m")
        await settle(pilot)
        assert table.row_count == len(everyone)

        table.move_cursor(row=table.get_row_index(str(late_id)))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen) and app.screen.case_id == late_id
        assert "OVERDUE" in str(app.screen.query_one("#summary", Static).render())
