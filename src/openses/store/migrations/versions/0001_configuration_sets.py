"""Configuration sets, their event destinations, and resource tags.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "configuration_sets",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("account_id", sa.String(12), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sending_enabled", sa.Boolean, nullable=False),
        sa.Column("tracking_options", sa.JSON, nullable=True),
        sa.Column("delivery_options", sa.JSON, nullable=False),
        sa.Column("reputation_options", sa.JSON, nullable=False),
        sa.Column("suppression_options", sa.JSON, nullable=True),
        sa.Column("vdm_options", sa.JSON, nullable=True),
        sa.Column("archiving_options", sa.JSON, nullable=True),
        sa.UniqueConstraint(
            "account_id", "region", "name", name="uq_configuration_sets_scope_name"
        ),
    )
    op.create_table(
        "event_destinations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "configuration_set_id",
            sa.Integer,
            sa.ForeignKey("configuration_sets.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("matching_event_types", sa.JSON, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("target", sa.JSON, nullable=False),
        sa.UniqueConstraint("configuration_set_id", "name", name="uq_event_destinations_set_name"),
    )
    op.create_table(
        "resource_tags",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("resource_arn", sa.String(1024), nullable=False),
        sa.Column("key", sa.String(128), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.UniqueConstraint("resource_arn", "key", name="uq_resource_tags_arn_key"),
    )


def downgrade() -> None:
    op.drop_table("resource_tags")
    op.drop_table("event_destinations")
    op.drop_table("configuration_sets")
