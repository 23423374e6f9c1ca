"""The child screen: open 903 findings shown, MOTHER and MC_DOB edited (m)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from textual.widgets import Input, Static

from iro_desk.db.models import Child, ImportFinding
from iro_desk.screens.children.child import ChildScreen
from iro_desk.screens.children.child_903_form import Child903FormScreen
from iro_desk.services.caseload import build_caseload
from iro_desk.services.context import Desk
from tests.conftest import TODAY
from tests.tui.conftest import settle


def _a_girl_with_a_finding(desk: Desk) -> str:
    """A looked-after girl of the demo, given an open finding as an import would."""
    with desk.write() as s:
        rows = build_caseload(s, desk.ctx, as_of=TODAY, iro_name=desk.ctx.user).rows
        refs = [r.ref for r in rows if r.status.startswith("CLA")]
        child = s.scalars(select(Child).where(Child.ref.in_(refs), Child.sex == "F")).first()
        assert child is not None
        s.add(
            ImportFinding(
                source="SSDA903", kind="finding", rule="MOTHER", child_ref=child.ref,
                child_id=child.id, file="header.csv", line=7, field="MOTHER",
                message="'yes' is not 1 (a mother) or 0 (not a mother)",
            )
        )  # fmt: skip
        return child.ref


async def test_the_child_screen_shows_findings_and_edits_mother(app_for, demo_desk: Desk):
    ref = _a_girl_with_a_finding(demo_desk)
    app = app_for("caseload")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_child(ref)
        await settle(pilot)
        assert isinstance(app.screen, ChildScreen)
        profile = str(app.screen.query_one("#child-profile", Static).render())
        assert "Finding: MOTHER (finding) header.csv:7: MOTHER: 'yes' is not 1" in profile

        await pilot.press("m")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, Child903FormScreen)
        form.query_one("#c903-mother", Input).value = "2"
        await pilot.press("ctrl+s")
        await settle(pilot)
        problems = str(form.query_one("#error-mother", Static).render())
        assert "MOTHER: '2' is not one of 1, 0" in problems

        form.query_one("#c903-mother", Input).value = "1"
        form.query_one("#c903-mc-dob", Input).value = "2026-01-02"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ChildScreen)
        profile = str(app.screen.query_one("#child-profile", Static).render())
        assert "Finding:" not in profile

    with demo_desk.read() as s:
        child = s.scalars(select(Child).where(Child.ref == ref)).one()
        assert (child.mother, child.mc_dob) == (True, date(2026, 1, 2))
        finding = s.scalars(select(ImportFinding).where(ImportFinding.child_ref == ref)).one()
        assert finding.cleared_at is not None
