"""meetings.add_review: one call records a review and says when the child's next one is due."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from iro_desk.db.models import MeetingChild
from iro_desk.services.caseload import build_caseload
from iro_desk.services.context import Desk
from iro_desk.services.errors import InvalidInput, NotFound
from iro_desk.services.iros import add_iro
from iro_desk.services.meetings import add_review
from tests.builders import in_care_child


def _reviews(desk: Desk) -> int:
    with desk.read() as s:
        return s.scalar(select(func.count()).select_from(MeetingChild)) or 0


def test_the_next_review_is_that_childs_row_of_the_whole_caseload(desk: Desk) -> None:
    with desk.write() as s:
        add_iro(s, desk.ctx, "Jo Bloggs")
        in_care_child(s, desk, "C1")
        in_care_child(s, desk, "C2", name="Bea")
    held = date(2026, 11, 20)
    added = add_review(
        desk, ref="C1", review_date=held, participation="PN1", chair_name="Jo Bloggs"
    )
    assert added.row.meeting_date == held and _reviews(desk) == 1
    with desk.read() as s:
        whole = build_caseload(s, desk.ctx, as_of=held).rows
    assert len(whole) == 2
    assert added.next_review == next(r for r in whole if r.ref == "C1")
    assert added.next_review is not None and added.next_review.next_review_due > held


def test_an_unknown_chair_or_child_writes_nothing(desk: Desk) -> None:
    with desk.write() as s:
        in_care_child(s, desk, "C1")
    with pytest.raises(NotFound) as err:
        add_review(desk, ref="C1", review_date=date(2026, 11, 20), chair_name="Nobody Known")
    assert [p.field for p in err.value.problems] == ["chair"]
    with pytest.raises(NotFound) as err:
        add_review(desk, ref="C9", review_date=date(2026, 11, 20))
    assert [p.field for p in err.value.problems] == ["ref"]
    with pytest.raises(InvalidInput):
        add_review(desk, ref="C1", review_date=date(2030, 1, 1))  # in the future
    assert _reviews(desk) == 0
