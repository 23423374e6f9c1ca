"""The caseload's "took part" column and its circulation clocks come from each child's
latest review, read once: only that day's meetings, not every meeting the child has had
(issue 11: `caseload --all` read 140,000 meetings at 50x to keep 24,000)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import event

from iro_desk.rules.clocks import record_circulation_due
from iro_desk.services.caseload import build_caseload
from iro_desk.services.children import add_child, allocate, start_care
from iro_desk.services.context import Desk
from iro_desk.services.iros import add_iro
from iro_desk.services.meetings import record_review, set_circulation

D = date


def test_took_part_and_clocks_are_the_latest_reviews_read_in_one_query(desk: Desk) -> None:
    ctx = desk.ctx
    with desk.write() as s:
        ada = add_iro(s, ctx, "Ada")
        ann = add_child(s, ctx, ref="ANN", first_name="Ann", dob=D(2014, 1, 1))
        start_care(s, ctx, ann, D(2026, 1, 12), legal_status="C2", placement="U1")
        allocate(s, ctx, ann, ada, D(2026, 1, 14))
        bob = add_child(s, ctx, ref="BOB", first_name="Bob", dob=D(2013, 1, 1))
        start_care(s, ctx, bob, D(2026, 3, 2), legal_status="V2", placement="U1")
        allocate(s, ctx, bob, ada, D(2026, 3, 3))
    with desk.write() as s:
        for day, code in ((D(2026, 2, 9), "PN6"), (D(2026, 7, 6), "PN2"), (D(2026, 11, 2), "PN1")):
            review = record_review(s, ctx, ann, day, participation=code)
        set_circulation(s, ctx, review.meeting_id, decisions=D(2026, 11, 10))
        record_review(s, ctx, bob, D(2026, 3, 30), participation="PN3")
        # After the caseload's day: not yet held as far as it knows.
        record_review(s, ctx, bob, D(2026, 11, 20), participation="PN7")

    statements: list[str] = []

    def seen(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    event.listen(desk.engine, "before_cursor_execute", seen)
    try:
        with desk.read() as s:
            rows = {r.ref: r for r in build_caseload(s, ctx, as_of=D(2026, 11, 15)).rows}
    finally:
        event.remove(desk.engine, "before_cursor_execute", seen)

    assert rows["ANN"].last_participation == "PN1"
    assert rows["BOB"].last_participation == "PN3"
    clocks = {d.name: (d.due, d.done, d.late) for d in rows["ANN"].deadlines}
    assert clocks["Decisions circulated"] == (D(2026, 11, 9), D(2026, 11, 10), True)
    # Bob's clocks run from 30 March, his latest review by then, not from 20 November.
    due = record_circulation_due(D(2026, 3, 30), ctx.calendar, ctx.settings.timescales)
    assert {d.name: d.due for d in rows["BOB"].deadlines}["Record circulated"] == due
    # One statement reads how the children took part, and it reads only each child's
    # latest day (the maximum), with the circulation dates the clocks need.
    reading = [q for q in statements if "meeting_child.participation" in q]
    assert len(reading) == 1, reading
    assert "max(" in reading[0].lower() and "record_circulated" in reading[0]
