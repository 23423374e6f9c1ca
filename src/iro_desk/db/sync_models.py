"""Tables for syncing a laptop's replica with the unit's PostgreSQL server.

The first three live on the laptop only: what it has not yet sent (``sync_outbox``,
filled by triggers so no write can slip past), where it is (``sync_state``) and a flag
that silences those triggers while the laptop applies what it pulled
(``sync_applying``). ``sync_conflict`` is shared: a clash found on the server is a
record the whole unit sees and any IRO can settle. The server's own change log and
its record of applied changes are made by ``server init`` (db/sync_ddl.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Text
from sqlmodel import Field, SQLModel

from iro_desk.db.models import Record
from iro_desk.db.types import UTCDateTime


class SyncOutbox(SQLModel, table=True):
    """One local change not yet on the server, in the order it was made."""

    __tablename__ = "sync_outbox"
    __table_args__ = (Index("ix_sync_outbox_row", "table_name", "row_id"),)
    n: int | None = Field(default=None, primary_key=True)
    change_id: str = Field(max_length=32, unique=True)
    table_name: str = Field(max_length=40)
    row_id: str = Field(max_length=32)
    op: str = Field(max_length=1)  # I, U or D
    # The row as it was before this change (JSON), the base of a three-way merge.
    old: str | None = Field(default=None, sa_type=Text)


class SyncState(SQLModel, table=True):
    """The one row that says which server this replica follows and how far it has read."""

    __tablename__ = "sync_state"
    id: int = Field(default=1, primary_key=True)
    server_url: str | None = Field(default=None, max_length=500)
    scope: str = Field(default="unit", max_length=10)
    scope_iro: str | None = Field(default=None, max_length=100)
    cursor: int = Field(default=0)
    last_sync: datetime | None = Field(default=None, sa_type=UTCDateTime)
    server_schema: str | None = Field(default=None, max_length=32)


class SyncApplying(SQLModel, table=True):
    """Holds a row only inside the transaction that applies pulled changes."""

    __tablename__ = "sync_applying"
    id: int = Field(default=1, primary_key=True)


class SyncConflict(Record, table=True):
    """Two people changed the same field: the server's value stayed, the other is kept here."""

    __tablename__ = "sync_conflict"
    __table_args__ = (Index("ix_sync_conflict_status", "status"),)
    table_name: str = Field(max_length=40)
    row_id: str = Field(max_length=36)
    field: str = Field(max_length=60)
    mine: str = Field(default="", sa_type=Text)  # JSON of the value that did not land
    theirs: str = Field(default="", sa_type=Text)  # JSON of the value the server kept
    mine_by: str = Field(default="", max_length=100)
    mine_device: str = Field(default="", max_length=100)
    theirs_by: str = Field(default="", max_length=100)
    theirs_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    status: str = Field(default="open", max_length=12)  # open, kept_mine, kept_theirs
    resolved_by: str = Field(default="", max_length=100)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
