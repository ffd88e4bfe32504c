"""Reputation and statistics (issue 17): the rollup of event counts, the reputation states and
the account's VDM attributes.

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_counts",
        sa.Column("account_id", sa.String(12), primary_key=True),
        sa.Column("region", sa.String(32), primary_key=True),
        sa.Column("interval_start", sa.DateTime(timezone=True), primary_key=True),
        sa.Column("configuration_set", sa.String(64), primary_key=True),
        sa.Column("identity", sa.String(320), primary_key=True),
        sa.Column("isp", sa.String(32), primary_key=True),
        sa.Column("counter", sa.String(32), primary_key=True),
        sa.Column("simulator", sa.Boolean, primary_key=True),
        sa.Column("shard", sa.SmallInteger, primary_key=True),
        sa.Column("count", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "reputation_states",
        sa.Column("account_id", sa.String(12), primary_key=True),
        sa.Column("region", sa.String(32), primary_key=True),
        sa.Column("configuration_set", sa.String(64), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("sends", sa.BigInteger, nullable=False),
        sa.Column("bounces", sa.BigInteger, nullable=False),
        sa.Column("complaints", sa.BigInteger, nullable=False),
        sa.Column("bounce_rate", sa.Float, nullable=True),
        sa.Column("complaint_rate", sa.Float, nullable=True),
        sa.Column("sending_paused", sa.Boolean, nullable=False),
        sa.Column("paused_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("evaluated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "account_vdm_attributes",
        sa.Column("account_id", sa.String(12), primary_key=True),
        sa.Column("region", sa.String(32), primary_key=True),
        sa.Column("attributes", sa.JSON, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("account_vdm_attributes")
    op.drop_table("reputation_states")
    op.drop_table("event_counts")
