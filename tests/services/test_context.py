"""Desk.save: one write service as one transaction, committed or not at all."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from iro_desk.db.models import Iro
from iro_desk.services.context import Desk
from iro_desk.services.errors import InvalidInput
from iro_desk.services.iros import add_iro


def _names(desk: Desk) -> list[str]:
    with desk.read() as s:
        return list(s.scalars(select(Iro.name).order_by(Iro.name)))


def test_save_commits_what_the_service_wrote(desk: Desk) -> None:
    row = desk.save(add_iro, "Jo Bloggs", fte=0.5)
    assert (row.name, row.fte) == ("Jo Bloggs", 0.5)
    assert _names(desk) == ["Jo Bloggs"]


def test_a_service_that_raises_after_writing_leaves_nothing(desk: Desk) -> None:
    def add_then_refuse(session, ctx) -> None:
        add_iro(session, ctx, "Half Done")
        session.flush()  # the row reached the database inside the transaction
        raise InvalidInput.one("fte", "refused after the write")

    with pytest.raises(InvalidInput):
        desk.save(add_then_refuse)
    assert _names(desk) == []
