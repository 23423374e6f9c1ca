"""The audit trail: every write chained, the table append-only, tampering found."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from iro_desk.db.models import AuditEvent
from iro_desk.services.audit_trail import record_opened, trail, verify_trail
from iro_desk.services.child_details import update_child
from iro_desk.services.children import add_child, start_care
from iro_desk.services.context import Desk
from iro_desk.services.iros import add_iro


def _write_some(desk: Desk) -> None:
    with desk.write() as s:
        add_iro(s, desk.ctx, "Ann Example")
        child = add_child(s, desk.ctx, ref="C1", first_name="Amy", dob=date(2015, 3, 1))
        start_care(s, desk.ctx, child, date(2025, 1, 6), legal_status="C2", placement="U4")
    with desk.write() as s:
        update_child(s, desk.ctx, "C1", first_name="Amelia", notes="Likes football")
    with desk.write() as s:
        child = add_child(s, desk.ctx, ref="C2")
        record_opened(s, desk.ctx, child.id, via="test")


def _events(desk: Desk) -> list[AuditEvent]:
    with desk.read() as s:
        return list(s.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars())


def test_every_write_is_numbered_and_chained_per_device(desk: Desk) -> None:
    _write_some(desk)
    events = _events(desk)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert events[0].prev_hash == ""
    for before, after in zip(events, events[1:], strict=False):
        assert after.prev_hash == before.hash and len(after.hash) == 64
    with desk.read() as s:
        verdict = verify_trail(s, desk.ctx.device)
    assert verdict.intact and verdict.checked == len(events)


def test_an_update_records_old_and_new(desk: Desk) -> None:
    _write_some(desk)
    with desk.read() as s:
        line = next(t for t in trail(s, child_ref="C1") if t.action == "child.update")
    assert json.loads(line.detail)["changed"]["first_name"] == ["Amy", "Amelia"]


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_event SET detail = '{}'", "DELETE FROM audit_event"]
)
def test_the_database_refuses_to_change_or_delete_an_event(desk: Desk, statement: str) -> None:
    _write_some(desk)
    with pytest.raises(DatabaseError, match="append-only"), desk.engine.begin() as conn:
        conn.execute(text(statement))
    assert len(_events(desk)) > 0


def _unguarded(desk: Desk, statement: str, **params: object) -> None:
    """What someone editing the file directly could do: drop the guard, then write."""
    with desk.engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER audit_event_no_update"))
            conn.execute(text("DROP TRIGGER audit_event_no_delete"))
        else:
            conn.execute(text("ALTER TABLE audit_event DISABLE TRIGGER USER"))
        conn.execute(text(statement), params)


def test_a_deleted_event_is_found_and_named(desk: Desk) -> None:
    _write_some(desk)
    events = _events(desk)
    gone, next_one = events[2], events[3]
    _unguarded(desk, "DELETE FROM audit_event WHERE seq = :n", n=gone.seq)
    with desk.read() as s:
        verdict = verify_trail(s, desk.ctx.device)
    assert not verdict.intact
    assert verdict.first_break is not None and verdict.first_break.event_id == next_one.id
    assert "missing" in verdict.first_break.reason


def test_an_edited_event_is_found_and_named(desk: Desk) -> None:
    _write_some(desk)
    edited = _events(desk)[1]
    _unguarded(
        desk, "UPDATE audit_event SET \"user\" = 'someone else' WHERE seq = :n", n=edited.seq
    )
    with desk.read() as s:
        verdict = verify_trail(s, desk.ctx.device)
    assert verdict.first_break is not None and verdict.first_break.event_id == edited.id


def test_the_trail_filters_newest_first(desk: Desk) -> None:
    _write_some(desk)
    with desk.read() as s:
        lines = trail(s, user=desk.ctx.user, since=date(2020, 1, 1), limit=3)
        assert len(lines) == 3
        assert lines[0].action == "child.open"
        assert {t.action for t in trail(s, child_ref="C2")} == {"child.add", "child.open"}


def test_an_export_is_audited_without_any_childs_details(desk: Desk, tmp_path) -> None:
    from iro_desk.services.ssda903 import export_903

    _write_some(desk)
    with desk.write() as s:
        export_903(s, desk.ctx, tmp_path / "out", year_start=2025)
    with desk.read() as s:
        [line] = [t for t in trail(s) if t.action == "export.903"]
    detail = json.loads(line.detail)
    assert detail["year"] == 2025 and "children" in detail and "C1" not in line.detail


def test_two_sessions_of_one_device_on_the_server_keep_one_chain(pg_desk: Desk) -> None:
    """Concurrent writers on PostgreSQL wait for each other to take the next number."""
    from concurrent.futures import ThreadPoolExecutor

    def writer(prefix: str) -> None:
        for n in range(8):
            with pg_desk.write() as s:
                add_child(s, pg_desk.ctx, ref=f"{prefix}{n}")

    with ThreadPoolExecutor(max_workers=3) as pool:
        list(pool.map(writer, ["A", "B", "C"]))
    events = _events(pg_desk)
    assert sorted(e.seq for e in events) == list(range(1, 25))
    with pg_desk.read() as s:
        assert verify_trail(s, pg_desk.ctx.device).intact
