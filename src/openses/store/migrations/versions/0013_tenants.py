"""Tenants, their resource associations and suppression lists, and the documents kept for
AWS-side features (issue 20: every remaining sesv2 operation).

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tenants",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("account_id", sa.String(12), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("sending_status", sa.String(16), nullable=False),
        sa.Column("status_updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reputation_policy", sa.String(512), nullable=True),
        sa.Column("suppression", sa.JSON, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("account_id", "region", "name", name="uq_tenants_scope_name"),
    )
    op.create_table(
        "tenant_resources",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "tenant_pk",
            sa.Integer,
            sa.ForeignKey("tenants.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("resource_type", sa.String(32), nullable=False),
        sa.Column("resource_arn", sa.String(512), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("tenant_pk", "resource_arn", name="uq_tenant_resources_arn"),
    )
    op.create_index("ix_tenant_resources_arn", "tenant_resources", ["resource_arn"])
    op.create_table(
        "tenant_suppressed_destinations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "tenant_pk",
            sa.Integer,
            sa.ForeignKey("tenants.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("email_address", sa.String(320), nullable=False),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("message_id", sa.String(64), nullable=True),
        sa.Column("feedback_id", sa.String(128), nullable=True),
        sa.Column("last_update_time", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("tenant_pk", "email_address", name="uq_tenant_suppressed_address"),
    )
    op.create_table(
        "tenant_messages",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "tenant_pk",
            sa.Integer,
            sa.ForeignKey("tenants.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("message_id", sa.String(80), nullable=False, unique=True),
    )
    op.create_table(
        "stored_documents",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("account_id", sa.String(12), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("name", sa.String(512), nullable=False),
        sa.Column("document", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("account_id", "region", "kind", "name", name="uq_stored_documents_key"),
    )


def downgrade() -> None:
    op.drop_table("stored_documents")
    op.drop_table("tenant_messages")
    op.drop_table("tenant_suppressed_destinations")
    op.drop_index("ix_tenant_resources_arn", table_name="tenant_resources")
    op.drop_table("tenant_resources")
    op.drop_table("tenants")
