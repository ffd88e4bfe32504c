"""Sending quotas and the sandbox (issues 17 and 18): the recipients counted per second and
per minute, and each account's production access with its PutAccountDetails.

Revision ID: 0011
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "send_counts",
        sa.Column("account_id", sa.String(12), primary_key=True),
        sa.Column("region", sa.String(32), primary_key=True),
        sa.Column("span", sa.String(8), primary_key=True),
        sa.Column("start", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("recipients", sa.Integer, nullable=False),
    )
    op.create_table(
        "account_access",
        sa.Column("account_id", sa.String(12), primary_key=True),
        sa.Column("region", sa.String(32), primary_key=True),
        sa.Column("production_access", sa.Boolean, nullable=False),
        sa.Column("details", sa.JSON, nullable=True),
        sa.Column("review_status", sa.String(16), nullable=True),
        sa.Column("case_id", sa.String(32), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("account_access")
    op.drop_table("send_counts")
