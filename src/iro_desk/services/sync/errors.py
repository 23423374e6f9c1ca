"""What can stop a sync, each with a message a person can act on."""

from __future__ import annotations


class SyncError(RuntimeError):
    """Sync could not run; nothing was half-sent (the message says why)."""


class SyncOffline(SyncError):
    """The server could not be reached: the laptop keeps working and keeps its changes."""

    def __init__(self, reason: str, pending: int) -> None:
        self.reason = reason
        self.pending = pending
        waiting = f"{pending} change{'s' if pending != 1 else ''} waiting"
        super().__init__(f"offline: could not reach the server ({reason}); {waiting}")


class SyncRefused(SyncError):
    """The server and the laptop cannot sync as they are (schema, set-up, identity)."""
