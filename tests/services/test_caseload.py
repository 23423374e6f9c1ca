"""The caseload: next review, its kind and deadline, as a user would check them."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from iro_desk.db.models import AuditEvent, MeetingChild
from iro_desk.services.caseload import build_caseload
from iro_desk.services.children import (
    add_child,
    allocate,
    change_episode,
    end_care,
    start_care,
    start_cp_enquiry,
)
from iro_desk.services.context import Desk
from iro_desk.services.errors import InvalidInput
from iro_desk.services.iros import add_iro
from iro_desk.services.meetings import ConferenceChild, record_conference, record_review


def _unit(desk: Desk) -> None:
    ctx = desk.ctx
    with desk.write() as s:
        ada = add_iro(s, ctx, "Ada Example", fte=0.6)
        add_iro(s, ctx, "Bea Example")
        amy = add_child(s, ctx, ref="C1", first_name="Amy", last_name="Stone", dob=date(2015, 3, 1))
        ben = add_child(s, ctx, ref="C2", first_name="Ben", last_name="Stone", dob=date(2024, 6, 1))
        cal = add_child(s, ctx, ref="C3", first_name="Cal", last_name="Moss", dob=date(2012, 1, 9))
        # Amy: in care since 1 Sep 2025, reviews on time: first, second, then 6-monthly.
        start_care(s, ctx, amy, date(2025, 9, 1), legal_status="C2", placement="U1")
        allocate(s, ctx, amy, ada, date(2025, 9, 2))
        # Ben: in care since 2 Nov 2026, no review yet: first due 20 WD later.
        start_care(s, ctx, ben, date(2026, 11, 2), legal_status="C1", placement="U3")
        allocate(s, ctx, ben, ada, date(2026, 11, 3))
        # Cal: strategy discussion on 2 Nov 2026, no ICPC yet (15 WD: due 23 Nov: overdue).
        start_cp_enquiry(s, ctx, cal, date(2026, 11, 2))
        allocate(s, ctx, cal, ada, date(2026, 11, 2))
    with desk.write() as s:
        from iro_desk.services.children import child_by_ref

        amy = child_by_ref(s, "C1")
        record_review(s, ctx, amy, date(2025, 9, 26), participation="PN1")
        record_review(s, ctx, amy, date(2025, 12, 19), participation="PN6")
        record_review(s, ctx, amy, date(2026, 6, 10), participation="PN5")


def test_one_iro_caseload_shows_each_childs_next_review(desk: Desk) -> None:
    _unit(desk)
    with desk.read() as s:
        result = build_caseload(s, desk.ctx, as_of=date(2026, 11, 27), iro_name="ada example")
    rows = {r.ref: r for r in result.rows}
    assert set(rows) == {"C1", "C2", "C3"}
    # Amy: later review, 6 months after 10 Jun 2026.
    assert rows["C1"].next_review_due == date(2026, 12, 10)
    assert rows["C1"].next_review_kind == "LAR"
    assert rows["C1"].last_review == date(2026, 6, 10)
    assert rows["C1"].last_participation == "PN5"
    assert not rows["C1"].overdue
    # Ben: 20 WD from Mon 2 Nov 2026 is Mon 30 Nov 2026.
    assert rows["C2"].next_review_due == date(2026, 11, 30)
    assert rows["C2"].next_review_kind == "First LAR"
    assert rows["C2"].wd_left == 1
    # Cal: ICPC 15 WD from 2 Nov 2026 = 23 Nov 2026; overdue on 27 Nov.
    assert rows["C3"].next_review_kind == "ICPC"
    assert rows["C3"].next_review_due == date(2026, 11, 23)
    assert rows["C3"].overdue and rows["C3"].wd_left == -4
    assert rows["C3"].status == "ICPC pending"
    # Soonest first, header counts against FTE.
    assert [r.ref for r in result.rows] == ["C3", "C2", "C1"]
    h = result.header
    assert (h.cla, h.cp, h.total, h.overdue) == (2, 1, 3, 1)
    assert h.per_fte == pytest.approx(5.0)


def test_filters_and_all_children(desk: Desk) -> None:
    _unit(desk)
    with desk.read() as s:
        overdue = build_caseload(s, desk.ctx, as_of=date(2026, 11, 27), overdue_only=True)
        soon = build_caseload(s, desk.ctx, as_of=date(2026, 11, 27), due_within=1)
        earlier = build_caseload(s, desk.ctx, as_of=date(2026, 1, 5))
    assert [r.ref for r in overdue.rows] == ["C3"]
    assert [r.ref for r in soon.rows] == ["C3", "C2"]
    # As of January 2026 only Amy was looked after; her second review was on 19 Dec.
    assert [r.ref for r in earlier.rows] == ["C1"]
    assert earlier.rows[0].next_review_due == date(2026, 6, 19)


def test_brought_forward_review_resets_the_clock(desk: Desk) -> None:
    _unit(desk)
    ctx = desk.ctx
    with desk.write() as s:
        from iro_desk.services.children import child_by_ref

        record_review(
            s,
            ctx,
            child_by_ref(s, "C1"),
            date(2026, 9, 1),
            participation="PN1",
            brought_forward=True,
        )
    with desk.read() as s:
        row = build_caseload(s, ctx, as_of=date(2026, 11, 27), iro_name="Ada Example").rows
    amy = next(r for r in row if r.ref == "C1")
    assert amy.next_review_due == date(2027, 3, 1)


def test_new_period_restarts_the_schedule(desk: Desk) -> None:
    _unit(desk)
    ctx = desk.ctx
    with desk.write() as s:
        from iro_desk.services.children import child_by_ref

        amy = child_by_ref(s, "C1")
        end_care(s, ctx, amy, date(2026, 8, 1))
        start_care(s, ctx, amy, date(2026, 11, 9), legal_status="V2", placement="U1")
    with desk.read() as s:
        rows = build_caseload(s, ctx, as_of=date(2026, 11, 27), iro_name="Ada Example").rows
    amy_row = next(r for r in rows if r.ref == "C1")
    # 20 WD from Mon 9 Nov 2026 = Mon 7 Dec 2026; earlier reviews do not count.
    assert amy_row.next_review_due == date(2026, 12, 7)
    assert amy_row.next_review_kind == "First LAR"


def test_icpc_then_rcpc_schedule_for_a_sibling_group(desk: Desk) -> None:
    ctx = desk.ctx
    with desk.write() as s:
        iro = add_iro(s, ctx, "Ada Example")
        kids = [
            add_child(s, ctx, ref=f"S{i}", first_name=n, last_name="Vale", dob=dob)
            for i, (n, dob) in enumerate([("Dan", date(2016, 5, 1)), ("Eve", date(2025, 1, 1))])
        ]
        for kid in kids:
            start_cp_enquiry(s, ctx, kid, date(2026, 5, 1))
            allocate(s, ctx, kid, iro, date(2026, 5, 1))
    with desk.write() as s:
        from iro_desk.services.children import child_by_ref

        dan, eve = child_by_ref(s, "S0"), child_by_ref(s, "S1")
        record_conference(
            s,
            ctx,
            "ICPC",
            date(2026, 5, 20),
            [ConferenceChild(dan, True, "consultation_form"), ConferenceChild(eve)],
            chair=iro,
            category="NEG",
        )
    with desk.read() as s:
        rows = build_caseload(s, ctx, as_of=date(2026, 6, 1), iro_name="Ada Example").rows
        links = s.scalar(select(func.count()).select_from(MeetingChild))
    assert links == 2
    assert {r.next_review_due for r in rows} == {date(2026, 8, 20)}
    assert {r.next_review_kind for r in rows} == {"First RCPC"}
    assert {r.status for r in rows} == {"CP"}
    assert {r.cp_category for r in rows} == {"NEG"}


def test_participation_rules_refuse_then_accept(desk: Desk) -> None:
    _unit(desk)
    ctx = desk.ctx
    with desk.write() as s:
        from iro_desk.services.children import child_by_ref

        ben = child_by_ref(s, "C2")
        before = s.scalar(select(func.count()).select_from(AuditEvent))
    with pytest.raises(InvalidInput) as err, desk.write() as s:
        record_review(s, ctx, child_by_ref(s, "C2"), date(2026, 11, 20), participation="PN1")
    assert "441" in str(err.value) and err.value.problems[0].field == "participation"
    with desk.read() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == before
        assert s.scalar(select(func.count()).select_from(MeetingChild)) == 3
    with desk.write() as s:
        record_review(s, ctx, child_by_ref(s, "C2"), date(2026, 11, 20), participation="PN0")
    with desk.read() as s:
        rows = build_caseload(s, ctx, as_of=date(2026, 11, 27), iro_name="Ada Example").rows
    ben_row = next(r for r in rows if r.ref == ben.ref)
    assert ben_row.next_review_kind == "Second LAR"
    assert ben_row.next_review_due == date(2027, 2, 20)


def test_episode_change_keeps_the_period(desk: Desk) -> None:
    _unit(desk)
    ctx = desk.ctx
    with desk.write() as s:
        from iro_desk.services.children import child_by_ref

        change_episode(
            s,
            ctx,
            child_by_ref(s, "C1"),
            date(2026, 10, 1),
            placement="K1",
            reason_place_change="CARPL",
        )
    with desk.read() as s:
        rows = build_caseload(s, ctx, as_of=date(2026, 10, 5), iro_name="Ada Example").rows
    amy = next(r for r in rows if r.ref == "C1")
    # Now in a secure placement: the secure review (1 month) comes before the LAR.
    assert amy.placement == "K1"
    assert amy.next_review_kind == "Secure review"
    assert amy.next_review_due == date(2026, 11, 1)


def test_short_break_child_gets_reg_48_reviews_not_lars(desk: Desk) -> None:
    ctx = desk.ctx
    with desk.write() as s:
        iro = add_iro(s, ctx, "Ada Example")
        kid = add_child(
            s, ctx, ref="SB1", first_name="Sam", last_name="Break", dob=date(2016, 1, 1)
        )
        start_care(s, ctx, kid, date(2026, 1, 10), legal_status="V3", placement="U1")
        allocate(s, ctx, kid, iro, date(2026, 1, 10))
    with pytest.raises(InvalidInput) as err, desk.write() as s:
        record_review(s, ctx, kid, date(2026, 4, 1), participation="PN1")
    assert "rule 399" in str(err.value)
    with desk.write() as s:
        record_review(s, ctx, kid, date(2026, 4, 1), kind="SHORTBREAK", participation="PN1")
    with desk.read() as s:
        (row,) = build_caseload(s, ctx, as_of=date(2026, 11, 27), iro_name="Ada Example").rows
    # Reg 48: first within 3 months of the first break, then every 6 months.
    assert row.next_review_kind == "Short-break review"
    assert row.next_review_due == date(2026, 10, 1)
    assert row.overdue


def test_conference_participation_corrected_with_the_rules(desk: Desk) -> None:
    from iro_desk.services.meetings import set_conference_participation

    ctx = desk.ctx
    with desk.write() as s:
        iro = add_iro(s, ctx, "Ada Example")
        dan = add_child(s, ctx, ref="S0", first_name="Dan", last_name="Vale", dob=date(2016, 5, 1))
        eve = add_child(s, ctx, ref="S1", first_name="Eve", last_name="Vale", dob=date(2025, 1, 1))
        for kid in (dan, eve):
            start_cp_enquiry(s, ctx, kid, date(2026, 5, 1))
        record_conference(
            s,
            ctx,
            "ICPC",
            date(2026, 5, 20),
            [ConferenceChild(dan, False), ConferenceChild(eve)],
            chair=iro,
            category="NEG",
        )
    with desk.read() as s:
        rows = {mc.child_id: mc for mc in s.scalars(select(MeetingChild))}
    with pytest.raises(InvalidInput) as err, desk.write() as s:
        set_conference_participation(s, ctx, rows[dan.id].id, True, None)
    assert err.value.problems[0].field == "method"
    with pytest.raises(InvalidInput) as err, desk.write() as s:
        set_conference_participation(s, ctx, rows[eve.id].id, True, "drawings")
    assert "4 or over" in str(err.value)
    with desk.write() as s:
        set_conference_participation(s, ctx, rows[dan.id].id, True, "drawings")
    with desk.read() as s:
        row = s.get(MeetingChild, rows[dan.id].id)
        assert (row.cp_took_part, row.cp_method) == (True, "drawings")
        assert (
            s.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "conference.participation")
            )
            == 1
        )
