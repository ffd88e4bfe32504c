"""Identities, templates, account settings, suppression list, messages and the event outbox.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "identities",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("account_id", sa.String(12), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("name", sa.String(320), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("verification_status", sa.String(32), nullable=False),
        sa.Column("configuration_set_name", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("notification_topics", sa.JSON, nullable=False, server_default="{}"),
        sa.Column(
            "feedback_forwarding_enabled", sa.Boolean, nullable=False, server_default=sa.true()
        ),
        sa.Column("headers_in_notifications", sa.JSON, nullable=False, server_default="[]"),
        sa.UniqueConstraint("account_id", "region", "name", name="uq_identities_scope_name"),
    )
    op.create_table(
        "templates",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("account_id", sa.String(12), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("subject", sa.Text, nullable=True),
        sa.Column("text", sa.Text, nullable=True),
        sa.Column("html", sa.Text, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("account_id", "region", "name", name="uq_templates_scope_name"),
    )
    op.create_table(
        "account_settings",
        sa.Column("account_id", sa.String(12), primary_key=True),
        sa.Column("region", sa.String(32), primary_key=True),
        sa.Column("sending_enabled", sa.Boolean, nullable=False),
        sa.Column("suppressed_reasons", sa.JSON, nullable=False),
    )
    op.create_table(
        "suppressed_destinations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("account_id", sa.String(12), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("email_address", sa.String(320), nullable=False),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("message_id", sa.String(64), nullable=True),
        sa.Column("feedback_id", sa.String(128), nullable=True),
        sa.Column("last_update_time", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint(
            "account_id", "region", "email_address", name="uq_suppressed_scope_address"
        ),
    )
    op.create_table(
        "messages",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("message_id", sa.String(80), nullable=False, unique=True),
        sa.Column("account_id", sa.String(12), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("configuration_set", sa.String(64), nullable=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("from_address", sa.String(320), nullable=False),
        sa.Column("recipients", sa.Text, nullable=False),
        sa.Column("destination", sa.JSON, nullable=False),
        sa.Column("subject", sa.Text, nullable=True),
        sa.Column("tags", sa.JSON, nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("raw", sa.LargeBinary, nullable=True),
        sa.Column("mail", sa.JSON, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_messages_scope_id", "messages", ["account_id", "region", "id"])
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("account_id", sa.String(12), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("message_id", sa.String(80), nullable=False),
        sa.Column("configuration_set", sa.String(64), nullable=True),
        sa.Column("event_type", sa.String(32), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_events_message_id", "events", ["message_id"])


def downgrade() -> None:
    op.drop_index("ix_events_message_id", "events")
    op.drop_table("events")
    op.drop_index("ix_messages_scope_id", "messages")
    op.drop_table("messages")
    op.drop_table("suppressed_destinations")
    op.drop_table("account_settings")
    op.drop_table("templates")
    op.drop_table("identities")
