"""Conflicts: list them, and settle one by keeping mine or theirs (itself a change that syncs)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from iro_desk.db.models import TABLES
from iro_desk.db.sync_models import SyncConflict
from iro_desk.services.audit import audit, stamp_change
from iro_desk.services.context import Ctx
from iro_desk.services.errors import InvalidInput, NotFound
from iro_desk.services.sync.values import from_json

KEEP = ("mine", "theirs")


@dataclass(frozen=True)
class ConflictRow:
    id: str
    record: str  # table and id
    field: str
    mine: str
    theirs: str
    who: str
    device: str
    theirs_by: str
    when: datetime

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "record": self.record,
            "field": self.field,
            "mine": self.mine,
            "theirs": self.theirs,
            "who": self.who,
            "device": self.device,
            "theirs_by": self.theirs_by,
            "when": self.when.isoformat(),
        }


def list_conflicts(session: Session, *, open_only: bool = True) -> list[ConflictRow]:
    query = select(SyncConflict).order_by(SyncConflict.created_at, SyncConflict.id)
    if open_only:
        query = query.where(SyncConflict.status == "open")
    return [
        ConflictRow(
            id=str(c.id)[:8],
            record=f"{c.table_name} {c.row_id[:8]}",
            field=c.field,
            mine=c.mine,
            theirs=c.theirs,
            who=c.mine_by,
            device=c.mine_device,
            theirs_by=c.theirs_by,
            when=c.created_at,
        )
        for c in session.scalars(query)
    ]


def _find(session: Session, conflict_id: str) -> SyncConflict:
    wanted = conflict_id.strip().lower()
    if len(wanted) < 4:
        raise InvalidInput.one("id", "give at least the first 4 characters of the conflict's id")
    matches = [
        c
        for c in session.scalars(select(SyncConflict).where(SyncConflict.status == "open"))
        if str(c.id).startswith(wanted)
    ]
    if not matches:
        raise NotFound(f"id: no open conflict {conflict_id!r}")
    if len(matches) > 1:
        raise InvalidInput.one("id", f"{conflict_id!r} matches {len(matches)} conflicts")
    return matches[0]


def resolve_conflict(session: Session, ctx: Ctx, conflict_id: str, keep: str) -> SyncConflict:
    """Keep mine: the record takes the value that did not land. Keep theirs: it stays."""
    if keep not in KEEP:
        raise InvalidInput.one("keep", "must be mine or theirs")
    conflict = _find(session, conflict_id)
    if keep == "mine" and conflict.field != "*":
        table = TABLES[conflict.table_name]
        row_id = uuid.UUID(conflict.row_id)
        record = session.execute(select(table).where(table.c.id == row_id)).mappings().first()
        if record is None:
            raise InvalidInput.one("id", "the record is not on this laptop (outside its scope)")
        value = from_json(table, conflict.field, conflict.mine)
        values: dict[str, Any] = {conflict.field: value}
        if "version" in table.c:
            values.update(version=record["version"] + 1, updated_by=ctx.user, updated_at=ctx.now())
        session.execute(table.update().where(table.c.id == row_id).values(**values))
        audit(session, ctx, "sync.keep_mine", conflict.table_name, row_id, field=conflict.field)
    conflict.status = f"kept_{keep}"
    conflict.resolved_by = ctx.user
    conflict.resolved_at = ctx.now()
    stamp_change(conflict, ctx)
    session.add(conflict)
    audit(session, ctx, f"conflict.keep_{keep}", "sync_conflict", conflict.id)
    return conflict
