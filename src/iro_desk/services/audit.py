"""The audit trail: one event per write, in the same transaction as the write."""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy.orm import Session

from iro_desk.db.models import AuditEvent, Record
from iro_desk.db.types import utcnow
from iro_desk.services.context import Ctx


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
) -> None:
    session.add(
        AuditEvent(
            user=ctx.user,
            device=ctx.device,
            action=action,
            entity=entity,
            entity_id=entity_id,
            detail=json.dumps(detail, default=str, sort_keys=True),
        )
    )


def add_new(session: Session, ctx: Ctx, row: Record, action: str, **detail: Any) -> Record:
    """Insert a row with its stamps and its audit event."""
    stamp_new(row, ctx)
    session.add(row)
    audit(session, ctx, action, row.__tablename__, row.id, **detail)  # type: ignore[attr-defined]
    return row


def change(session: Session, ctx: Ctx, row: Record, action: str, **detail: Any) -> Record:
    stamp_change(row, ctx)
    session.add(row)
    audit(session, ctx, action, row.__tablename__, row.id, **detail)  # type: ignore[attr-defined]
    return row
