"""Where a replica stands: its server, its cursor, what waits to be sent, open conflicts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.engine.url import make_url

from iro_desk.db.sync_models import SyncConflict, SyncOutbox, SyncState

STATE = SyncState.__table__  # type: ignore[attr-defined]
OUTBOX = SyncOutbox.__table__  # type: ignore[attr-defined]
CONFLICTS = SyncConflict.__table__  # type: ignore[attr-defined]


def without_password(url: str) -> str:
    """A server URL safe to print or keep: the password is never stored on the laptop."""
    try:
        parsed = make_url(url)
    except Exception:  # an unparseable URL is shown as typed, minus anything after '@'
        return url.split("@")[-1]
    return parsed._replace(password=None).render_as_string(hide_password=False)


def read_state(conn: Connection) -> dict[str, Any]:
    row = conn.execute(select(STATE).where(STATE.c.id == 1)).mappings().first()
    if row is None:
        return {
            "server_url": None,
            "scope": "unit",
            "scope_iro": None,
            "cursor": 0,
            "last_sync": None,
            "server_schema": None,
        }
    return dict(row)


def write_state(conn: Connection, **values: Any) -> None:
    if conn.execute(select(STATE.c.id).where(STATE.c.id == 1)).first() is None:
        conn.execute(STATE.insert().values(id=1, scope="unit", cursor=0))
    conn.execute(STATE.update().where(STATE.c.id == 1).values(**values))


def pending_count(conn: Connection) -> int:
    """Records changed here and not yet on the server (several edits of one count once)."""
    distinct = select(OUTBOX.c.table_name, OUTBOX.c.row_id).distinct().subquery()
    return conn.execute(select(func.count()).select_from(distinct)).scalar() or 0


def open_conflicts(conn: Connection) -> int:
    return (
        conn.execute(
            select(func.count()).select_from(CONFLICTS).where(CONFLICTS.c.status == "open")
        ).scalar()
        or 0
    )


@dataclass(frozen=True)
class SyncStatus:
    server: str | None
    last_sync: datetime | None
    pending: int
    conflicts: int
    scope: str

    def as_json(self) -> dict[str, Any]:
        return {
            "server": self.server,
            "last_sync": self.last_sync.isoformat() if self.last_sync else None,
            "pending": self.pending,
            "conflicts": self.conflicts,
        }


def sync_status(engine: Engine) -> SyncStatus:
    with engine.connect() as conn:
        state = read_state(conn)
        return SyncStatus(
            server=state["server_url"],
            last_sync=state["last_sync"],
            pending=pending_count(conn),
            conflicts=open_conflicts(conn),
            scope=state["scope"],
        )


def quiet_capture(conn: Connection) -> None:
    """Inside this transaction, writes are the server's, not the laptop's: no outbox rows."""
    conn.execute(text("INSERT OR IGNORE INTO sync_applying (id) VALUES (1)"))


def resume_capture(conn: Connection) -> None:
    conn.execute(text("DELETE FROM sync_applying"))
