"""The schema, as SQLAlchemy Core tables. Alembic migrations must produce exactly this."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    true,
)

from openses.store.types import UtcDateTime

metadata = MetaData()

configuration_sets = Table(
    "configuration_sets",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account_id", String(12), nullable=False),
    Column("region", String(32), nullable=False),
    Column("name", String(64), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
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

identities = Table(
    "identities",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account_id", String(12), nullable=False),
    Column("region", String(32), nullable=False),
    Column("name", String(320), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("verification_status", String(32), nullable=False),
    Column("configuration_set_name", String(64), nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    # identity notifications: {"Bounce": topic arn, ...}, forwarding, headers-in-notifications
    Column("notification_topics", JSON, nullable=False, server_default="{}"),
    Column("feedback_forwarding_enabled", Boolean, nullable=False, server_default=true()),
    Column("headers_in_notifications", JSON, nullable=False, server_default="[]"),
    # issue 15: DKIM settings and the custom MAIL FROM domain (domain/signing.py), null: none
    Column("dkim", JSON, nullable=True),
    Column("mail_from", JSON, nullable=True),
    UniqueConstraint("account_id", "region", "name", name="uq_identities_scope_name"),
)

# issue 15: an identity's DKIM private key (Easy DKIM's or BYODKIM's), PKCS#1 PEM. Read only to
# sign and to show the public key; no API returns it.
identity_signing_keys = Table(
    "identity_signing_keys",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "identity_id",
        Integer,
        ForeignKey("identities.id", ondelete="CASCADE"),
        nullable=False,
        unique=True,
    ),
    Column("selector", String(63), nullable=True),
    Column("private_key", Text, nullable=False),
    Column("bits", Integer, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
)

templates = Table(
    "templates",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account_id", String(12), nullable=False),
    Column("region", String(32), nullable=False),
    Column("name", String(64), nullable=False),
    Column("subject", Text, nullable=True),
    Column("text", Text, nullable=True),
    Column("html", Text, nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    UniqueConstraint("account_id", "region", "name", name="uq_templates_scope_name"),
)

account_settings = Table(
    "account_settings",
    metadata,
    Column("account_id", String(12), primary_key=True),
    Column("region", String(32), primary_key=True),
    Column("sending_enabled", Boolean, nullable=False),
    Column("suppressed_reasons", JSON, nullable=False),
)

suppressed_destinations = Table(
    "suppressed_destinations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account_id", String(12), nullable=False),
    Column("region", String(32), nullable=False),
    Column("email_address", String(320), nullable=False),
    Column("reason", String(16), nullable=False),
    Column("message_id", String(64), nullable=True),
    Column("feedback_id", String(128), nullable=True),
    Column("last_update_time", UtcDateTime(), nullable=False),
    UniqueConstraint("account_id", "region", "email_address", name="uq_suppressed_scope_address"),
)

messages = Table(
    "messages",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("message_id", String(80), nullable=False, unique=True),
    Column("account_id", String(12), nullable=False),
    Column("region", String(32), nullable=False),
    Column("configuration_set", String(64), nullable=True),
    Column("source", Text, nullable=False),
    # lower-cased bare address, and ",a@x,b@y," for filtering by recipient
    Column("from_address", String(320), nullable=False),
    Column("recipients", Text, nullable=False),
    Column("destination", JSON, nullable=False),
    Column("subject", Text, nullable=True),
    Column("tags", JSON, nullable=False),
    Column("status", String(32), nullable=False),
    Column("raw", LargeBinary, nullable=True),
    # the events' "mail" object, for events recorded after the send (Open, Click, ...)
    Column("mail", JSON, nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Index("ix_messages_scope_id", "account_id", "region", "id"),
)

# The outbox: every SES event, written in the transaction that caused it.
events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account_id", String(12), nullable=False),
    Column("region", String(32), nullable=False),
    Column("message_id", String(80), nullable=False),
    Column("configuration_set", String(64), nullable=True),
    Column("event_type", String(32), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Index("ix_events_message_id", "message_id"),
    # issue 19: the dashboard's counts over time, per account and region and across them
    Index("ix_events_scope_created", "account_id", "region", "created_at", "event_type"),
    Index("ix_events_created", "created_at", "event_type"),
    Index("ix_events_scope_id", "account_id", "region", "id"),  # newest first, the live stream
)

# One row per (event, destination): what the dispatcher must publish, and how far it got.
publications = Table(
    "publications",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account_id", String(12), nullable=False),
    Column("region", String(32), nullable=False),
    Column("message_id", String(80), nullable=True),
    Column("configuration_set", String(64), nullable=True),
    Column("destination_name", String(64), nullable=True),
    Column("kind", String(32), nullable=False),
    Column("target", JSON, nullable=False),
    Column("payload", JSON, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UtcDateTime(), nullable=False),
    Column("locked_until", UtcDateTime(), nullable=True),
    Column("last_error", Text, nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("published_at", UtcDateTime(), nullable=True),
    Index("ix_publications_due", "status", "next_attempt_at"),
    # issue 19: each event destination's publication status on the dashboard
    Index(
        "ix_publications_destination",
        "account_id",
        "region",
        "configuration_set",
        "destination_name",
        "status",
    ),
)

# Keys that sign tracking links; the newest active one signs, any unretired one verifies.
tracking_keys = Table(
    "tracking_keys",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("secret", String(128), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("retired_at", UtcDateTime(), nullable=True),
)

# -- dedicated IP pools (issue 15) ---------------------------------------------------------------

dedicated_ip_pools = Table(
    "dedicated_ip_pools",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account_id", String(12), nullable=False),
    Column("region", String(32), nullable=False),
    Column("name", String(64), nullable=False),
    Column("scaling_mode", String(16), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    UniqueConstraint("account_id", "region", "name", name="uq_dedicated_ip_pools_scope_name"),
)

# What an account changed about one of the operator's dedicated IPs; an IP without a row is in
# ses-default-dedicated-pool, fully warmed up.
dedicated_ips = Table(
    "dedicated_ips",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account_id", String(12), nullable=False),
    Column("region", String(32), nullable=False),
    Column("ip", String(45), nullable=False),
    # NULL: ses-default-dedicated-pool
    Column("pool_name", String(64), nullable=True),
    Column("warmup_percentage", Integer, nullable=False),
    UniqueConstraint("account_id", "region", "ip", name="uq_dedicated_ips_scope_ip"),
)

dedicated_ip_settings = Table(
    "dedicated_ip_settings",
    metadata,
    Column("account_id", String(12), primary_key=True),
    Column("region", String(32), primary_key=True),
    Column("auto_warmup_enabled", Boolean, nullable=False),
)

# issue 15: the delivery queue, one row per (message, route, recipient domain in mx mode):
# the recipients still to settle, the envelope sender, and how far retrying got.
deliveries = Table(
    "deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account_id", String(12), nullable=False),
    Column("region", String(32), nullable=False),
    Column("message_id", String(80), nullable=False),
    Column("configuration_set", String(64), nullable=True),
    Column("identity", String(320), nullable=False),
    Column("route", String(64), nullable=False),
    Column("domain", String(255), nullable=True),
    Column("mail_from", Text, nullable=False),
    Column("recipients", JSON, nullable=False),
    Column("tls_required", Boolean, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("delayed", Boolean, nullable=False),
    Column("next_attempt_at", UtcDateTime(), nullable=False),
    Column("locked_until", UtcDateTime(), nullable=True),
    Column("first_attempt_at", UtcDateTime(), nullable=True),
    Column("expires_at", UtcDateTime(), nullable=False),
    Column("last_error", Text, nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("settled_at", UtcDateTime(), nullable=True),
    Index("ix_deliveries_due", "status", "next_attempt_at"),
    Index("ix_deliveries_message_id", "message_id"),
)

# -- contact lists (issue 20) ------------------------------------------------------------------

# One list per account and region (AWS's limit): the scope alone is unique.
contact_lists = Table(
    "contact_lists",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account_id", String(12), nullable=False),
    Column("region", String(32), nullable=False),
    Column("name", String(64), nullable=False),
    Column("description", Text, nullable=True),
    Column("topics", JSON, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    UniqueConstraint("account_id", "region", name="uq_contact_lists_scope"),
)

contacts = Table(
    "contacts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "contact_list_id",
        Integer,
        ForeignKey("contact_lists.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("email_address", String(320), nullable=False),
    # [[topic, status], ...] in the order given
    Column("preferences", JSON, nullable=False),
    Column("unsubscribe_all", Boolean, nullable=False),
    Column("attributes_data", Text, nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    UniqueConstraint("contact_list_id", "email_address", name="uq_contacts_list_address"),
)


# The SMTP interface's self-signed certificate, made once and kept so that every instance on
# one database presents the same one (issue 16). One row: its id is always 1.
smtp_certificates = Table(
    "smtp_certificates",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("certificate", Text, nullable=False),  # PEM
    Column("private_key", Text, nullable=False),  # PEM, unencrypted
    Column("created_at", UtcDateTime(), nullable=False),
)
