"""The SMTP interface's self-signed certificate (issue 16), kept in the database so that every
instance on one database presents the same one.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "smtp_certificates",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("certificate", sa.Text, nullable=False),
        sa.Column("private_key", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("smtp_certificates")
