"""IRO allocation and circulation of the review's decisions and record: due dates and
late flags on the caseload (docs/domain.md, "The clocks")."""

from __future__ import annotations

import json
from datetime import date

from iro_desk.services.caseload import build_caseload
from iro_desk.services.children import add_child, allocate, start_care
from iro_desk.services.context import Desk
from iro_desk.services.iros import add_iro
from iro_desk.services.meetings import record_review, set_circulation

D = date


def _unit(desk: Desk) -> None:
    ctx = desk.ctx
    with desk.write() as s:
        ada = add_iro(s, ctx, "Ada")
        # Ann: looked after from Mon 12 Oct 2026; allocated Mon 19 Oct (5 WD: on time).
        # Reviewed Mon 2 Nov: decisions circulated Tue 10 Nov (due Mon 9 Nov: late);
        # record not circulated, due 20 WD later, Mon 30 Nov: not yet late on 27 Nov.
        ann = add_child(s, ctx, ref="ANN", first_name="Ann", dob=D(2014, 1, 1))
        start_care(s, ctx, ann, D(2026, 10, 12), legal_status="C2", placement="U1")
        allocate(s, ctx, ann, ada, D(2026, 10, 19))
        # Bob: looked after from Mon 9 Nov 2026, allocated Wed 18 Nov (due Mon 16 Nov).
        bob = add_child(s, ctx, ref="BOB", first_name="Bob", dob=D(2013, 1, 1))
        start_care(s, ctx, bob, D(2026, 11, 9), legal_status="V2", placement="U1")
        allocate(s, ctx, bob, ada, D(2026, 11, 18))
        # Cat: looked after from Mon 2 Nov 2026 and still no IRO (due Mon 9 Nov: overdue).
        cat = add_child(s, ctx, ref="CAT", first_name="Cat", dob=D(2012, 1, 1))
        start_care(s, ctx, cat, D(2026, 11, 2), legal_status="V2", placement="U1")
    with desk.write() as s:
        review = record_review(s, ctx, ann, D(2026, 11, 2), participation="PN1")
        set_circulation(s, ctx, review.meeting_id, decisions=D(2026, 11, 10))


def _clocks(row) -> dict[str, tuple[date, date | None, bool]]:
    return {d.name: (d.due, d.done, d.late) for d in row.deadlines}


def test_due_dates_and_late_flags_on_each_row(desk: Desk) -> None:
    _unit(desk)
    with desk.read() as s:
        rows = {r.ref: r for r in build_caseload(s, desk.ctx, as_of=D(2026, 11, 27)).rows}
    assert _clocks(rows["ANN"]) == {
        "IRO allocated": (D(2026, 10, 19), D(2026, 10, 19), False),
        "Decisions circulated": (D(2026, 11, 9), D(2026, 11, 10), True),
        "Record circulated": (D(2026, 11, 30), None, False),
    }
    assert rows["ANN"].late == ("Decisions circulated",)
    assert _clocks(rows["BOB"]) == {"IRO allocated": (D(2026, 11, 16), D(2026, 11, 18), True)}
    assert _clocks(rows["CAT"]) == {"IRO allocated": (D(2026, 11, 9), None, True)}
    assert rows["CAT"].deadlines[0].state == "overdue"
    # As of 6 November nothing of Cat's was late yet, and Bob was not looked after.
    with desk.read() as s:
        early = {r.ref: r for r in build_caseload(s, desk.ctx, as_of=D(2026, 11, 6)).rows}
    assert early["CAT"].late == () and "BOB" not in early
    # Ann's decisions were circulated after 6 November: not known then, so pending.
    assert early["ANN"].deadlines[1].state == "pending"


def test_caseload_json_has_every_clock_key(desk: Desk) -> None:
    _unit(desk)
    with desk.read() as s:
        rows = {r.ref: r for r in build_caseload(s, desk.ctx, as_of=D(2026, 11, 27)).rows}
    ann = json.loads(json.dumps(rows["ANN"].as_json()))
    assert ann["iro_allocation_due"] == "2026-10-19" and ann["iro_allocation_late"] is False
    assert (ann["decisions_due"], ann["decisions_circulated"], ann["decisions_late"]) == (
        "2026-11-09",
        "2026-11-10",
        True,
    )
    assert (ann["record_due"], ann["record_circulated"], ann["record_late"]) == (
        "2026-11-30",
        None,
        False,
    )
    cat = rows["CAT"].as_json()
    assert cat["iro_allocated"] is None and cat["iro_allocation_late"] is True
    assert cat["decisions_due"] is None and cat["decisions_late"] is False
