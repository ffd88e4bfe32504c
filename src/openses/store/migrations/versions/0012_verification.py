"""Custom verification email templates, and a configuration set's MessageSecurityOptions
(issue 20).

Revision ID: 0012
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "custom_verification_email_templates",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("account_id", sa.String(12), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("from_email_address", sa.String(320), nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("success_redirection_url", sa.Text, nullable=False),
        sa.Column("failure_redirection_url", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint(
            "account_id",
            "region",
            "name",
            name="uq_custom_verification_email_templates_scope_name",
        ),
    )
    op.add_column(
        "configuration_sets", sa.Column("message_security_options", sa.JSON, nullable=True)
    )


def downgrade() -> None:
    with op.batch_alter_table("configuration_sets") as batch:
        batch.drop_column("message_security_options")
    op.drop_table("custom_verification_email_templates")
