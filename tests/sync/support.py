"""Builders for sync tests: a unit server database, laptops, and comparisons."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import create_engine, select
from sqlalchemy.engine import Engine

from iro_desk.db.models import TABLES
from iro_desk.db.sync_ddl import shared_tables
from iro_desk.services.children import add_child, allocate
from iro_desk.services.context import Ctx, Desk, open_desk
from iro_desk.services.duty import assign_duty
from iro_desk.services.iros import add_iro
from iro_desk.services.sync import sync_now
from tests.conftest import NOW, PG_URL, TODAY


def admin_engine() -> Engine:
    assert PG_URL is not None
    url = PG_URL.replace("postgresql://", "postgresql+psycopg://", 1)
    return create_engine(url, isolation_level="AUTOCOMMIT")


def database_url(name: str) -> str:
    assert PG_URL is not None
    base, _, _db = PG_URL.rpartition("/")
    return f"{base}/{name}"


def unique_name(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


def ctx_for(user: str, device: str) -> Ctx:
    return Ctx(user=user, today=TODAY, clock=lambda: NOW, device=device)


def seed_unit(desk: Desk) -> None:
    """Two IROs, three children allocated between them, one rota day."""
    with desk.write() as s:
        ann = add_iro(s, desk.ctx, "Ann Example", username="ann")
        ben = add_iro(s, desk.ctx, "Ben Example", username="ben")
        for n, iro in ((1, ann), (2, ann), (3, ben)):
            kid = add_child(
                s,
                desk.ctx,
                ref=f"C{n}",
                first_name=f"Kid{n}",
                last_name="Stone",
                dob=date(2014, 1, n),
            )
            allocate(s, desk.ctx, kid, iro, date(2026, 1, 5))
        assign_duty(s, desk.ctx, date(2026, 12, 1), "Ann Example")


def snapshot(engine: Engine, conditions: dict[str, Any] | None = None) -> dict[str, list]:
    """Every shared record, comparable across SQLite and PostgreSQL."""
    out: dict[str, list] = {}
    with engine.connect() as conn:
        for table in shared_tables():
            query = select(table)
            if conditions is not None:
                query = query.where(conditions[table.name])
            rows = [tuple(sorted(dict(r).items())) for r in conn.execute(query).mappings()]
            out[table.name] = sorted(rows, key=repr)
    return out


def server_desk(url: str, user: str = "Admin") -> Desk:
    return open_desk(url, ctx_for(user, "server"))


def sync(desk: Desk, url: str | None = None, **kw: Any):
    return sync_now(desk, url, **kw)


def child_row(engine: Engine, ref: str) -> dict:
    child = TABLES["child"]
    with engine.connect() as conn:
        return dict(conn.execute(select(child).where(child.c.ref == ref)).mappings().one())
