"""The outbox rows are publications: ``deliveries`` becomes ``publications``, its
``delivered_at`` column ``published_at``, its status 'delivered' 'published' ("delivery" is
kept for handing mail to a mail server).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    _rename(
        old="deliveries", new="publications", old_column="delivered_at", new_column="published_at"
    )
    op.execute("UPDATE publications SET status = 'published' WHERE status = 'delivered'")


def downgrade() -> None:
    op.execute("UPDATE publications SET status = 'delivered' WHERE status = 'published'")
    _rename(
        old="publications", new="deliveries", old_column="published_at", new_column="delivered_at"
    )


def _rename(*, old: str, new: str, old_column: str, new_column: str) -> None:
    op.drop_index(f"ix_{old}_due", table_name=old)
    op.rename_table(old, new)
    op.alter_column(new, old_column, new_column_name=new_column)
    op.create_index(f"ix_{new}_due", new, ["status", "next_attempt_at"])
    if op.get_bind().dialect.name == "postgresql":
        # PostgreSQL named the primary key and the id sequence after the table.
        op.execute(f"ALTER TABLE {new} RENAME CONSTRAINT {old}_pkey TO {new}_pkey")
        op.execute(f"ALTER SEQUENCE {old}_id_seq RENAME TO {new}_id_seq")
