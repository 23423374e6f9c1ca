"""visits.log_visit: one call finds the child and the IRO, checks, writes and commits."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from iro_desk.db.models import Visit
from iro_desk.services.context import Desk
from iro_desk.services.errors import InvalidInput
from iro_desk.services.iros import add_iro
from iro_desk.services.visits import log_visit
from tests.builders import in_care_child

VISIT = {"location": "school", "purpose": "between_reviews", "seen_alone": False}


def _visits(desk: Desk) -> list[tuple[str, date, str]]:
    with desk.read() as s:
        return [(v.location, v.visit_date, v.views) for v in s.scalars(select(Visit))]


def test_a_named_iro_visit_is_stored(desk: Desk) -> None:
    with desk.write() as s:
        add_iro(s, desk.ctx, "Jo Bloggs")
        in_care_child(s, desk, "C1")
    visit, who = log_visit(
        desk, ref="C1", visit_date=date(2026, 11, 25), views="Happy", iro_name="Jo Bloggs", **VISIT
    )
    assert who.name == "Jo Bloggs" and visit.iro_id == who.id
    assert _visits(desk) == [("school", date(2026, 11, 25), "Happy")]


def test_a_user_who_is_no_iro_is_told_on_the_callers_field(desk: Desk) -> None:
    with desk.write() as s:
        in_care_child(s, desk, "C1")
    with pytest.raises(InvalidInput) as err:
        log_visit(desk, ref="C1", visit_date=date(2026, 11, 25), iro_field="--iro", **VISIT)
    (problem,) = err.value.problems
    assert problem.field == "--iro" and repr(desk.ctx.user) in problem.reason
    assert _visits(desk) == []
