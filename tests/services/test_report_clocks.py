"""The report's line on the IRO service's own clocks: allocation and circulation."""

from __future__ import annotations

from datetime import date

from iro_desk.services.children import add_child, allocate, start_care
from iro_desk.services.context import Desk
from iro_desk.services.iros import add_iro
from iro_desk.services.meetings import record_review, set_circulation
from iro_desk.services.report import annual_report

D = date


def test_allocation_and_circulation_in_time_of_all(desk: Desk) -> None:
    ctx = desk.ctx
    reviews = []
    with desk.write() as s:
        ada = add_iro(s, ctx, "Ada")

        def child(ref: str, care: date, status: str = "C2"):
            kid = add_child(s, ctx, ref=ref, first_name=ref, dob=D(2012, 1, 1))
            start_care(s, ctx, kid, care, legal_status=status, placement="U1")
            return kid

        ann = child("ANN", D(2025, 6, 1))  # Mon; allocated Fri 5 Jun, due Mon 8 Jun
        allocate(s, ctx, ann, ada, D(2025, 6, 5))
        bob = child("BOB", D(2025, 9, 1))  # Mon; allocated Tue 9 Sep, due Mon 8 Sep: late
        allocate(s, ctx, bob, ada, D(2025, 9, 9))
        child("CAT", D(2025, 12, 1))  # never allocated: late
        dan = child("DAN", D(2024, 5, 1))  # care began before the year: not counted
        child("EVE", D(2025, 5, 1), "V3")  # short breaks: left out, as in the starts
    with desk.write() as s:
        # Ann, Mon 29 Jun 2025: decisions Fri 3 Jul (due Mon 6 Jul), record 20 Jul (27 Jul).
        reviews.append((record_review(s, ctx, ann, D(2025, 6, 29), participation="PN1"),
                        D(2025, 7, 3), D(2025, 7, 20)))  # fmt: skip
        # Bob, Mon 29 Sep 2025: decisions Tue 7 Oct (due Mon 6 Oct): late; no record.
        reviews.append((record_review(s, ctx, bob, D(2025, 9, 29), participation="PN1"),
                        D(2025, 10, 7), None))  # fmt: skip
        # Dan, 5 May 2025: nothing circulated.
        record_review(s, ctx, dan, D(2025, 5, 5), participation="PN1")
        for review, decisions, record in reviews:
            set_circulation(s, ctx, review.meeting_id, decisions=decisions, record=record)
    with desk.read() as s:
        r = annual_report(s, ctx, 2025)
    assert [(c.label, c.count, c.total, c.percent) for c in r.clocks] == [
        ("IRO allocated within 5 WD of care starting", 1, 3, 33.3),
        ("Review decisions circulated within 5 WD", 1, 3, 33.3),
        ("Review record circulated within 20 WD", 1, 3, 33.3),
    ]
    lines = dict(r.sections())["Timeliness of allocation and circulation"]
    assert ("IRO allocated within 5 WD of care starting", "1 of 3 (33.3%)") in lines
    assert r.as_json()["clocks"][1]["count"] == 1
