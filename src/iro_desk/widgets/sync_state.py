"""The few words the header shows about sync: ``synced 2 min ago``, ``offline · 3 to send``.

Kept short, because the header shares 80 columns with the user's name and the date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class SyncView:
    """What the app knows about sync: the replica's state plus how the last attempt went."""

    server: str | None = None
    last_sync: datetime | None = None
    pending: int = 0
    conflicts: int = 0
    offline: bool = False  # the last attempt could not reach the server
    failed: bool = False  # the last attempt was refused or broke
    syncing: bool = False


def ago(then: datetime, now: datetime) -> str:
    if then.tzinfo is None:
        then = then.replace(tzinfo=UTC)
    seconds = max(0, int((now - then).total_seconds()))
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    if seconds < 86400:
        return f"{seconds // 3600} h ago"
    days = seconds // 86400
    return f"{days} day{'s' if days != 1 else ''} ago"


def sync_label(view: SyncView, now: datetime) -> str:
    """Empty when this desk has no server: single-laptop users see nothing about sync."""
    if view.server is None:
        return ""
    if view.offline:
        parts = [f"offline · {view.pending} to send"]
    elif view.failed:
        parts = [f"not synced · {view.pending} to send"]
    elif view.syncing and view.last_sync is None:
        parts = ["syncing…"]
    elif view.last_sync is None:
        parts = ["not synced yet"]
    else:
        parts = [f"synced {ago(view.last_sync, now)}"]
        if view.pending and not view.syncing:
            parts.append(f"{view.pending} to send")
    if view.conflicts:
        parts.append(f"{view.conflicts} conflict{'s' if view.conflicts != 1 else ''}")
    return " · ".join(parts)
