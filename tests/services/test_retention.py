"""Retention: records past their date are listed, held ones kept, the rest destroyed."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select, text

from iro_desk.db.models import TABLES, AuditEvent, Child
from iro_desk.services.audit_trail import verify_trail
from iro_desk.services.children import add_child, child_by_ref, end_cp_plan, start_cp_enquiry
from iro_desk.services.context import Desk
from iro_desk.services.errors import InvalidInput
from iro_desk.services.retention import due_records, purge, retention_of, set_legal_hold
from iro_desk.services.visits import record_visit
from tests.builders import in_care_child, sent_form

TODAY = date(2026, 11, 27)


def _unit(desk: Desk) -> None:
    """OLD1 looked after (born 1950, with a review, a compliance form and a visit);
    CP1 on a plan that ended in 1980; NEW1 looked after and young; HELD1 like OLD1."""
    sent_form(desk, "OLD1", date(2025, 12, 1), date(2025, 12, 3))
    with desk.write() as s:
        from iro_desk.db.models import Iro

        iro = s.scalars(select(Iro)).first()
        record_visit(
            s, desk.ctx, child_by_ref(s, "OLD1"), iro, visit_date=date(2026, 1, 5),
            location="placement", purpose="between_reviews", seen_alone=True, views="fine",
        )  # fmt: skip
        cp = add_child(s, desk.ctx, ref="CP1", first_name="Cara")
        plan = start_cp_enquiry(s, desk.ctx, cp, date(2024, 1, 8))
        end_cp_plan(s, desk.ctx, plan, date(2024, 6, 3))
        in_care_child(s, desk, "NEW1")
        in_care_child(s, desk, "HELD1")
    with desk.engine.begin() as conn:  # dates older than the desk would let anyone type
        conn.execute(
            text("UPDATE child SET dob = :d WHERE ref IN ('OLD1', 'HELD1')"),
            {"d": date(1950, 3, 1)},
        )
        conn.execute(
            text("UPDATE cp_plan SET strategy_date = :s, end_date = :e"),
            {"s": date(1979, 1, 1), "e": date(1980, 1, 1)},
        )


def _rows_about(desk: Desk, child_id) -> int:
    with desk.engine.connect() as conn:
        return sum(
            conn.execute(
                select(func.count()).select_from(t).where(t.c.child_id == child_id)
            ).scalar()
            for t in TABLES.values()
            if "child_id" in t.c
        )


def test_records_past_their_date_are_listed_with_class_and_date(desk: Desk) -> None:
    _unit(desk)
    with desk.read() as s:
        due = {r.ref: r for r in due_records(s, desk.ctx, TODAY)}
        assert retention_of(s, desk.ctx, child_by_ref(s, "NEW1")).destroy_after == date(2090, 3, 1)
    assert set(due) == {"OLD1", "CP1", "HELD1"}
    assert due["OLD1"].retention.destroy_after == date(2025, 3, 1)
    assert due["CP1"].retention.retention_class == "cp_only"
    assert due["CP1"].retention.destroy_after == date(2015, 1, 1)


def test_purge_destroys_everything_about_the_child_but_not_held_or_young(desk: Desk) -> None:
    _unit(desk)
    with desk.write() as s:
        set_legal_hold(s, desk.ctx, "HELD1", True)
    with desk.read() as s:
        ids = {ref: child_by_ref(s, ref).id for ref in ("OLD1", "CP1")}
    assert _rows_about(desk, ids["OLD1"]) > 3
    with desk.write() as s:
        result = purge(s, desk.ctx, TODAY)
    assert result.purged == 2 and result.held == 1
    assert result.rows["compliance_item"] > 0 and result.rows["meeting"] == 1
    with desk.read() as s:
        refs = set(s.scalars(select(Child.ref)))
        events = list(s.scalars(select(AuditEvent).where(AuditEvent.action == "retention.purge")))
        assert verify_trail(s, desk.ctx.device).intact
    assert refs == {"NEW1", "HELD1"}
    for child_id in ids.values():
        assert _rows_about(desk, child_id) == 0
    assert len(events) == 2
    for event in events:
        assert event.entity_id is None
        detail = json.loads(event.detail)
        # The purge id is random by design: digits of a year can turn up in it by chance.
        assert detail.pop("purge_id")
        rest = json.dumps(detail)
        for secret in (
            "OLD1",
            "CP1",
            "Ada",
            "Cara",
            "1950",
            "1980",
            *(str(i) for i in ids.values()),
        ):
            assert secret not in rest


def test_a_hold_is_audited_and_released(desk: Desk) -> None:
    _unit(desk)
    with desk.write() as s:
        set_legal_hold(s, desk.ctx, "OLD1", True)
    with desk.write() as s, pytest.raises(InvalidInput, match="legal_hold"):
        set_legal_hold(s, desk.ctx, "OLD1", True)
    with desk.write() as s:
        set_legal_hold(s, desk.ctx, "OLD1", False)
    with desk.read() as s:
        actions = list(
            s.scalars(
                select(AuditEvent.detail)
                .where(AuditEvent.action.like("retention.%"))
                .order_by(AuditEvent.seq)
            )
        )
    assert [json.loads(a)["changed"]["legal_hold"] for a in actions] == [
        [False, True],
        [True, False],
    ]
