"""The audit trail: one event per write, in the same transaction as the write.

Each event is numbered and hash chained to the previous event of the same device
(rules/audit_chain.py) here, at write time, so every writer (a single save, the 903
import, the demo generator) chains the same way; the database refuses to change or
delete an event once written.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy import desc, inspect, select, text
from sqlalchemy.orm import Session

from iro_desk.db.models import AuditEvent, Record
from iro_desk.db.types import utcnow
from iro_desk.rules.audit_chain import GENESIS, ChainEvent, event_hash
from iro_desk.services.context import Ctx

# Bookkeeping columns every update moves: not "what changed" for a reader.
_STAMPS = frozenset({"updated_at", "updated_by", "version"})
_TAIL = "audit_chain_tail"


def stamp_new(row: Record, ctx: Ctx) -> Record:
    row.created_by = ctx.user
    row.updated_by = ctx.user
    return row


def stamp_change(row: Record, ctx: Ctx) -> Record:
    row.updated_by = ctx.user
    row.updated_at = utcnow()
    row.version += 1
    return row


def audit(
    session: Session,
    ctx: Ctx,
    action: str,
    entity: str,
    entity_id: uuid.UUID | None,
    **detail: Any,
) -> AuditEvent:
    seq, prev = _tail(session, ctx.device)
    event = AuditEvent(
        at=ctx.now(),
        user=ctx.user,
        device=ctx.device,
        action=action,
        entity=entity,
        entity_id=entity_id,
        detail=json.dumps(detail, default=str, sort_keys=True),
        seq=seq + 1,
        prev_hash=prev,
    )
    event.hash = event_hash(chain_event(event), prev)
    session.add(event)
    session.info[_TAIL] = (session.get_transaction(), event.device, event)
    return event


def chain_event(row: AuditEvent) -> ChainEvent:
    return ChainEvent(
        id=row.id,
        at=row.at,
        user=row.user,
        device=row.device,
        seq=row.seq,
        action=row.action,
        entity=row.entity,
        entity_id=row.entity_id,
        detail=row.detail,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


def _tail(session: Session, device: str) -> tuple[int, str]:
    """The device's newest event (number, hash), including ones not yet flushed.

    Remembered for the rest of the transaction, so a bulk writer pays one query; the
    memory is dropped when the transaction ends or a savepoint rolls its event back.
    """
    remembered = session.info.get(_TAIL)
    if remembered is not None:
        transaction, dev, event = remembered
        if transaction is session.get_transaction() and dev == device and event in session:
            return event.seq, event.hash
    if session.get_bind().dialect.name == "postgresql":
        # Two sessions of one device on the server would otherwise both take number n+1.
        # The lock is the one the sync change log takes on every write (db/sync_ddl.py):
        # one lock, so two writers can never each hold one and wait for the other.
        session.execute(
            text("SELECT pg_advisory_xact_lock(hashtext('iro_desk_sync:' || current_schema()))")
        )
    with session.no_autoflush:
        row = session.execute(
            select(AuditEvent.seq, AuditEvent.hash)
            .where(AuditEvent.device == device)
            .order_by(desc(AuditEvent.seq))
            .limit(1)
        ).first()
    best = (row[0], row[1]) if row is not None and row[0] > 0 else (0, GENESIS)
    for pending in session.new:
        if isinstance(pending, AuditEvent) and pending.device == device and pending.seq > best[0]:
            best = (pending.seq, pending.hash)
    return best


def changed_fields(row: Record) -> dict[str, list[Any]]:
    """Each column this unit of work changed on ``row``: [old, new] (old None if unknown)."""
    state = inspect(row)
    if state.transient or state.pending:
        return {}
    out: dict[str, list[Any]] = {}
    for attr in state.mapper.column_attrs:
        if attr.key in _STAMPS:
            continue
        history = state.attrs[attr.key].history
        if history.added:
            old = history.deleted[0] if history.deleted else None
            if old != history.added[0]:
                out[attr.key] = [old, history.added[0]]
    return out


def add_new(session: Session, ctx: Ctx, row: Record, action: str, **detail: Any) -> Record:
    """Insert a row with its stamps and its audit event."""
    stamp_new(row, ctx)
    session.add(row)
    audit(session, ctx, action, row.__tablename__, row.id, **detail)  # type: ignore[attr-defined]
    return row


def change(session: Session, ctx: Ctx, row: Record, action: str, **detail: Any) -> Record:
    """Stamp an update and audit it, with what moved old -> new (unless the caller said)."""
    if "changed" not in detail:
        moved = changed_fields(row)
        if moved:
            detail["changed"] = moved
    stamp_change(row, ctx)
    session.add(row)
    audit(session, ctx, action, row.__tablename__, row.id, **detail)  # type: ignore[attr-defined]
    return row
