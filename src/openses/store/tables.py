"""The schema, as SQLAlchemy Core tables. Alembic migrations must produce exactly this."""

from __future__ import annotations

import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.schema import SchemaItem

from openses.store.types import UtcDateTime

metadata = MetaData()


def keyed_table(name: str, *items: SchemaItem) -> Table:
    """A table whose rows are named by an autoincrementing integer `id`, then `items`."""
    return Table(
        name, metadata, Column("id", Integer, primary_key=True, autoincrement=True), *items
    )


def scope_columns() -> tuple[Column[str], Column[str]]:
    """The account and region a row belongs to (fresh columns for each table)."""
    return (
        Column("account_id", String(12), nullable=False),
        Column("region", String(32), nullable=False),
    )


def scoped_table(name: str, *items: SchemaItem) -> Table:
    """A table whose rows belong to one account in one region: an id, the scope, then `items`."""
    return keyed_table(name, *scope_columns(), *items)


def per_scope_table(name: str, *items: SchemaItem) -> Table:
    """A table keyed by account and region (and by `items`' own primary-key columns, if any)."""
    return Table(
        name,
        metadata,
        Column("account_id", String(12), primary_key=True),
        Column("region", String(32), primary_key=True),
        *items,
    )


def unique_in_scope(table: str, column: str) -> UniqueConstraint:
    """`column` is unique within an account and region."""
    return UniqueConstraint("account_id", "region", column, name=f"uq_{table}_scope_{column}")


def name_column(length: int = 64) -> Column[str]:
    """A resource's name, required."""
    return Column("name", String(length), nullable=False)


def created_at() -> Column[datetime.datetime]:
    """When the row was made, required."""
    return Column("created_at", UtcDateTime(), nullable=False)


def timestamps() -> tuple[Column[datetime.datetime], Column[datetime.datetime]]:
    """`created_at` and `updated_at`, both required."""
    return created_at(), Column("updated_at", UtcDateTime(), nullable=False)


def parent_key(column: str, parent: str, *, unique: bool | None = None) -> Column[int]:
    """The required id of the `parent` row this row belongs to, deleted with it."""
    return Column(
        column,
        Integer,
        ForeignKey(f"{parent}.id", ondelete="CASCADE"),
        nullable=False,
        unique=unique,
    )


def suppression_columns() -> tuple[Column[Any], ...]:
    """A suppression list's entry: the address, why, and the message and feedback behind it."""
    return (
        Column("email_address", String(320), nullable=False),
        Column("reason", String(16), nullable=False),
        Column("message_id", String(64), nullable=True),
        Column("feedback_id", String(128), nullable=True),
        Column("last_update_time", UtcDateTime(), nullable=False),
    )


configuration_sets = scoped_table(
    "configuration_sets",
    name_column(),
    created_at(),
    Column("sending_enabled", Boolean, nullable=False),
    Column("tracking_options", JSON, nullable=True),
    Column("delivery_options", JSON, nullable=False),
    Column("reputation_options", JSON, nullable=False),
    Column("suppression_options", JSON, nullable=True),
    Column("vdm_options", JSON, nullable=True),
    Column("archiving_options", JSON, nullable=True),
    Column("message_security_options", JSON, nullable=True),  # issue 20
    unique_in_scope("configuration_sets", "name"),
)

