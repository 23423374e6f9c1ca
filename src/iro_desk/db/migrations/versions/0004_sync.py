"""sync: the laptop's outbox, its state, the shared conflicts, the device on audit events

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 10:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import iro_desk.db.types

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sync_outbox",
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("change_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("table_name", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("row_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("op", sqlmodel.sql.sqltypes.AutoString(length=1), nullable=False),
        sa.Column("old", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("n"),
        sa.UniqueConstraint("change_id"),
    )
    with op.batch_alter_table("sync_outbox", schema=None) as batch_op:
        batch_op.create_index("ix_sync_outbox_row", ["table_name", "row_id"], unique=False)
    op.create_table(
        "sync_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("server_url", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("scope", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("scope_iro", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("cursor", sa.Integer(), nullable=False),
        sa.Column("last_sync", iro_desk.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("server_schema", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "sync_applying",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "sync_conflict",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", iro_desk.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", iro_desk.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("updated_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("table_name", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("row_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("field", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("mine", sa.Text(), nullable=False),
        sa.Column("theirs", sa.Text(), nullable=False),
        sa.Column("mine_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("mine_device", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("theirs_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("theirs_at", iro_desk.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("resolved_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("resolved_at", iro_desk.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("sync_conflict", schema=None) as batch_op:
        batch_op.create_index("ix_sync_conflict_status", ["status"], unique=False)
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "device",
                sqlmodel.sql.sqltypes.AutoString(length=100),
                nullable=False,
                server_default="",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_column("device")
    op.drop_table("sync_conflict")
    op.drop_table("sync_applying")
    op.drop_table("sync_state")
    op.drop_table("sync_outbox")
