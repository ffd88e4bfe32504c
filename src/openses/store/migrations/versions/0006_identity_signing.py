"""Identities that sign and return (issue 15): DKIM settings and the custom MAIL FROM domain on
each identity, and the identities' DKIM private keys in their own table.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("identities", sa.Column("dkim", sa.JSON, nullable=True))
    op.add_column("identities", sa.Column("mail_from", sa.JSON, nullable=True))
    op.create_table(
        "identity_signing_keys",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "identity_id",
            sa.Integer,
            sa.ForeignKey("identities.id", ondelete="CASCADE"),
            nullable=False,
            unique=True,
        ),
        sa.Column("selector", sa.String(63), nullable=True),
        sa.Column("private_key", sa.Text, nullable=False),
        sa.Column("bits", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("identity_signing_keys")
    with op.batch_alter_table("identities") as batch:
        batch.drop_column("mail_from")
        batch.drop_column("dkim")