event_destinations = keyed_table(
    "event_destinations",
    parent_key("configuration_set_id", "configuration_sets"),
    name_column(),
    Column("enabled", Boolean, nullable=False),
    Column("matching_event_types", JSON, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("target", JSON, nullable=False),
    UniqueConstraint("configuration_set_id", "name", name="uq_event_destinations_set_name"),
)

resource_tags = keyed_table(
    "resource_tags",
    Column("resource_arn", String(1024), nullable=False),
    Column("key", String(128), nullable=False),
    Column("value", Text, nullable=False),
    UniqueConstraint("resource_arn", "key", name="uq_resource_tags_arn_key"),
)

identities = scoped_table(
    "identities",
    Column("name", String(320), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("verification_status", String(32), nullable=False),
    Column("configuration_set_name", String(64), nullable=True),
    created_at(),
    # identity notifications: {"Bounce": topic arn, ...}, forwarding, headers-in-notifications
    Column("notification_topics", JSON, nullable=False, server_default="{}"),
    Column("feedback_forwarding_enabled", Boolean, nullable=False, server_default=true()),
    Column("headers_in_notifications", JSON, nullable=False, server_default="[]"),
    # issue 15: DKIM settings and the custom MAIL FROM domain (domain/signing.py), null: none
    Column("dkim", JSON, nullable=True),
    Column("mail_from", JSON, nullable=True),
    unique_in_scope("identities", "name"),
)

# issue 15: an identity's DKIM private key (Easy DKIM's or BYODKIM's), PKCS#1 PEM. Read only to
# sign and to show the public key; no API returns it.
identity_signing_keys = keyed_table(
    "identity_signing_keys",
    parent_key("identity_id", "identities", unique=True),
    Column("selector", String(63), nullable=True),
    Column("private_key", Text, nullable=False),
    Column("bits", Integer, nullable=False),
    created_at(),
)

# issue 18: sending authorization policies, by name, of an identity (ON DELETE CASCADE)
identity_policies = keyed_table(
    "identity_policies",
    parent_key("identity_id", "identities"),
    name_column(),
    Column("document", Text, nullable=False),
    UniqueConstraint("identity_id", "name", name="uq_identity_policies_identity_name"),
)

templates = scoped_table(
    "templates",
    name_column(),
    Column("subject", Text, nullable=True),
    Column("text", Text, nullable=True),
    Column("html", Text, nullable=True),
    created_at(),
    unique_in_scope("templates", "name"),
)

account_settings = per_scope_table(
    "account_settings",
    Column("sending_enabled", Boolean, nullable=False),
    Column("suppressed_reasons", JSON, nullable=False),
)

suppressed_destinations = scoped_table(
    "suppressed_destinations",
    *suppression_columns(),
    UniqueConstraint("account_id", "region", "email_address", name="uq_suppressed_scope_address"),
)

messages = keyed_table(
    "messages",
    Column("message_id", String(80), nullable=False, unique=True),
    *scope_columns(),
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
    created_at(),
    Index("ix_messages_scope_id", "account_id", "region", "id"),
)

# The outbox: every SES event, written in the transaction that caused it.
events = scoped_table(
    "events",
    Column("message_id", String(80), nullable=False),
    Column("configuration_set", String(64), nullable=True),
    Column("event_type", String(32), nullable=False),
    Column("payload", JSON, nullable=False),
    created_at(),
    Index("ix_events_message_id", "message_id"),
    # issue 19: the dashboard's counts over time, per account and region and across them
    Index("ix_events_scope_created", "account_id", "region", "created_at", "event_type"),
    Index("ix_events_created", "created_at", "event_type"),
    Index("ix_events_scope_id", "account_id", "region", "id"),  # newest first, the live stream
)

# One row per (event, destination): what the dispatcher must publish, and how far it got.
publications = scoped_table(
    "publications",
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
    created_at(),
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
tracking_keys = keyed_table(
    "tracking_keys",
    Column("secret", String(128), nullable=False),
    created_at(),
    Column("retired_at", UtcDateTime(), nullable=True),
)

# -- dedicated IP pools (issue 15) ---------------------------------------------------------------

dedicated_ip_pools = scoped_table(
    "dedicated_ip_pools",
    name_column(),
    Column("scaling_mode", String(16), nullable=False),
    created_at(),
    unique_in_scope("dedicated_ip_pools", "name"),
)

# What an account changed about one of the operator's dedicated IPs; an IP without a row is in
# ses-default-dedicated-pool, fully warmed up.
dedicated_ips = scoped_table(
    "dedicated_ips",
    Column("ip", String(45), nullable=False),
    # NULL: ses-default-dedicated-pool
    Column("pool_name", String(64), nullable=True),
    Column("warmup_percentage", Integer, nullable=False),
    unique_in_scope("dedicated_ips", "ip"),
)

dedicated_ip_settings = per_scope_table(
    "dedicated_ip_settings",
    Column("auto_warmup_enabled", Boolean, nullable=False),
)

# issue 15: the delivery queue, one row per (message, route, recipient domain in mx mode):
# the recipients still to settle, the envelope sender, and how far retrying got.
deliveries = scoped_table(
    "deliveries",
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
    created_at(),
    Column("settled_at", UtcDateTime(), nullable=True),
    Index("ix_deliveries_due", "status", "next_attempt_at"),
    Index("ix_deliveries_message_id", "message_id"),
)

# -- contact lists (issue 20) ------------------------------------------------------------------

# One list per account and region (AWS's limit): the scope alone is unique.
contact_lists = scoped_table(
    "contact_lists",
    name_column(),
    Column("description", Text, nullable=True),
    Column("topics", JSON, nullable=False),
    *timestamps(),
    UniqueConstraint("account_id", "region", name="uq_contact_lists_scope"),
)

contacts = keyed_table(
    "contacts",
    parent_key("contact_list_id", "contact_lists"),
    Column("email_address", String(320), nullable=False),
    # [[topic, status], ...] in the order given
    Column("preferences", JSON, nullable=False),
    Column("unsubscribe_all", Boolean, nullable=False),
    Column("attributes_data", Text, nullable=True),
    *timestamps(),
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
    created_at(),
)

# Returns (issue 16): every bounce (DSN) and complaint (ARF report) mailed back to openses'
# inbound listener, matched to the message it answers or not (account, region and message id
# null), kept as received.
returns = keyed_table(
    "returns",
    Column("account_id", String(12), nullable=True),
    Column("region", String(32), nullable=True),
    Column("message_id", String(80), nullable=True),
    Column("kind", String(16), nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("mail_from", Text, nullable=False),
    Column("recipients", JSON, nullable=False),
    Column("peer_ip", String(45), nullable=False),
    Column("feedback_ids", JSON, nullable=False),
    Column("raw", LargeBinary, nullable=False),
    Column("received_at", UtcDateTime(), nullable=False),
    Index("ix_returns_scope_id", "account_id", "region", "id"),
)

# -- email receiving (issue 16 §3) -------------------------------------------------------------

# A rule set with its rules in order, as one JSON list ([{ReceiptRule as the wire has it}]):
# every change to a set's rules rewrites the list in one statement. At most one set per
# account and region is active.
receipt_rule_sets = scoped_table(
    "receipt_rule_sets",
    name_column(),
    created_at(),
    Column("active", Boolean, nullable=False),
    Column("rules", JSON, nullable=False),
    unique_in_scope("receipt_rule_sets", "name"),
)

receipt_filters = scoped_table(
    "receipt_filters",
    name_column(),
    Column("policy", String(8), nullable=False),
    Column("cidr", String(64), nullable=False),
    unique_in_scope("receipt_filters", "name"),
)

# Mail received on the inbound listener, kept for SendBounce (which names one by its id).
received_messages = scoped_table(
    "received_messages",
    Column("message_id", String(64), nullable=False),
    Column("source", Text, nullable=False),  # MAIL FROM, as long as a client sends it
    Column("destination", JSON, nullable=False),
    Column("headers", JSON, nullable=False),  # [[name, value], ...]
    Column("received_at", UtcDateTime(), nullable=False),
    # issue 16: the mail as the rules run it (trace headers added), and how far they got
    # ({"rule": i, "action": j, "headers": [...], "ran": [...], "done": bool}); null: none
    Column("content", LargeBinary, nullable=True),
    Column("progress", JSON, nullable=True),
    unique_in_scope("received_messages", "message_id"),
)

# -- custom verification email templates (issue 20) -----------------------------------------

custom_verification_email_templates = scoped_table(
    "custom_verification_email_templates",
    name_column(),
    Column("from_email_address", String(320), nullable=False),
    Column("subject", Text, nullable=False),
    Column("content", Text, nullable=False),
    Column("success_redirection_url", Text, nullable=False),
    Column("failure_redirection_url", Text, nullable=False),
    created_at(),
    unique_in_scope("custom_verification_email_templates", "name"),
)

# -- import and export jobs (issue 20) --------------------------------------------------------

# One row per job, processed in the background (services/job_runner.py): a worker leases an
# open job by moving ``locked_until``; a job whose lease ran out (its worker stopped) is
# taken again and started over, which its work allows (PUT and DELETE are idempotent, an export
# rewrites its object).
jobs = keyed_table(
    "jobs",
    Column("job_id", String(64), nullable=False, unique=True),
    *scope_columns(),
    Column("kind", String(16), nullable=False),  # IMPORT | EXPORT
    Column("status", String(16), nullable=False),
    Column("source", JSON, nullable=False),
    Column("destination", JSON, nullable=False),
    created_at(),
    Column("completed_at", UtcDateTime(), nullable=True),
    Column("processed_records", Integer, nullable=False),
    Column("failed_records", Integer, nullable=False),  # import: failed, export: exported
    Column("result", JSON, nullable=True),  # the failed-records or export object, an error
    Column("locked_until", UtcDateTime(), nullable=True),
    Index("ix_jobs_scope_kind", "account_id", "region", "kind", "id"),
    Index("ix_jobs_status", "status"),
)

# Tenants (issue 20): a tenant names the resources it may send with; its customer-managed
# status and reputation policy are its reputation entity's (GetReputationEntity).
tenants = scoped_table(
    "tenants",
    name_column(),
    Column("tenant_id", String(64), nullable=False),
    Column("sending_status", String(16), nullable=False),
    Column("status_updated_at", UtcDateTime(), nullable=False),
    Column("reputation_policy", String(512), nullable=True),
    Column("suppression", JSON, nullable=True),  # TenantSuppressionAttributes, as sent
    created_at(),
    unique_in_scope("tenants", "name"),
)
tenant_resources = keyed_table(
    "tenant_resources",
    parent_key("tenant_pk", "tenants"),
    Column("resource_type", String(32), nullable=False),
    Column("resource_arn", String(512), nullable=False),
    created_at(),
    UniqueConstraint("tenant_pk", "resource_arn", name="uq_tenant_resources_arn"),
    Index("ix_tenant_resources_arn", "resource_arn"),
)
# The suppression list of a tenant whose SuppressionScope is TENANT (the account's list is
# suppressed_destinations).
tenant_suppressed_destinations = keyed_table(
    "tenant_suppressed_destinations",
    parent_key("tenant_pk", "tenants"),
    *suppression_columns(),
    UniqueConstraint("tenant_pk", "email_address", name="uq_tenant_suppressed_address"),
)
# The messages sent on behalf of a tenant, so that a later bounce reaches the tenant's list.
tenant_messages = keyed_table(
    "tenant_messages",
    parent_key("tenant_pk", "tenants"),
    Column("message_id", String(80), nullable=False, unique=True),
)

# What openses keeps for features that need AWS's own infrastructure (multi-region endpoints,
# the deliverability dashboard and its test reports, S/MIME certificates, account delivery and
# pricing attributes): one JSON document per (kind, name), stored and returned as sent.
stored_documents = scoped_table(
    "stored_documents",
    Column("kind", String(64), nullable=False),
    name_column(512),
    Column("document", JSON, nullable=False),
    *timestamps(),
    UniqueConstraint("account_id", "region", "kind", "name", name="uq_stored_documents_key"),
)

# Access keys (issue 18): the key id, its account, and its secret encrypted with a key kept
# outside the database (services/secret_box.py), so that a dump alone cannot sign requests.
access_keys = Table(
    "access_keys",
    metadata,
    Column("access_key_id", String(128), primary_key=True),
    Column("account_id", String(12), nullable=False),
    Column("user_name", String(64), nullable=True),
    Column("encrypted_secret", Text, nullable=False),
    Column("status", String(16), nullable=False),
    # [{"PolicyName": ..., "PolicyDocument": {...}}, ...] in the order attached
    Column("policies", JSON, nullable=False),
    created_at(),
)

# Issue 17/18, quotas: recipients counted per account, region and second ("second") or minute
# ("minute"), the counters the send rate and the 24-hour quota are enforced against. Rows
# older than a day go as new ones come (store/quotas.py).
send_counts = per_scope_table(
    "send_counts",
    Column("span", String(8), primary_key=True),
    Column("start", BigInteger, primary_key=True, autoincrement=False),  # epoch seconds
    Column("recipients", Integer, nullable=False),
)

# The sandbox: whether an account has production access (`openses account grant-production`),
# and the details of PutAccountDetails, as GetAccount returns them.
account_access = per_scope_table(
    "account_access",
    Column("production_access", Boolean, nullable=False),
    Column("details", JSON, nullable=True),
    Column("review_status", String(16), nullable=True),
    Column("case_id", String(32), nullable=True),
)
# The rollup of event counts (store/statistics.py): written with the events, read by the
# statistics operations and the reputation job. "" is no configuration set (or identity).
event_counts = per_scope_table(
    "event_counts",
    Column("interval_start", UtcDateTime(), primary_key=True),
    Column("configuration_set", String(64), primary_key=True),
    Column("identity", String(320), primary_key=True),
    Column("isp", String(32), primary_key=True),
    Column("counter", String(32), primary_key=True),
    Column("simulator", Boolean, primary_key=True),
    # PostgreSQL writers spread over a few rows per counter, so that concurrent sends do not
    # queue for one row's lock (store/statistics.py); SQLite writes one at a time: shard 0
    Column("shard", SmallInteger, primary_key=True),
    Column("count", BigInteger, nullable=False),
)

# What the reputation job last found per account and region ("") and configuration set.
reputation_states = per_scope_table(
    "reputation_states",
    Column("configuration_set", String(64), primary_key=True),
    Column("status", String(16), nullable=False),
    Column("sends", BigInteger, nullable=False),
    Column("bounces", BigInteger, nullable=False),
    Column("complaints", BigInteger, nullable=False),
    Column("bounce_rate", Float, nullable=True),
    Column("complaint_rate", Float, nullable=True),
    Column("sending_paused", Boolean, nullable=False),
    Column("paused_at", UtcDateTime(), nullable=True),
    Column("evaluated_at", UtcDateTime(), nullable=False),
)

# PutAccountVdmAttributes' VdmAttributes, as given, per account and region.
account_vdm_attributes = per_scope_table(
    "account_vdm_attributes",
    Column("attributes", JSON, nullable=False),
)
