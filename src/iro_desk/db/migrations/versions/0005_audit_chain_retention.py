"""audit trail append-only and hash chained; legal hold on a child

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 11:00:00

Events already in the trail keep seq 0 and no hashes: they are counted by
``audit verify`` as older than the chain, never rewritten (the point of the trail), and
each device's chain starts at its first event after the upgrade. That start is the
same on the server and on every laptop, whatever events each held at the upgrade.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_GUARDS = (
    "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event BEGIN "
    "SELECT RAISE(ABORT, 'audit_event is append-only: an audit event cannot be changed'); END",
    "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event BEGIN "
    "SELECT RAISE(ABORT, 'audit_event is append-only: an audit event cannot be deleted'); END",
)

# No '%' in the body: the text passes through a driver that reads '%' as a placeholder.
PG_FUNCTION = """
CREATE OR REPLACE FUNCTION iro_desk_audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = 'audit_event is append-only: ' || TG_OP || ' refused',
        ERRCODE = 'insufficient_privilege';
END $$
"""
PG_GUARDS = (
    "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION iro_desk_audit_append_only()",
    "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
    "FOR EACH STATEMENT EXECUTE FUNCTION iro_desk_audit_append_only()",
)


def upgrade() -> None:
    op.add_column("audit_event", sa.Column("seq", sa.Integer(), nullable=False, server_default="0"))
    op.add_column(
        "audit_event",
        sa.Column(
            "prev_hash",
            sqlmodel.sql.sqltypes.AutoString(length=64),
            nullable=False,
            server_default="",
        ),
    )
    op.add_column(
        "audit_event",
        sa.Column(
            "hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False, server_default=""
        ),
    )
    op.create_index("ix_audit_device_seq", "audit_event", ["device", "seq"], unique=False)
    op.create_index("ix_audit_at", "audit_event", ["at"], unique=False)
    op.add_column(
        "child",
        sa.Column("legal_hold", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        for ddl in PG_GUARDS:
            op.execute(ddl)
    else:
        for ddl in SQLITE_GUARDS:
            op.execute(ddl)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS iro_desk_audit_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
    with op.batch_alter_table("child", schema=None) as batch_op:
        batch_op.drop_column("legal_hold")
    op.drop_index("ix_audit_at", table_name="audit_event")
    op.drop_index("ix_audit_device_seq", table_name="audit_event")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("seq")
