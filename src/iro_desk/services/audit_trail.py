"""Reading the audit trail: who opened a child's record, the trail filtered, its check."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import desc, or_, select
from sqlalchemy.orm import Session

from iro_desk import clock
from iro_desk.db.models import AuditEvent, Child
from iro_desk.rules.audit_chain import Verdict, verify
from iro_desk.services.audit import audit, chain_event
from iro_desk.services.context import Ctx
from iro_desk.services.errors import InvalidInput

OPENED = "child.open"
DEFAULT_LIMIT = 50
MAX_LIMIT = 10_000
VERIFY_BATCH = 5_000  # events read at a time: a unit's trail runs to millions


def record_opened(session: Session, ctx: Ctx, child_id: uuid.UUID, via: str) -> None:
    """Reading a child's record is itself audited: who looked at special-category data."""
    audit(session, ctx, OPENED, "child", child_id, via=via)


@dataclass(frozen=True)
class Opening:
    user: str
    device: str
    at: datetime
    via: str


def openings(session: Session, child_id: uuid.UUID, limit: int = 20) -> list[Opening]:
    rows = session.execute(
        select(AuditEvent)
        .where(
            AuditEvent.entity == "child",
            AuditEvent.entity_id == child_id,
            AuditEvent.action == OPENED,
        )
        .order_by(desc(AuditEvent.at))
        .limit(limit)
    ).scalars()
    return [Opening(r.user, r.device, r.at, _via(r.detail)) for r in rows]


def _via(detail: str) -> str:
    try:
        return str(json.loads(detail).get("via", ""))
    except (ValueError, AttributeError):
        return ""


@dataclass(frozen=True)
class TrailLine:
    at: datetime
    user: str
    device: str
    action: str
    entity: str
    entity_id: uuid.UUID | None
    detail: str

    def as_json(self) -> dict[str, Any]:
        try:
            detail: Any = json.loads(self.detail) if self.detail else {}
        except ValueError:
            detail = self.detail
        return {
            "at": self.at.isoformat(),
            "user": self.user,
            "device": self.device,
            "action": self.action,
            "table": self.entity,
            "record_id": str(self.entity_id) if self.entity_id else None,
            "detail": detail,
        }


def trail(
    session: Session,
    *,
    child_ref: str | None = None,
    user: str | None = None,
    since: date | None = None,
    limit: int = DEFAULT_LIMIT,
) -> list[TrailLine]:
    """Events newest first, at most ``limit``; a child's are those naming it or its rows."""
    from iro_desk.services.ssda903.writing import BATCH_ACTION  # only the trail needs it

    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput.one("limit", f"{limit} must be between 1 and {MAX_LIMIT:,}")
    query = select(AuditEvent).order_by(desc(AuditEvent.at), desc(AuditEvent.seq)).limit(limit)
    if child_ref is not None:
        query = query.where(or_(*_about_child(session, child_ref)))
    if user is not None:
        query = query.where(AuditEvent.user == user)
    if since is not None:
        query = query.where(AuditEvent.at >= clock.day_start(since))  # the local day
    return [
        TrailLine(
            r.at,
            r.user,
            r.device,
            r.action,
            r.entity,
            r.entity_id,
            _child_rows_only(r.detail, child_ref) if r.action == BATCH_ACTION else r.detail,
        )
        for r in session.execute(query).scalars()
    ]


def _child_rows_only(detail: str, child_ref: str | None) -> str:
    """A batch event names every row an import wrote; a child's trail shows its own rows,
    and how many the batch held."""
    if child_ref is None:
        return detail
    try:
        rows = json.loads(detail)["rows"]
    except (ValueError, KeyError, TypeError):
        return detail
    own = [row for row in rows if child_ref in (row.get("child"), row.get("ref"))]
    return json.dumps({"rows": own, "of": len(rows)}, default=str, sort_keys=True)


def _about_child(session: Session, ref: str) -> list[Any]:
    from iro_desk.db.models import TABLES
    from iro_desk.services.ssda903.writing import BATCH_ACTION

    child_id = session.execute(select(Child.id).where(Child.ref == ref)).scalar()
    if child_id is None:
        raise InvalidInput.one("--child", f"no child with reference {ref!r}")
    conditions: list[Any] = [AuditEvent.entity_id == child_id]
    # Rows an import wrote in bulk are named inside one event per batch, by the child's
    # reference (the detail is JSON with sorted keys, as services.audit writes it).
    for key in ("child", "ref"):
        named = json.dumps({key: ref})[1:-1]  # '"child": "C001"', quoted as JSON quotes it
        conditions.append(
            (AuditEvent.action == BATCH_ACTION) & AuditEvent.detail.contains(named, autoescape=True)
        )
    # Rows hanging straight off the child (visits, episodes, plans, forms...).
    for table in TABLES.values():
        if "child_id" in table.c and "id" in table.c and table.name != "audit_event":
            ids = select(table.c.id).where(table.c.child_id == child_id)
            conditions.append(AuditEvent.entity_id.in_(ids))
    return conditions


def verify_trail(session: Session, local_device: str | None = None) -> Verdict:
    """Check every device's chain in this database.

    On a replica limited to one IRO (``sync --scope mine``), other devices' chains are
    only partly here, so a missing number there is counted, not reported; this laptop's
    own chain and, elsewhere, every chain must be whole.
    """
    scoped = _scoped_replica(session)
    rows = session.execute(select(AuditEvent).execution_options(yield_per=VERIFY_BATCH)).scalars()
    events = (chain_event(r) for r in rows)
    return verify(events, lambda device: not scoped or device == local_device)


def _scoped_replica(session: Session) -> bool:
    from iro_desk.db.sync_models import SyncState

    # Every database has sync_state (migration 0004); only a laptop replica fills it.
    scope = session.execute(select(SyncState.scope).where(SyncState.id == 1)).scalar()
    return scope == "mine"
