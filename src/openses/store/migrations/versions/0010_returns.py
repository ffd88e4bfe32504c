"""Returns (issue 16): bounces and complaints mailed back to the inbound listener.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "returns",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("account_id", sa.String(12), nullable=True),
        sa.Column("region", sa.String(32), nullable=True),
        sa.Column("message_id", sa.String(80), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("mail_from", sa.Text, nullable=False),
        sa.Column("recipients", sa.JSON, nullable=False),
        sa.Column("peer_ip", sa.String(45), nullable=False),
        sa.Column("feedback_ids", sa.JSON, nullable=False),
        sa.Column("raw", sa.LargeBinary, nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_returns_scope_id", "returns", ["account_id", "region", "id"])


def downgrade() -> None:
    op.drop_index("ix_returns_scope_id", table_name="returns")
    op.drop_table("returns")
