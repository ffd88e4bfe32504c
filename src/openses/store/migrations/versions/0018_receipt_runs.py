"""Received mail kept whole, with how far its receipt rules ran (issue 16): the actions run
from the publications outbox, at least once, after the mail is accepted.

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("received_messages") as batch:
        batch.add_column(sa.Column("content", sa.LargeBinary, nullable=True))
        batch.add_column(sa.Column("progress", sa.JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("received_messages") as batch:
        batch.drop_column("progress")
        batch.drop_column("content")
