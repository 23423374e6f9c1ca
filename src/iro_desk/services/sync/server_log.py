"""The server-only tables of sync, as Core tables (made by ``server init``, not Alembic)."""

from __future__ import annotations

from sqlalchemy import CHAR, BigInteger, Column, DateTime, MetaData, String, Table, Uuid

# Kept apart from the models' metadata: these exist on the server only.
server_metadata = MetaData()

SYNC_CHANGE = Table(
    "sync_change",
    server_metadata,
    Column("seq", BigInteger, primary_key=True),
    Column("table_name", String),
    Column("row_id", Uuid),
    Column("op", CHAR(1)),
    Column("pushed_by", String),
    Column("device", String),
    Column("at", DateTime(timezone=True)),
)

SYNC_APPLIED = Table(
    "sync_applied",
    server_metadata,
    Column("change_id", CHAR(32), primary_key=True),
    Column("applied_at", DateTime(timezone=True)),
)
