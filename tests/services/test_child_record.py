"""child_record.open_child_record: the record, and its opening in the audit trail."""

from __future__ import annotations

import pytest

from iro_desk.services.audit_trail import openings
from iro_desk.services.child_record import open_child_record
from iro_desk.services.context import Desk
from iro_desk.services.errors import NotFound
from tests.builders import TODAY, in_care_child


def test_opening_a_record_is_audited_with_where_from(desk: Desk) -> None:
    with desk.write() as s:
        child = in_care_child(s, desk, "C1")
    record = open_child_record(desk, ref="C1", as_of=TODAY, via="child show")
    assert record.id == child.id and record.ref == "C1"
    with desk.read() as s:
        seen = openings(s, child.id)
    assert [(o.user, o.via) for o in seen] == [(desk.ctx.user, "child show")]


def test_an_unknown_child_opens_nothing(desk: Desk) -> None:
    with pytest.raises(NotFound):
        open_child_record(desk, ref="C9", as_of=TODAY, via="child show")
