"""A review on the day care ends: accepted by `review add` as by the 903 import."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from iro_desk.db.models import CarePeriod, MeetingChild
from iro_desk.services.children import add_child, end_care, start_care
from iro_desk.services.context import Desk
from iro_desk.services.meetings import record_review


def test_review_on_the_day_care_ends_belongs_to_that_period(desk: Desk) -> None:
    ctx = desk.ctx
    with desk.write() as s:
        kid = add_child(s, ctx, ref="E1", first_name="Eve", last_name="End", dob=date(2014, 2, 2))
        start_care(s, ctx, kid, date(2026, 1, 5), legal_status="C2", placement="U1")
        end_care(s, ctx, kid, date(2026, 6, 30))
    with desk.write() as s:
        record_review(s, ctx, kid, date(2026, 6, 30), participation="PN1")
    with desk.read() as s:
        (period,) = s.scalars(select(CarePeriod)).all()
        (review,) = s.scalars(select(MeetingChild)).all()
    assert review.meeting_date == date(2026, 6, 30)
    assert review.period_id == period.id
