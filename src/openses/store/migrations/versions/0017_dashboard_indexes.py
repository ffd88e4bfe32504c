"""Indexes for the dashboard (issue 19): event counts per account and region over time (and
across accounts for the operator), an account's newest events (the live stream, a set's
page), and each event destination's publication status.

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_events_scope_created", "events", ["account_id", "region", "created_at", "event_type"]
    )
    op.create_index("ix_events_created", "events", ["created_at", "event_type"])
    op.create_index("ix_events_scope_id", "events", ["account_id", "region", "id"])
    op.create_index(
        "ix_publications_destination",
        "publications",
        ["account_id", "region", "configuration_set", "destination_name", "status"],
    )


def downgrade() -> None:
    op.drop_index("ix_publications_destination", "publications")
    op.drop_index("ix_events_scope_id", "events")
    op.drop_index("ix_events_created", "events")
    op.drop_index("ix_events_scope_created", "events")
