"""One focus rule, one button order and one dropdown, on every form and dialog: each
opens with the cursor in its first empty required field, its Save (primary) button is the
right-most, and the first ↓ in a dropdown with nothing chosen lands on the first option."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from textual.screen import Screen
from textual.widgets import Button, Input, OptionList, Select

from iro_desk.services.caseload import build_caseload
from iro_desk.services.context import Desk
from iro_desk.services.duty.rota import DutyDay
from iro_desk.services.iros import list_iros
from iro_desk.services.resolution import open_cases
from iro_desk.services.resolution_actions import load_case
from iro_desk.widgets.desk_select import DeskSelect
from tests.tui.conftest import settle


def a_child(desk: Desk) -> str:
    with desk.read() as s:
        rows = build_caseload(s, desk.ctx, as_of=desk.ctx.today, iro_name=desk.ctx.user).rows
    return next(r.ref for r in rows if r.status == "CLA")


def a_case(desk: Desk) -> Any:
    with desk.read() as s:
        case_id = open_cases(s, desk.ctx, desk.ctx.today)[0].id
    return load_case(desk, case_id=case_id)


def iros(desk: Desk) -> list[str]:
    with desk.read() as s:
        return [i.name for i in list_iros(s, active_only=True)]


def _visit(desk: Desk) -> Screen:
    from iro_desk.screens.children.visit_form import VisitFormScreen

    return VisitFormScreen(a_child(desk))


def _review(desk: Desk) -> Screen:
    from iro_desk.screens.children.review_form import ReviewFormScreen

    return ReviewFormScreen(a_child(desk))


def _enquiry(desk: Desk) -> Screen:
    from iro_desk.screens.duty.enquiry_form import EnquiryFormScreen

    return EnquiryFormScreen()


def _compliance(desk: Desk) -> Screen:
    from iro_desk.screens.compliance.compliance_form import ComplianceFormScreen

    return ComplianceFormScreen(child_ref=a_child(desk))


def _raise(desk: Desk) -> Screen:
    from iro_desk.screens.resolution.raise_case import RaiseCaseScreen

    return RaiseCaseScreen(a_child(desk))


def _step(kind: str) -> Callable[[Desk], Screen]:
    def make(desk: Desk) -> Screen:
        from iro_desk.screens.dialogs.case_step import CaseStepDialog

        return CaseStepDialog(kind, a_case(desk))

    return make


def _assign(desk: Desk) -> Screen:
    from iro_desk.screens.dialogs.assign_duty import AssignDutyDialog

    day = DutyDay(desk.ctx.today + timedelta(days=60), None, None)
    return AssignDutyDialog(day, iros(desk))


def _child_903(desk: Desk) -> Screen:
    from iro_desk.screens.children.child_903_form import Child903FormScreen

    return Child903FormScreen(a_child(desk), None, "")


def _confirm(desk: Desk) -> Screen:
    from iro_desk.screens.dialogs.confirm import ConfirmDialog

    return ConfirmDialog("Discard this form?", yes="Discard", no="Keep editing")


def _iro_picker(desk: Desk) -> Screen:
    from iro_desk.screens.dialogs.iro_picker import IroPickerDialog

    return IroPickerDialog(iros(desk), current=None, prompt="Whose caseload?")


# name -> (the form, the id of the field the cursor starts in, the primary button's id).
# A question starts on its safe answer (Enter keeps what was typed); the 903 details have
# no required field, so the first one.
FORMS: dict[str, tuple[Callable[[Desk], Screen], str, str | None]] = {
    "visit": (_visit, "visit-location", None),
    "review": (_review, "review-participation", None),
    "enquiry": (_enquiry, "category", "save"),
    "compliance": (_compliance, "answer-care_plan", "send"),
    "raise_case": (_raise, "issue", "save"),
    "case_step_escalate": (_step("escalate"), "holder", "save"),
    "case_step_resolve": (_step("resolve"), "outcome", "save"),
    "case_step_cafcass": (_step("cafcass"), "note", "save"),
    "rota_assign": (_assign, "duty_iro", "save"),
    "child_903": (_child_903, "c903-mother", "save"),
    "confirm": (_confirm, "no", "yes"),
    "iro_picker": (_iro_picker, "picker-iro", None),
}


async def open_form(pilot, desk: Desk, make: Callable[[Desk], Screen]) -> Screen:
    await settle(pilot)
    pilot.app.push_screen(make(desk))
    await settle(pilot)
    return pilot.app.screen


@pytest.mark.parametrize("name", list(FORMS))
async def test_each_form_opens_in_its_first_empty_field_with_save_on_the_right(
    name: str, app_for, demo_desk: Desk
) -> None:
    make, first_field, primary = FORMS[name]
    app = app_for("duty")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(pilot, demo_desk, make)
        focused = screen.focused
        assert focused is not None and focused.id == first_field, (
            f"{name}: the cursor is in {focused and focused.id}, not {first_field}"
        )
        buttons = [b for b in screen.query(Button) if b.display and b.region.area]
        if primary is None:
            return
        save = screen.query_one(f"#{primary}", Button)
        assert save in buttons
        same_line = [b for b in buttons if b.region.y == save.region.y]
        assert max(same_line, key=lambda b: b.region.right) is save, (
            f"{name}: {save.label} is not the right-most button"
        )


@pytest.mark.parametrize("name", ["visit", "review", "enquiry", "compliance", "rota_assign"])
async def test_the_first_down_in_a_dropdown_lands_on_its_first_option(
    name: str, app_for, demo_desk: Desk
) -> None:
    make = FORMS[name][0]
    app = app_for("duty")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(pilot, demo_desk, make)
        selects = [s for s in screen.query(Select) if s.display]
        assert selects and all(isinstance(s, DeskSelect) for s in selects), "one dropdown"
        unchosen = next(s for s in selects if s.value is Select.NULL and s.region.area)
        unchosen.focus()
        await settle(pilot)
        await pilot.press("down")
        await settle(pilot)
        options = unchosen.query_one(OptionList)
        assert options.highlighted == 1, "the first ↓ shows the first option, not the prompt"
        await pilot.press("enter")
        await settle(pilot)
        assert unchosen.value is not Select.NULL, "Enter chose the option ↓ landed on"


def _enquiry_detail(desk: Desk) -> Screen:
    from iro_desk.screens.duty.enquiry_detail import EnquiryDetailScreen
    from iro_desk.services.duty import open_enquiries

    with desk.read() as s:
        enquiry = open_enquiries(s, desk.ctx, desk.ctx.today, limit=1)[0]
    return EnquiryDetailScreen(str(enquiry.id))


# form -> the ids of its date fields (a trailing " HH:MM": a date and time)
DATE_FIELDS: dict[str, tuple[Callable[[Desk], Screen], tuple[str, ...]]] = {
    "visit": (_visit, ("visit-date",)),
    "review": (_review, ("review-date",)),
    "enquiry": (_enquiry, ("received_at HH:MM", "follow_up_due")),
    "enquiry_detail": (_enquiry_detail, ("follow_up_due", "lado_referred", "lado_meeting")),
    "compliance": (_compliance, ("sent", "responded")),
    "raise_case": (_raise, ("raised",)),
    "case_step": (_step("resolve"), ("on",)),
}


@pytest.mark.parametrize("name", list(DATE_FIELDS))
async def test_date_fields_say_how_a_date_is_typed_and_take_one_in_words(
    name: str, app_for, demo_desk: Desk
) -> None:
    make, fields = DATE_FIELDS[name]
    app = app_for("duty")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_form(pilot, demo_desk, make)
        for field in fields:
            field_id, _, time = field.partition(" ")
            box = screen.query_one(f"#{field_id}", Input)
            assert box.placeholder == ("DD/MM/YYYY " + time).strip(), field_id
            typed = ("30 September 2026 " + ("14:05" if time else "")).strip()
            box.value = ""
            box.insert_text_at_cursor(typed)
            assert box.value == typed, f"{field_id}: the field takes {typed!r}"
