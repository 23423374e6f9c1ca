"""One sync: check the server, push the laptop's changes, then pull everyone else's."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from iro_desk.db.engine import write_connection
from iro_desk.db.migrate import HEAD_REVISION
from iro_desk.db.models import TABLES
from iro_desk.db.sync_ddl import (
    install_laptop_capture,
    laptop_capture_installed,
    server_capture_installed,
    shared_tables,
)
from iro_desk.services.context import Desk
from iro_desk.services.sync.errors import SyncOffline, SyncRefused
from iro_desk.services.sync.pull import Progress, pull_log, reconcile_scope, refresh
from iro_desk.services.sync.push import push
from iro_desk.services.sync.scope import scope_conditions
from iro_desk.services.sync.state import (
    OUTBOX,
    pending_count,
    read_state,
    without_password,
    write_state,
)

SCOPES = ("unit", "mine")
CONNECT_TIMEOUT_S = 5


@dataclass(frozen=True)
class SyncReport:
    server: str
    sent: int
    conflicts: int
    cursor: int
    at: datetime

    def summary(self) -> str:
        clash = f", {self.conflicts} conflict{'s' if self.conflicts != 1 else ''}"
        return f"synced with {self.server}: {self.sent} sent{clash if self.conflicts else ''}"


def server_engine(url: str) -> Engine:
    if not url.startswith(("postgresql://", "postgresql+psycopg://")):
        raise SyncRefused(f"server: {without_password(url)!r} is not a postgresql:// URL")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    # A short connect timeout: with no network, say so quickly and keep working.
    return create_engine(url, connect_args={"connect_timeout": CONNECT_TIMEOUT_S})


def _offline(desk: Desk, exc: Exception) -> SyncOffline:
    with desk.engine.connect() as lc:
        waiting = pending_count(lc)
    reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(exc) else "no answer"
    return SyncOffline(reason[:200], waiting)


def _check_server(sc_engine: Engine) -> str:
    with sc_engine.connect() as sc:
        if not server_capture_installed(sc):
            raise SyncRefused(
                "server: not set up for sync; run `iro-desk --database-url URL server init`"
            )
        revision = sc.execute(text("SELECT version_num FROM alembic_version")).scalar()
    if revision != HEAD_REVISION:
        if revision is not None and revision > HEAD_REVISION:
            raise SyncRefused(
                f"server: its schema ({revision}) is newer than this IRO Desk "
                f"({HEAD_REVISION}); upgrade IRO Desk on this laptop"
            )
        raise SyncRefused(
            f"server: its schema ({revision}) is older than this laptop's ({HEAD_REVISION}); "
            "nothing was sent: upgrade the server with `server init`"
        )
    return revision


def start_capture(desk: Desk) -> None:
    """Make this database a replica: from now on every change waits in the outbox.

    Records already here (a laptop that worked alone before joining the unit) are all
    queued as new, so the first push offers them to the server.
    """
    with write_connection(desk.engine) as lc:
        if laptop_capture_installed(lc):
            return
        for table in shared_tables():
            lc.execute(
                OUTBOX.insert().from_select(
                    ["change_id", "table_name", "row_id", "op"],
                    select(
                        text("lower(hex(randomblob(16)))"),
                        text(f"'{table.name}'"),
                        table.c.id,
                        text("'I'"),
                    ),
                )
            )
        install_laptop_capture(lc)


def sync_now(
    desk: Desk,
    url: str | None = None,
    *,
    scope: str | None = None,
    progress: Progress | None = None,
) -> SyncReport:
    """Push then pull. The URL is remembered (without its password) after the first sync."""
    with desk.engine.connect() as lc:
        state = read_state(lc)
    url = url or state["server_url"]
    if not url:
        raise SyncRefused(
            "server: no server given; use --server URL, IRO_DESK_SERVER_URL or server_url"
        )
    scope = scope or state["scope"] or "unit"
    if scope not in SCOPES:
        raise SyncRefused(f"scope: must be one of {', '.join(SCOPES)}")
    if desk.engine.dialect.name != "sqlite":
        raise SyncRefused("sync: runs on a laptop's SQLite replica (--db), not on a server")
    server = server_engine(url)
    try:
        return _sync(desk, server, url, scope, state, progress)
    except (OperationalError, DBAPIError) as exc:
        if isinstance(exc, OperationalError) or exc.connection_invalidated:
            raise _offline(desk, exc) from None
        raise
    finally:
        server.dispose()


def _sync(
    desk: Desk,
    server: Engine,
    url: str,
    scope: str,
    state: dict[str, Any],
    progress: Progress | None,
) -> SyncReport:
    revision = _check_server(server)
    start_capture(desk)
    pushed = push(desk.engine, server, user=desk.ctx.user, device=desk.ctx.device)
    refresh(desk.engine, server, pushed.pushed)
    if scope == "mine":
        conditions = scope_conditions(_my_iro_id(server, desk), desk.ctx.now())
        cursor = reconcile_scope(desk.engine, server, conditions, progress)
    else:
        cursor = pull_log(desk.engine, server, state["cursor"], progress)
    at = desk.ctx.now()
    with write_connection(desk.engine) as lc:
        write_state(
            lc,
            server_url=without_password(url),
            scope=scope,
            scope_iro=desk.ctx.user if scope == "mine" else None,
            last_sync=at,
            server_schema=revision,
        )
    return SyncReport(without_password(url), pushed.sent, pushed.conflicts, cursor, at)


def _my_iro_id(server: Engine, desk: Desk) -> uuid.UUID:
    iro = TABLES["iro"]
    wanted = desk.ctx.user.lower()
    with server.connect() as sc:
        found = sc.execute(
            select(iro.c.id).where(
                (func.lower(iro.c.name) == wanted) | (func.lower(iro.c.username) == wanted)
            )
        ).scalar()
    if found is None:
        raise SyncRefused(
            f"scope: {desk.ctx.user!r} is not an IRO on the server; --scope mine needs one"
        )
    return found
