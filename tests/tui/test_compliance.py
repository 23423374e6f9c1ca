"""Compliance forms in the TUI: start, answer, send, record the response, escalate, list."""

from __future__ import annotations

import uuid
from datetime import date

from textual.widgets import DataTable, Input, Select, Static, TextArea

from iro_desk.rules import clocks
from iro_desk.rules.codes import COMPLIANCE_ITEMS
from iro_desk.screens.compliance.compliance_form import ComplianceFormScreen
from iro_desk.screens.dialogs.confirm import ConfirmDialog
from iro_desk.screens.resolution.raise_case import RaiseCaseScreen
from iro_desk.screens.resolution.resolution_case import CaseScreen
from iro_desk.services.caseload import build_caseload
from iro_desk.services.children import child_by_ref
from iro_desk.services.compliance import (
    answer_items,
    form_detail,
    forms_awaiting_response,
    forms_for_child,
    send_form,
    start_form,
)
from iro_desk.services.context import Desk
from iro_desk.services.meetings import meetings_of
from iro_desk.services.resolution import case_detail, open_cases
from iro_desk.widgets.form_kit import due_style
from tests.conftest import TODAY
from tests.tui.conftest import settle


def child_with_unformed_lar(desk: Desk) -> tuple[str, uuid.UUID, date]:
    """A looked-after child of the current IRO whose latest LAR has no compliance form."""
    with desk.read() as s:
        rows = build_caseload(s, desk.ctx, as_of=TODAY, iro_name=desk.ctx.user).rows
        for row in rows:
            if "CLA" not in row.status:
                continue
            lars = [mc for _m, mc in meetings_of(s, row.child_id) if mc.kind == "LAR"]
            if not lars:
                continue
            latest = lars[-1]
            formed = {(f.meeting_kind, f.meeting_date) for f in forms_for_child(s, row.child_id)}
            if ("LAR", latest.meeting_date) not in formed:
                return row.ref, row.child_id, latest.meeting_date
    raise AssertionError("the demo unit has no looked-after child with an unformed LAR")


def all_yes(screen, **overrides: tuple[str, str]) -> None:
    for key in COMPLIANCE_ITEMS:
        answer, comment = overrides.get(key, ("yes", ""))
        screen.query_one(f"#answer-{key}", Select).value = answer
        screen.query_one(f"#comment-{key}", Input).value = comment


async def test_new_form_answered_sent_and_answered(app_for, demo_desk: Desk) -> None:
    ref, child_id, lar_date = child_with_unformed_lar(demo_desk)
    with demo_desk.read() as s:
        before = len(forms_for_child(s, child_id))
    app = app_for("forms")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(ComplianceFormScreen(child_ref=ref))
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ComplianceFormScreen)
        # The latest LAR is chosen for the new form.
        meeting = screen.query_one("#meeting", Select)
        assert screen.facts is not None
        chosen = screen.facts.choices[meeting.value]  # type: ignore[index]
        assert chosen.kind == "LAR" and f"{lar_date:%d %b %Y}" in chosen.label

        # A "no" without a comment: the reason shows by its comment and nothing is sent.
        all_yes(screen, placement_plan=("no", ""), parents_views=("na", ""))
        screen.query_one("#team_manager", Input).value = "Tess Manager"
        await pilot.press("ctrl+t")
        await settle(pilot)
        error = screen.query_one("#error-placement_plan-comment", Static)
        assert error.display and "required when the answer is no" in str(error.render())
        with demo_desk.read() as s:
            assert len(forms_for_child(s, child_id)) == before

        # With the comment it is saved and sent in one go.
        screen.query_one("#comment-placement_plan", Input).value = "Plan is a year old"
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert not screen.query_one("#error-placement_plan-comment", Static).display
        assert screen.form_id is not None
        with demo_desk.read() as s:
            detail = form_detail(s, demo_desk.ctx, screen.form_id)
        assert detail.status == "sent" and detail.team_manager == "Tess Manager"
        assert detail.sent_date == TODAY
        assert detail.response_due == clocks.compliance_response_due(
            TODAY, demo_desk.ctx.calendar, demo_desk.ctx.ts
        )
        assert [c.key for c in detail.concerns] == ["placement_plan"]
        assert detail.meeting_date == lar_date
        summary = str(screen.query_one("#summary", Static).render())
        assert "response due" in summary

        # The Team Manager's answer arrives.
        screen.query_one("#response", TextArea).text = "Placement plan updated on 26 Nov."
        await pilot.press("ctrl+s")
        await settle(pilot)
        with demo_desk.read() as s:
            detail = form_detail(s, demo_desk.ctx, detail.id)
        assert detail.status == "answered"
        assert detail.response == "Placement plan updated on 26 Nov."
        assert detail.response_date == TODAY and detail.responded_in_time


