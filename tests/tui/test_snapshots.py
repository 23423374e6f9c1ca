"""Pictures of every screen at 80x24 and 120x40 on the demo unit (as of 2026-11-27).

After an intended change of look: `uv run pytest tests/tui/test_snapshots.py --snapshot-update`,
then look at the pictures before committing them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import pytest

from iro_desk.services.caseload import build_caseload
from iro_desk.services.compliance import forms_awaiting_response
from iro_desk.services.context import Desk
from iro_desk.services.duty import open_enquiries
from iro_desk.services.resolution import open_cases
from tests.tui.conftest import settle

SIZES = [(80, 24), (120, 40)]


@dataclass(frozen=True)
class Picks:
    """Deterministic records of the demo unit to open screens on."""

    child_ref: str
    enquiry_id: str
    form_id: object
    case_id: object


def picks(desk: Desk) -> Picks:
    ctx = desk.ctx
    with desk.read() as s:
        rows = build_caseload(s, ctx, as_of=ctx.today, iro_name=ctx.user).rows
        child = next(r for r in rows if r.status == "CLA" and r.last_review)
        enquiry = open_enquiries(s, ctx, ctx.today, limit=1)[0]
        form = forms_awaiting_response(s, ctx)[0]
        case = open_cases(s, ctx, ctx.today)[0]
    return Picks(child.ref, str(enquiry.id), form.id, case.id)


async def steady(pilot) -> None:
    """Text cursors blink on a timer, so a picture could catch them on or off: hold them on."""
    from textual.widgets import Input, TextArea

    for widget in pilot.app.screen.query("Input, TextArea"):
        if isinstance(widget, Input | TextArea):
            widget.cursor_blink = False
    await settle(pilot)


def _push(make: Callable[[Picks], object]) -> Callable[[Picks], Callable]:
    def for_picks(p: Picks) -> Callable[[object], Awaitable[None]]:
        async def run_before(pilot) -> None:
            await settle(pilot)
            pilot.app.push_screen(make(p))
            await settle(pilot)
            await steady(pilot)

        return run_before

    return for_picks


def _keys(*keys: str) -> Callable[[Picks], Callable]:
    def for_picks(_p: Picks) -> Callable[[object], Awaitable[None]]:
        async def run_before(pilot) -> None:
            await settle(pilot)
            for key in keys:
                await pilot.press(key)
                await settle(pilot)
            await steady(pilot)

        return run_before

    return for_picks


def _child(p: Picks):
    from iro_desk.screens.children.child import ChildScreen

    return ChildScreen(p.child_ref)


def _visit(p: Picks):
    from iro_desk.screens.children.visit_form import VisitFormScreen

    return VisitFormScreen(p.child_ref)


def _review(p: Picks):
    from iro_desk.screens.children.review_form import ReviewFormScreen

    return ReviewFormScreen(p.child_ref)


def _enquiry(p: Picks):
    from iro_desk.screens.duty.enquiry_detail import EnquiryDetailScreen

    return EnquiryDetailScreen(p.enquiry_id)


def _form(p: Picks):
    from iro_desk.screens.compliance.compliance_form import ComplianceFormScreen

    return ComplianceFormScreen(form_id=p.form_id)


def _new_form(p: Picks):
    from iro_desk.screens.compliance.compliance_form import ComplianceFormScreen

    return ComplianceFormScreen(child_ref=p.child_ref)


def _case(p: Picks):
    from iro_desk.screens.resolution.resolution_case import CaseScreen

    return CaseScreen(p.case_id)


def _raise(p: Picks):
    from iro_desk.screens.resolution.raise_case import RaiseCaseScreen

    return RaiseCaseScreen(p.child_ref)


SCREENS: dict[str, tuple[str, Callable[[Picks], Callable]]] = {
    "duty_desk": ("duty", _keys()),
    "enquiry_form": ("duty", _keys("n")),
    "enquiry_detail": ("duty", _push(_enquiry)),
    "enquiries": ("duty", _keys("a")),
    "rota_week": ("rota", _keys()),
    "rota_month": ("rota", _keys("m")),
    "caseload": ("caseload", _keys()),
    "child": ("caseload", _push(_child)),
    "visit_form": ("caseload", _push(_visit)),
    "review_form": ("caseload", _push(_review)),
    "compliance_list": ("forms", _keys()),
    "compliance_form": ("forms", _push(_form)),
    "compliance_new": ("forms", _push(_new_form)),
    "resolution": ("resolution", _keys()),
    "resolution_case": ("resolution", _push(_case)),
    "resolution_raise": ("resolution", _push(_raise)),
    "help": ("caseload", _keys("f1")),
    "reports": ("reports", _keys()),
    "reports_earlier": ("reports", _keys("left_square_bracket")),
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", list(SCREENS))
def test_screen(name: str, size: tuple[int, int], app_for, demo_desk: Desk, snap_compare) -> None:
    mode, before = SCREENS[name]
    assert snap_compare(app_for(mode), terminal_size=size, run_before=before(picks(demo_desk)))
