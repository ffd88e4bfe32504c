"""Email receiving (issue 16 §3): receipt rule sets with their rules, IP address filters and
the received messages SendBounce refers to.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "receipt_rule_sets",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("account_id", sa.String(12), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("rules", sa.JSON, nullable=False),
        sa.UniqueConstraint("account_id", "region", "name", name="uq_receipt_rule_sets_scope_name"),
    )
    op.create_table(
        "receipt_filters",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("account_id", sa.String(12), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("policy", sa.String(8), nullable=False),
        sa.Column("cidr", sa.String(64), nullable=False),
        sa.UniqueConstraint("account_id", "region", "name", name="uq_receipt_filters_scope_name"),
    )
    op.create_table(
        "received_messages",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("account_id", sa.String(12), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("message_id", sa.String(64), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("destination", sa.JSON, nullable=False),
        sa.Column("headers", sa.JSON, nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint(
            "account_id", "region", "message_id", name="uq_received_messages_scope_message_id"
        ),
    )


def downgrade() -> None:
    op.drop_table("received_messages")
    op.drop_table("receipt_filters")
    op.drop_table("receipt_rule_sets")
