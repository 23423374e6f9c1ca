"""IRO names unique ignoring case

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 12:00:00

Child references and rota days were already unique in the database (0001); IRO names
were unique only as typed, so two desks adding "Ann Example" and "ann example" at the
same moment made two IROs. Existing names that clash are not merged or dropped: the
upgrade stops and says which, so someone who knows the people can rename one.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from iro_desk.db.migrate import MigrationRefused

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _case_clashes() -> list[str]:
    rows = op.get_bind().execute(
        sa.text(
            "SELECT name FROM iro WHERE lower(name) IN "
            "(SELECT lower(name) FROM iro GROUP BY lower(name) HAVING count(*) > 1) "
            "ORDER BY lower(name), name"
        )
    )
    return [row.name for row in rows]


def upgrade() -> None:
    clashes = _case_clashes()
    if clashes:
        raise MigrationRefused(
            "cannot make IRO names unique ignoring case: these differ only in case: "
            + ", ".join(repr(n) for n in clashes)
            + "; rename one of each (an older IRO Desk can still open the database)"
        )
    with op.batch_alter_table("iro", schema=None) as batch_op:
        batch_op.create_index("uq_iro_name_lower", [sa.func.lower(sa.column("name"))], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("iro", schema=None) as batch_op:
        batch_op.drop_index("uq_iro_name_lower")
