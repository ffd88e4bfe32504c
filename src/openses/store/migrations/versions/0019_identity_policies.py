"""Sending authorization policies of email identities (issue 18).

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "identity_policies",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "identity_id",
            sa.Integer,
            sa.ForeignKey("identities.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("document", sa.Text, nullable=False),
        sa.UniqueConstraint("identity_id", "name", name="uq_identity_policies_identity_name"),
    )


def downgrade() -> None:
    op.drop_table("identity_policies")
