"""Sync as a unit lives it: copy the unit, work offline, merge, clash, settle."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import create_engine, func, select, text

from iro_desk.db.models import TABLES
from iro_desk.services.children import child_by_ref
from iro_desk.services.duty import assign_duty
from iro_desk.services.iros import find_iro
from iro_desk.services.sync import (
    SyncOffline,
    SyncRefused,
    list_conflicts,
    resolve_conflict,
    sync_status,
)
from tests.builders import add_visit, child_row, edit_child, server_desk, snapshot, sync


def count(engine, table: str, **where) -> int:
    t = TABLES[table]
    with engine.connect() as conn:
        query = select(func.count()).select_from(t)
        for name, value in where.items():
            query = query.where(t.c[name] == value)
        return conn.execute(query).scalar()


def test_first_sync_copies_the_whole_unit(server_url, laptop) -> None:
    ann = laptop()
    report = sync(ann, server_url)
    server = server_desk(server_url)
    assert snapshot(ann.engine) == snapshot(server.engine)
    assert count(ann.engine, "child") == 3
    status = sync_status(ann.engine)
    assert status.server == server_url and status.pending == 0 and status.conflicts == 0
    assert status.last_sync is not None
    assert report.sent == 0
    server.engine.dispose()


def test_the_url_is_remembered_without_its_password(server_url, laptop) -> None:
    ann = laptop()
    with_password = server_url.replace("postgres@", "postgres:secret@")
    sync(ann, with_password)
    assert "secret" not in (sync_status(ann.engine).server or "")
    add_visit(ann, "C1", "Seen at home")
    sync(ann)  # no URL: the remembered one
    assert (
        count(create_engine(server_url.replace("postgresql://", "postgresql+psycopg://")), "visit")
        == 1
    )


@pytest.mark.parametrize("order", ["ann-first", "ben-first"])
def test_offline_work_on_two_laptops_arrives_in_either_order(server_url, laptop, order) -> None:
    ann, ben = laptop("ann"), laptop("ben", "Ben Example")
    sync(ann, server_url)
    sync(ben, server_url)
    add_visit(ann, "C1", "Ann's visit")
    add_visit(ben, "C3", "Ben's visit", iro="Ben Example")
    edit_child(ann, "C1", notes="Likes football")
    with ann.write() as s:
        assign_duty(s, ann.ctx, date(2026, 12, 2), "Ann Example")
    first, second = (ann, ben) if order == "ann-first" else (ben, ann)
    sync(first)
    sync(second)
    sync(first)
    server = server_desk(server_url)
    assert snapshot(ann.engine) == snapshot(server.engine) == snapshot(ben.engine)
    assert count(server.engine, "visit") == 2
    assert child_row(server.engine, "C1")["notes"] == "Likes football"
    server.engine.dispose()


def test_changes_to_different_fields_are_both_kept(server_url, laptop) -> None:
    ann, ben = laptop("ann"), laptop("ben", "Ben Example")
    sync(ann, server_url)
    sync(ben, server_url)
    edit_child(ann, "C2", first_name="Jay")
    edit_child(ben, "C2", notes="New school from January")
    sync(ann)
    sync(ben)
    sync(ann)
    server = server_desk(server_url)
    row = child_row(server.engine, "C2")
    assert (row["first_name"], row["notes"]) == ("Jay", "New school from January")
    assert row["version"] == 3  # created, then two merged changes
    assert snapshot(ann.engine) == snapshot(server.engine) == snapshot(ben.engine)
    with ben.read() as s:
        assert list_conflicts(s) == []
    server.engine.dispose()


@pytest.mark.parametrize("keep", ["mine", "theirs"])
def test_the_same_field_changed_twice_is_a_conflict_then_settled(server_url, laptop, keep):
    ann, ben = laptop("ann"), laptop("ben", "Ben Example")
    sync(ann, server_url)
    sync(ben, server_url)
    edit_child(ann, "C1", notes="Ann's note")
    edit_child(ben, "C1", notes="Ben's note")
    sync(ann)
    report = sync(ben)
    assert report.conflicts == 1
    server = server_desk(server_url)
    assert child_row(server.engine, "C1")["notes"] == "Ann's note"  # the server's stays
    assert child_row(ben.engine, "C1")["notes"] == "Ann's note"
    with ben.read() as s:
        [conflict] = list_conflicts(s)
    assert (conflict.field, json.loads(conflict.mine), json.loads(conflict.theirs)) == (
        "notes",
        "Ben's note",
        "Ann's note",
    )
    assert conflict.who == "Ben Example" and conflict.theirs_by == "Ann Example"
    assert sync_status(ben.engine).conflicts == 1
    with ben.write() as s:
        resolve_conflict(s, ben.ctx, conflict.id, keep)
    sync(ben)
    sync(ann)
    expected = "Ben's note" if keep == "mine" else "Ann's note"
    assert child_row(server.engine, "C1")["notes"] == expected
    assert snapshot(ann.engine) == snapshot(server.engine) == snapshot(ben.engine)
    with ann.read() as s:
        assert list_conflicts(s) == []  # the settlement itself synced
    server.engine.dispose()


def test_facts_added_on_three_laptops_all_arrive_once(server_url, laptop) -> None:
    desks = [laptop("ann"), laptop("ben", "Ben Example"), laptop("cara", "Ann Example")]
    for desk in desks:
        sync(desk, server_url)
    for n, desk in enumerate(desks):
        for k in range(3):
            add_visit(desk, "C1", f"visit {n}-{k}")
    for desk in desks + desks:
        sync(desk)
    server = server_desk(server_url)
    views = sorted(
        v for (v,) in server.engine.connect().execute(select(TABLES["visit"].c.views)).all()
    )
    assert views == sorted(f"visit {n}-{k}" for n in range(3) for k in range(3))
    for desk in desks:
        assert snapshot(desk.engine) == snapshot(server.engine)
    server.engine.dispose()


def test_the_same_rota_day_set_on_two_laptops_is_one_day_and_a_conflict(server_url, laptop):
    ann, ben = laptop("ann"), laptop("ben", "Ben Example")
    sync(ann, server_url)
    sync(ben, server_url)
    with ann.write() as s:
        assign_duty(s, ann.ctx, date(2026, 12, 3), "Ann Example")
    with ben.write() as s:
        assign_duty(s, ben.ctx, date(2026, 12, 3), "Ben Example")
    sync(ann)
    report = sync(ben)
    assert report.conflicts == 1
    server = server_desk(server_url)
    assert count(server.engine, "rota_day", day=date(2026, 12, 3)) == 1
    assert snapshot(ben.engine) == snapshot(server.engine)
    server.engine.dispose()


def test_offline_keeps_every_change_and_says_how_many_wait(server_url, laptop) -> None:
    ann = laptop()
    sync(ann, server_url)
    add_visit(ann, "C1", "Offline visit")
    edit_child(ann, "C2", notes="Offline note")
    with pytest.raises(SyncOffline) as exc:
        sync(ann, "postgresql://postgres@127.0.0.1:9/nowhere")
    assert str(exc.value).startswith("offline: could not reach the server (")
    # the visit and the child, each with its audit event
    assert str(exc.value).endswith("; 4 changes waiting")
    sync(ann, server_url)
    assert sync_status(ann.engine).pending == 0


def test_a_server_without_sync_set_up_is_refused(laptop, pg_desk) -> None:
    ann = laptop()
    url = str(pg_desk.engine.url.render_as_string(hide_password=False))
    with pytest.raises(SyncRefused, match="server init"):
        sync(ann, url)


def test_a_server_on_an_older_schema_is_not_pushed_to(server_url, laptop) -> None:
    ann = laptop()
    sync(ann, server_url)
    server = server_desk(server_url)
    with server.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    add_visit(ann, "C1", "Waits")
    with pytest.raises(SyncRefused, match="older than this laptop"):
        sync(ann)
    assert sync_status(ann.engine).pending == 2
    server.engine.dispose()


def test_the_server_log_names_the_login_and_the_laptop(server_url, laptop) -> None:
    ann = laptop()
    sync(ann, server_url)
    add_visit(ann, "C1", "Logged")
    sync(ann)
    server = server_desk(server_url)
    with server.engine.connect() as conn:
        who = conn.execute(
            text("SELECT pushed_by, device FROM sync_change WHERE table_name = 'visit'")
        ).one()
        device = conn.execute(
            text("SELECT device FROM audit_event WHERE action LIKE 'visit%'")
        ).scalar()
    assert who == ("postgres", "ann-laptop")
    assert device == "ann-laptop"
    server.engine.dispose()


def test_a_laptop_can_hold_just_its_own_caseload(server_url, laptop) -> None:
    from iro_desk.services.sync.scope import scope_conditions

    ben = laptop("ben", "Ben Example")
    sync(ben, server_url, scope="mine")
    refs = {r for (r,) in ben.engine.connect().execute(select(TABLES["child"].c.ref))}
    assert refs == {"C3"}
    assert count(ben.engine, "iro") == 2 and count(ben.engine, "rota_day") == 1
    server = server_desk(server_url)
    with server.read() as s:
        ben_id = find_iro(s, "Ben Example").id
    assert snapshot(ben.engine) == snapshot(server.engine, scope_conditions(ben_id, ben.ctx.now()))
    # C1 moves to Ben: it arrives whole; nothing else of Ann's does.
    from iro_desk.services.children import allocate

    with server.write() as s:
        allocate(
            s, server.ctx, child_by_ref(s, "C1"), find_iro(s, "Ben Example"), date(2026, 11, 2)
        )
    sync(ben)
    refs = {r for (r,) in ben.engine.connect().execute(select(TABLES["child"].c.ref))}
    assert refs == {"C1", "C3"}
    assert snapshot(ben.engine) == snapshot(server.engine, scope_conditions(ben_id, ben.ctx.now()))
    server.engine.dispose()
