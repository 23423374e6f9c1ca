"""The sync conflicts screen's actions as one call each: list the open conflicts, and
settle one (keep mine or theirs) in its own transaction."""

from __future__ import annotations

from iro_desk.services.context import Desk
from iro_desk.services.sync import ConflictRow, list_conflicts, resolve_conflict


def open_conflicts(desk: Desk) -> list[ConflictRow]:
    with desk.read() as session:
        return list_conflicts(session)


def settle_conflict(desk: Desk, *, conflict_id: str, keep: str) -> None:
    """Keep ``keep`` ("mine" or "theirs") for the conflict; it is sent with the next sync."""
    with desk.write() as session:
        resolve_conflict(session, desk.ctx, conflict_id, keep)
