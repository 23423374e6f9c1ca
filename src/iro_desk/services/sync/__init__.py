"""Sync between a laptop's SQLite replica and the unit's PostgreSQL server."""

from iro_desk.services.sync.conflicts import ConflictRow, list_conflicts, resolve_conflict
from iro_desk.services.sync.errors import SyncError, SyncOffline, SyncRefused
from iro_desk.services.sync.run import SCOPES, SyncReport, start_capture, sync_now
from iro_desk.services.sync.server import ServerReport, add_user, init_server
from iro_desk.services.sync.state import SyncStatus, sync_status, without_password

__all__ = [
    "SCOPES",
    "ConflictRow",
    "ServerReport",
    "SyncError",
    "SyncOffline",
    "SyncRefused",
    "SyncReport",
    "SyncStatus",
    "add_user",
    "init_server",
    "list_conflicts",
    "resolve_conflict",
    "start_capture",
    "sync_now",
    "sync_status",
    "without_password",
]
