"""The schema, as SQLAlchemy Core tables. Alembic migrations must produce exactly this."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

configuration_sets = Table(
    "configuration_sets",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account_id", String(12), nullable=False),
    Column("region", String(32), nullable=False),
    Column("name", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("sending_enabled", Boolean, nullable=False),
    Column("tracking_options", JSON, nullable=True),
    Column("delivery_options", JSON, nullable=False),
    Column("reputation_options", JSON, nullable=False),
    Column("suppression_options", JSON, nullable=True),
    Column("vdm_options", JSON, nullable=True),
    Column("archiving_options", JSON, nullable=True),
    UniqueConstraint("account_id", "region", "name", name="uq_configuration_sets_scope_name"),
)

event_destinations = Table(
    "event_destinations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "configuration_set_id",
        Integer,
        ForeignKey("configuration_sets.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("name", String(64), nullable=False),
    Column("enabled", Boolean, nullable=False),
    Column("matching_event_types", JSON, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("target", JSON, nullable=False),
    UniqueConstraint("configuration_set_id", "name", name="uq_event_destinations_set_name"),
)

resource_tags = Table(
    "resource_tags",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("resource_arn", String(1024), nullable=False),
    Column("key", String(128), nullable=False),
    Column("value", Text, nullable=False),
    UniqueConstraint("resource_arn", "key", name="uq_resource_tags_arn_key"),
)
