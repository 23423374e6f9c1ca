"""The audit trail across sync: one server trail, each device's chain whole everywhere."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select, text

from iro_desk.db.models import TABLES
from iro_desk.services.audit_trail import verify_trail
from iro_desk.services.children import allocate, child_by_ref
from iro_desk.services.iros import find_iro
from tests.builders import add_visit, edit_child, server_desk, sync


def _audit_ids(engine) -> set:
    with engine.connect() as conn:
        return {r for (r,) in conn.execute(select(TABLES["audit_event"].c.id))}


def _verdict(desk):
    with desk.read() as s:
        return verify_trail(s, desk.ctx.device)


def test_two_laptops_offline_make_one_intact_trail(server_url, laptop) -> None:
    ann, ben = laptop("ann", "Ann Example"), laptop("ben", "Ben Example")
    sync(ann, server_url)
    sync(ben, server_url)
    add_visit(ann, "C1", "Ann offline")
    edit_child(ann, "C2", notes="Ann's note")
    add_visit(ben, "C3", "Ben offline", iro="Ben Example")
    sync(ann)
    sync(ben)
    sync(ann)  # Ann now holds Ben's events too
    server = server_desk(server_url)
    try:
        assert _audit_ids(ann.engine) == _audit_ids(ben.engine) == _audit_ids(server.engine)
        for desk in (ann, ben, server):
            verdict = _verdict(desk)
            assert verdict.intact, verdict.first_break
            assert verdict.devices >= 2
    finally:
        server.engine.dispose()


def test_a_pulled_event_is_never_written_over(server_url, laptop) -> None:
    """The pull inserts audit rows and skips ones it has: the local guard never fires."""
    ann = laptop()
    sync(ann, server_url)
    add_visit(ann, "C1", "Once")
    sync(ann)
    sync(ann)  # pushes nothing, pulls its own events back: no update attempted
    assert _verdict(ann).intact


def test_events_stay_on_a_scoped_laptop_when_their_child_leaves(server_url, laptop) -> None:
    ben = laptop("ben", "Ben Example")
    sync(ben, server_url, scope="mine")
    add_visit(ben, "C3", "Before the move", iro="Ben Example")
    sync(ben)
    about_c3 = _audit_ids(ben.engine)
    server = server_desk(server_url)
    try:
        with server.write() as s:
            allocate(
                s, server.ctx, child_by_ref(s, "C3"), find_iro(s, "Ann Example"), date(2026, 11, 2)
            )
        with server.engine.begin() as conn:  # Ben's visit goes too, so C3 leaves Ben's scope
            conn.execute(text("DELETE FROM visit"))
        sync(ben)
        with ben.engine.connect() as conn:
            kids = conn.execute(select(func.count()).select_from(TABLES["child"])).scalar()
        assert kids == 0
        assert about_c3 <= _audit_ids(ben.engine)
        verdict = _verdict(ben)
        assert verdict.intact, verdict.first_break
    finally:
        server.engine.dispose()
