"""The schema, as SQLAlchemy Core tables. Alembic migrations must produce exactly this."""

from __future__ import annotations

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


def scoped_table(name: str, *items: SchemaItem) -> Table:
    """A table whose rows belong to one account in one region: an id, the scope, then `items`."""
    return Table(
        name,
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("account_id", String(12), nullable=False),
        Column("region", String(32), nullable=False),
        *items,
    )


def unique_in_scope(table: str, column: str) -> UniqueConstraint:
    """`column` is unique within an account and region."""
    return UniqueConstraint("account_id", "region", column, name=f"uq_{table}_scope_{column}")


configuration_sets = scoped_table(
    "configuration_sets",
    Column("name", String(64), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
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

identities = scoped_table(
    "identities",
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
    unique_in_scope("identities", "name"),
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

# issue 18: sending authorization policies, by name, of an identity (ON DELETE CASCADE)
identity_policies = Table(
    "identity_policies",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "identity_id",
        Integer,
        ForeignKey("identities.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("name", String(64), nullable=False),
    Column("document", Text, nullable=False),
    UniqueConstraint("identity_id", "name", name="uq_identity_policies_identity_name"),
)

templates = scoped_table(
    "templates",
    Column("name", String(64), nullable=False),
    Column("subject", Text, nullable=True),
    Column("text", Text, nullable=True),
    Column("html", Text, nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    unique_in_scope("templates", "name"),
)

account_settings = Table(
    "account_settings",
    metadata,
    Column("account_id", String(12), primary_key=True),
    Column("region", String(32), primary_key=True),
    Column("sending_enabled", Boolean, nullable=False),
    Column("suppressed_reasons", JSON, nullable=False),
)

suppressed_destinations = scoped_table(
    "suppressed_destinations",
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
events = scoped_table(
    "events",
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

dedicated_ip_pools = scoped_table(
    "dedicated_ip_pools",
    Column("name", String(64), nullable=False),
    Column("scaling_mode", String(16), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
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

dedicated_ip_settings = Table(
    "dedicated_ip_settings",
    metadata,
    Column("account_id", String(12), primary_key=True),
    Column("region", String(32), primary_key=True),
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
    Column("created_at", UtcDateTime(), nullable=False),
    Column("settled_at", UtcDateTime(), nullable=True),
    Index("ix_deliveries_due", "status", "next_attempt_at"),
    Index("ix_deliveries_message_id", "message_id"),
)

# -- contact lists (issue 20) ------------------------------------------------------------------

# One list per account and region (AWS's limit): the scope alone is unique.
contact_lists = scoped_table(
    "contact_lists",
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

# Returns (issue 16): every bounce (DSN) and complaint (ARF report) mailed back to openses'
# inbound listener, matched to the message it answers or not (account, region and message id
# null), kept as received.
returns = Table(
    "returns",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
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
    Column("name", String(64), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("rules", JSON, nullable=False),
    unique_in_scope("receipt_rule_sets", "name"),
)

receipt_filters = scoped_table(
    "receipt_filters",
    Column("name", String(64), nullable=False),
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
    Column("name", String(64), nullable=False),
    Column("from_email_address", String(320), nullable=False),
    Column("subject", Text, nullable=False),
    Column("content", Text, nullable=False),
    Column("success_redirection_url", Text, nullable=False),
    Column("failure_redirection_url", Text, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    unique_in_scope("custom_verification_email_templates", "name"),
)

# -- import and export jobs (issue 20) --------------------------------------------------------

# One row per job, processed in the background (services/job_runner.py): a worker leases an
# open job by moving ``locked_until``; a job whose lease ran out (its worker stopped) is
# taken again and started over, which its work allows (PUT and DELETE are idempotent, an export
# rewrites its object).
jobs = Table(
    "jobs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("job_id", String(64), nullable=False, unique=True),
    Column("account_id", String(12), nullable=False),
    Column("region", String(32), nullable=False),
    Column("kind", String(16), nullable=False),  # IMPORT | EXPORT
    Column("status", String(16), nullable=False),
    Column("source", JSON, nullable=False),
    Column("destination", JSON, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
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
    Column("name", String(64), nullable=False),
    Column("tenant_id", String(64), nullable=False),
    Column("sending_status", String(16), nullable=False),
    Column("status_updated_at", UtcDateTime(), nullable=False),
    Column("reputation_policy", String(512), nullable=True),
    Column("suppression", JSON, nullable=True),  # TenantSuppressionAttributes, as sent
    Column("created_at", UtcDateTime(), nullable=False),
    unique_in_scope("tenants", "name"),
)
tenant_resources = Table(
    "tenant_resources",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("tenant_pk", Integer, ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    Column("resource_type", String(32), nullable=False),
    Column("resource_arn", String(512), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    UniqueConstraint("tenant_pk", "resource_arn", name="uq_tenant_resources_arn"),
    Index("ix_tenant_resources_arn", "resource_arn"),
)
# The suppression list of a tenant whose SuppressionScope is TENANT (the account's list is
# suppressed_destinations).
tenant_suppressed_destinations = Table(
    "tenant_suppressed_destinations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("tenant_pk", Integer, ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    Column("email_address", String(320), nullable=False),
    Column("reason", String(16), nullable=False),
    Column("message_id", String(64), nullable=True),
    Column("feedback_id", String(128), nullable=True),
    Column("last_update_time", UtcDateTime(), nullable=False),
    UniqueConstraint("tenant_pk", "email_address", name="uq_tenant_suppressed_address"),
)
# The messages sent on behalf of a tenant, so that a later bounce reaches the tenant's list.
tenant_messages = Table(
    "tenant_messages",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("tenant_pk", Integer, ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    Column("message_id", String(80), nullable=False, unique=True),
)

# What openses keeps for features that need AWS's own infrastructure (multi-region endpoints,
# the deliverability dashboard and its test reports, S/MIME certificates, account delivery and
# pricing attributes): one JSON document per (kind, name), stored and returned as sent.
stored_documents = scoped_table(
    "stored_documents",
    Column("kind", String(64), nullable=False),
    Column("name", String(512), nullable=False),
    Column("document", JSON, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
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
    Column("created_at", UtcDateTime(), nullable=False),
)

# Issue 17/18, quotas: recipients counted per account, region and second ("second") or minute
# ("minute"), the counters the send rate and the 24-hour quota are enforced against. Rows
# older than a day go as new ones come (store/quotas.py).
send_counts = Table(
    "send_counts",
    metadata,
    Column("account_id", String(12), primary_key=True),
    Column("region", String(32), primary_key=True),
    Column("span", String(8), primary_key=True),
    Column("start", BigInteger, primary_key=True, autoincrement=False),  # epoch seconds
    Column("recipients", Integer, nullable=False),
)

# The sandbox: whether an account has production access (`openses account grant-production`),
# and the details of PutAccountDetails, as GetAccount returns them.
account_access = Table(
    "account_access",
    metadata,
    Column("account_id", String(12), primary_key=True),
    Column("region", String(32), primary_key=True),
    Column("production_access", Boolean, nullable=False),
    Column("details", JSON, nullable=True),
    Column("review_status", String(16), nullable=True),
    Column("case_id", String(32), nullable=True),
)
# The rollup of event counts (store/statistics.py): written with the events, read by the
# statistics operations and the reputation job. "" is no configuration set (or identity).
event_counts = Table(
    "event_counts",
    metadata,
    Column("account_id", String(12), primary_key=True),
    Column("region", String(32), primary_key=True),
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
reputation_states = Table(
    "reputation_states",
    metadata,
    Column("account_id", String(12), primary_key=True),
    Column("region", String(32), primary_key=True),
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
account_vdm_attributes = Table(
    "account_vdm_attributes",
    metadata,
    Column("account_id", String(12), primary_key=True),
    Column("region", String(32), primary_key=True),
    Column("attributes", JSON, nullable=False),
)
