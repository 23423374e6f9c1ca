"""903 import findings; MOTHER, MC_DOB and the UPN reason code on a child

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 13:20:00

A unit's server that already logs changes for sync gets the change trigger on the new
table here, so findings reach the laptops without re-running ``server setup``.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import iro_desk.db.types

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STAMP = iro_desk.db.types.UTCDateTime(timezone=True)


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    with op.batch_alter_table("child", schema=None) as batch_op:
        batch_op.add_column(sa.Column("upn_reason", _text(3), nullable=True))
        batch_op.add_column(sa.Column("mother", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("mc_dob", sa.Date(), nullable=True))
    op.create_table(
        "import_finding",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", _STAMP, nullable=False),
        sa.Column("updated_at", _STAMP, nullable=False),
        sa.Column("created_by", _text(100), nullable=False),
        sa.Column("updated_by", _text(100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("source", _text(20), nullable=False),
        sa.Column("kind", _text(10), nullable=False),
        sa.Column("rule", _text(20), nullable=False),
        sa.Column("child_ref", _text(40), nullable=False),
        sa.Column("child_id", sa.Uuid(), nullable=True),
        sa.Column("file", _text(40), nullable=False),
        sa.Column("line", sa.Integer(), nullable=True),
        sa.Column("field", _text(40), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=True),
        sa.Column("cleared_at", _STAMP, nullable=True),
        sa.ForeignKeyConstraint(["child_id"], ["child.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("import_finding", schema=None) as batch_op:
        batch_op.create_index("ix_import_finding_ref", ["child_ref", "cleared_at"], unique=False)
        batch_op.create_index("ix_import_finding_rule", ["rule", "cleared_at"], unique=False)
    bind = op.get_bind()
    if (
        bind.dialect.name == "postgresql"
        and bind.execute(sa.text("SELECT to_regclass('sync_change') IS NOT NULL")).scalar()
    ):
        op.execute(
            'CREATE TRIGGER iro_desk_sync AFTER INSERT OR UPDATE OR DELETE ON "import_finding" '
            "FOR EACH ROW EXECUTE FUNCTION iro_desk_log_change()"
        )
        op.execute(
            "DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'iro_desk_user') "
            'THEN GRANT SELECT, INSERT, UPDATE, DELETE ON "import_finding" TO iro_desk_user; '
            "END IF; END $$"
        )


def downgrade() -> None:
    with op.batch_alter_table("import_finding", schema=None) as batch_op:
        batch_op.drop_index("ix_import_finding_rule")
        batch_op.drop_index("ix_import_finding_ref")
    op.drop_table("import_finding")
    with op.batch_alter_table("child", schema=None) as batch_op:
        batch_op.drop_column("mc_dob")
        batch_op.drop_column("mother")
        batch_op.drop_column("upn_reason")