async def test_escape_with_changes_asks_first(app_for, demo_desk: Desk) -> None:
    ref, child_id, _ = child_with_unformed_lar(demo_desk)
    with demo_desk.read() as s:
        before = len(forms_for_child(s, child_id))
    app = app_for("forms")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ComplianceFormScreen(child_ref=ref))
        await settle(pilot)
        form = app.screen
        form.query_one("#answer-care_plan", Select).value = "no"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is form
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert not isinstance(app.screen, ComplianceFormScreen)
    with demo_desk.read() as s:
        assert len(forms_for_child(s, child_id)) == before  # discarded: nothing written


def sent_form_with_concern(desk: Desk) -> uuid.UUID:
    ref, _child_id, _ = child_with_unformed_lar(desk)
    with desk.write() as s:
        child = child_by_ref(s, ref)
        meeting = next(m for m, mc in reversed(meetings_of(s, child.id)) if mc.kind == "LAR")
        form = start_form(
            s,
            desk.ctx,
            child_ref=ref,
            meeting_id=meeting.id,
            meeting_kind="LAR",
            iro_name=desk.ctx.user,
        )
        answers = {key: ("yes", "") for key in COMPLIANCE_ITEMS}
        answers["health_plan"] = ("no", "No health assessment this year")
        answer_items(s, desk.ctx, form.id, answers)
        send_form(s, desk.ctx, form.id, team_manager="Tess Manager", sent=TODAY)
        return form.id


def open_case_count(desk: Desk) -> int:
    with desk.read() as s:
        return len(open_cases(s, desk.ctx, TODAY))


async def test_escalating_concerns_raises_a_linked_case(app_for, demo_desk: Desk) -> None:
    form_id = sent_form_with_concern(demo_desk)
    cases_before = open_case_count(demo_desk)
    app = app_for("forms")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ComplianceFormScreen(form_id=form_id))
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        # The case form opens with the concerns as its issue, to edit; nothing is saved yet.
        raise_form = app.screen
        assert isinstance(raise_form, RaiseCaseScreen)
        issue = raise_form.query_one("#issue", TextArea)
        assert "No health assessment this year" in issue.text
        assert raise_form.query_one("#holder", Input).value == "Tess Manager"
        assert open_case_count(demo_desk) == cases_before
        issue.focus()
        issue.move_cursor(issue.document.end)
        await pilot.press(*" Chased")
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CaseScreen)
        with demo_desk.read() as s:
            case = case_detail(s, demo_desk.ctx, screen.case_id)
        assert case.compliance_form_id == form_id
        assert case.status == "open" and len(case.stages) == 1
        assert case.current is not None
        assert case.current.stage == 1 and case.current.holder == "Tess Manager"
        assert "No health assessment this year" in case.issue
        assert case.issue.endswith(" Chased"), "the IRO's edit is what is saved"
        assert "No health assessment" in str(screen.query_one("#issue", Static).render())


async def test_forms_list_marks_overdue_first_and_toggles_mine(app_for, demo_desk: Desk) -> None:
    me = demo_desk.ctx.user
    with demo_desk.read() as s:
        mine = forms_awaiting_response(s, demo_desk.ctx, iro_name=me)
        everyone = forms_awaiting_response(s, demo_desk.ctx)
    assert any(f.overdue for f in mine), "the demo IRO should have an overdue response"
    app = app_for("forms")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#list", DataTable)
        assert table.row_count == len(mine)
        overdue = sum(f.overdue for f in mine)
        firsts = [table.get_row_at(i)[0] for i in range(table.row_count)]
        # Overdue rows come first, are marked and red; the rest are not.
        red = due_style(app, True, None)
        assert all("OVERDUE" in cell.plain and cell.style == red for cell in firsts[:overdue])
        assert not any("OVERDUE" in cell.plain for cell in firsts[overdue:])
        assert f"{overdue} overdue" in str(app.screen.query_one("#title", Static).render())

        await pilot.press("m")
        await settle(pilot)
        assert table.row_count == len(everyone)

        # Enter opens the highlighted form.
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ComplianceFormScreen)
        assert app.screen.detail is not None and app.screen.detail.response_overdue
