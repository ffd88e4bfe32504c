"""Dedicated IP pools, the accounts' changes to the operator's dedicated IPs, and the account's
automatic warm-up switch.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dedicated_ip_pools",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("account_id", sa.String(12), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("scaling_mode", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint(
            "account_id", "region", "name", name="uq_dedicated_ip_pools_scope_name"
        ),
    )
    op.create_table(
        "dedicated_ips",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("account_id", sa.String(12), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("ip", sa.String(45), nullable=False),
        sa.Column("pool_name", sa.String(64), nullable=True),
        sa.Column("warmup_percentage", sa.Integer, nullable=False),
        sa.UniqueConstraint("account_id", "region", "ip", name="uq_dedicated_ips_scope_ip"),
    )
    op.create_table(
        "dedicated_ip_settings",
        sa.Column("account_id", sa.String(12), primary_key=True),
        sa.Column("region", sa.String(32), primary_key=True),
        sa.Column("auto_warmup_enabled", sa.Boolean, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("dedicated_ip_settings")
    op.drop_table("dedicated_ips")
    op.drop_table("dedicated_ip_pools")
