"""Short breaks (reg 48): one review schedule across a series of breaks, each break its
own period of care; the child stays on the caseload between breaks."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from iro_desk.config import Settings
from iro_desk.rules.timescales import Timescales
from iro_desk.services.caseload import build_caseload
from iro_desk.services.children import add_child, allocate, end_care, start_care
from iro_desk.services.context import Ctx, Desk
from iro_desk.services.iros import add_iro
from iro_desk.services.meetings import record_review

D = date
TODAY = D(2026, 11, 27)


def _breaks(desk: Desk, ref: str, days: list[tuple[date, date | None]], iro: str = "Ada") -> None:
    ctx = desk.ctx
    with desk.write() as s:
        from iro_desk.services.iros import find_iro

        kid = add_child(s, ctx, ref=ref, first_name=ref, dob=D(2015, 5, 5))
        for start, end in days:
            start_care(s, ctx, kid, start, legal_status="V3", placement="U1")
            if end is not None:
                end_care(s, ctx, kid, end, rec="E8")
        allocate(s, ctx, kid, find_iro(s, iro), days[0][0])


def _rows(desk: Desk, as_of: date = TODAY, ctx: Ctx | None = None):
    with desk.read() as s:
        result = build_caseload(s, ctx or desk.ctx, as_of=as_of, iro_name="Ada")
    return {r.ref: r for r in result.rows}, result


@pytest.fixture
def unit(desk: Desk) -> Desk:
    with desk.write() as s:
        add_iro(s, desk.ctx, "Ada")
    # Sam: three weekend breaks in 2026, none open today, no review ever held.
    _breaks(
        desk,
        "SAM",
        [
            (D(2026, 1, 9), D(2026, 1, 11)),
            (D(2026, 3, 6), D(2026, 3, 8)),
            (D(2026, 6, 5), D(2026, 6, 7)),
        ],
    )
    # Tia: a break in March 2024, then none for over a year: a new series from Sep 2025.
    _breaks(
        desk,
        "TIA",
        [(D(2024, 3, 1), D(2024, 3, 3)), (D(2025, 9, 5), D(2025, 9, 7)), (D(2026, 8, 1), None)],
    )
    # Uma: last break started on 1 Oct 2025, over 12 months ago: the series has ended.
    _breaks(desk, "UMA", [(D(2025, 8, 1), D(2025, 8, 3)), (D(2025, 10, 1), D(2025, 10, 3))])
    return desk


def test_the_child_stays_on_the_caseload_between_breaks_and_is_overdue(unit: Desk) -> None:
    rows, result = _rows(unit)
    sam = rows["SAM"]
    # First review within 3 months of the series' first break (9 Jan), not the last (5 Jun).
    assert sam.next_review_kind == "Short-break review"
    assert sam.next_review_due == D(2026, 4, 9)
    assert sam.overdue
    assert sam.status == "Short breaks"
    assert sam.legal_status == "V3"
    assert result.header.overdue == 2  # Sam and Tia
    assert "UMA" not in rows


def test_a_gap_of_more_than_the_setting_starts_a_new_series(unit: Desk) -> None:
    rows, _ = _rows(unit)
    # Tia's series began on 5 Sep 2025: due 5 Dec 2025, whatever break is open today.
    assert rows["TIA"].next_review_due == D(2025, 12, 5)
    # With a 24-month setting, March 2024 and September 2025 are one series.
    wide = Ctx(
        user="tester",
        settings=Settings(timescales=Timescales(short_break_series_months=24)),
        today=TODAY,
        clock=unit.ctx.clock,
    )
    rows, _ = _rows(unit, ctx=wide)
    assert rows["TIA"].next_review_due == D(2024, 6, 1)
    assert "UMA" in rows


def test_reviews_between_breaks_run_the_clock_across_the_series(unit: Desk) -> None:
    ctx = unit.ctx
    with unit.write() as s:
        from iro_desk.services.children import child_by_ref

        sam = child_by_ref(s, "SAM")
        # 1 April: between breaks, still a reg 48 review of the series.
        record_review(s, ctx, sam, D(2026, 4, 1), kind="SHORTBREAK", participation="PN1")
    rows, _ = _rows(unit)
    assert rows["SAM"].last_review == D(2026, 4, 1)
    assert rows["SAM"].next_review_due == D(2026, 10, 1)
    assert rows["SAM"].overdue
    data = json.loads(json.dumps(rows["SAM"].as_json()))
    assert data["status"] == "Short breaks"
    assert data["next_review_due"] == "2026-10-01"


def test_the_report_judges_short_break_reviews_on_the_series_clock(desk: Desk) -> None:
    from iro_desk.services.children import child_by_ref
    from iro_desk.services.report import annual_report

    with desk.write() as s:
        add_iro(s, desk.ctx, "Ada")
    # Vic: breaks from 1 May 2025 and 1 Jul 2025, then 9 Jan 2026.
    weekend = timedelta(days=2)
    _breaks(desk, "VIC", [(d, d + weekend) for d in (D(2025, 5, 1), D(2025, 7, 1), D(2026, 1, 9))])
    ctx = desk.ctx
    with desk.write() as s:
        vic = child_by_ref(s, "VIC")
        # Between breaks, within 3 months of the first (due 1 Aug): on time.
        record_review(s, ctx, vic, D(2025, 7, 20), kind="SHORTBREAK", participation="PN1")
        # In the January break, within 6 months of the last review (due 20 Jan): on time,
        # though a clock restarted at that break would have found no earlier review.
        record_review(s, ctx, vic, D(2026, 1, 10), kind="SHORTBREAK", participation="PN1")
        # The series' clock then runs from 10 Jan: 11 Jul 2026 would be late (due 10 Jul).
        record_review(s, ctx, vic, D(2026, 7, 11), kind="SHORTBREAK", participation="PN1")
    with desk.read() as s:
        r = annual_report(s, ctx, 2025)
        nxt = annual_report(s, ctx, 2026)
    assert (r.reviews.held, r.reviews.on_time, r.reviews.short_break_held) == (2, 2, 2)
    assert (nxt.reviews.held, nxt.reviews.on_time, nxt.reviews.short_break_held) == (1, 0, 1)
