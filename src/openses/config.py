"""One frozen Settings object, read from flags and ``OPENSES_*`` environment variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

DEFAULT_ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "us-east-1"


@dataclass(frozen=True, slots=True, kw_only=True)
class PublishSettings:
    """How the dispatcher retries: exponential backoff with jitter, then a dead letter."""

    max_attempts: int = 10
    max_age_seconds: float = 86_400.0
    backoff_base_seconds: float = 1.0
    backoff_max_seconds: float = 300.0
    lease_seconds: float = 60.0
    poll_seconds: float = 0.5
    batch_size: int = 500
    timeout_seconds: float = 10.0


# --- issue 15: delivering mail (OPENSES_DELIVERY_*, OPENSES_SMTP_*, ...) ----------------------
# One block, so it moves into the settings table as it is. Values are checked where they are
# used (delivery/bootstrap.py): a bad route or mode stops ``serve`` with one line.
DELIVERY_MODES = ("capture", "relay", "mx")
SECONDS_PER_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


@dataclass(frozen=True, slots=True, kw_only=True)
class DeliverySettings:
    """How mail leaves openses: captured only (the default), through a relay or straight to
    the recipients' MX hosts, and how the delivery queue retries."""

    mode: str = "capture"  # OPENSES_DELIVERY_MODE: capture | relay | mx
    smtp_relay: str | None = None  # OPENSES_SMTP_RELAY: smtp[s]://[user:pass@]host:port
    pool_routes: str = ""  # OPENSES_POOL_ROUTES: pool=smtp://host:port?bind=IP;pool2=...
    dns_servers: tuple[str, ...] = ()  # OPENSES_DNS_SERVERS: IP[:port],... (mx mode)
    smtp_ca_file: str | None = None  # OPENSES_SMTP_CA_FILE: extra trusted CAs (PEM)
    smtp_hostname: str | None = None  # OPENSES_SMTP_HOSTNAME: EHLO name, reportingMTA
    mx_port: int = 25  # OPENSES_MX_PORT: the port of MX hosts (25; tests use another)
    retry_base_seconds: float = 60.0  # OPENSES_DELIVERY_RETRY_BASE_SECONDS
    retry_max_seconds: float = 900.0  # OPENSES_DELIVERY_RETRY_MAX_SECONDS
    max_delivery_seconds: int = 50_400  # OPENSES_DELIVERY_MAX_SECONDS: a set without its own
    timeout_seconds: float = 60.0  # OPENSES_SMTP_TIMEOUT_SECONDS: per SMTP command
    lease_seconds: float = 600.0  # OPENSES_DELIVERY_LEASE_SECONDS
    poll_seconds: float = 0.5  # OPENSES_DELIVERY_POLL_SECONDS
    batch_size: int = 200  # OPENSES_DELIVERY_BATCH_SIZE
    concurrency: int = 16  # OPENSES_DELIVERY_CONCURRENCY: SMTP conversations at once
    worker: bool = True  # OPENSES_DELIVERY_WORKER: ``serve`` runs the delivery worker
    # OPENSES_MESSAGE_RETENTION (7d, 12h, 3600s, or seconds): None keeps every message; unset,
    # capture mode keeps all and relay/mx keep 7 days.
    message_retention_seconds: float | None = None
    message_retention_set: bool = False

    @property
    def sends_for_real(self) -> bool:
        return self.mode != "capture"

    @property
    def retention_seconds(self) -> float | None:
        """How long messages are kept: the setting, else all in capture mode and 7 days in
        relay and mx mode."""
        if self.message_retention_set:
            return self.message_retention_seconds
        return None if self.mode == "capture" else 7 * 86400.0


_DELIVERY_FIELDS: dict[str, tuple[str, type]] = {
    "OPENSES_DELIVERY_MODE": ("mode", str),
    "OPENSES_SMTP_RELAY": ("smtp_relay", str),
    "OPENSES_POOL_ROUTES": ("pool_routes", str),
    "OPENSES_SMTP_CA_FILE": ("smtp_ca_file", str),
    "OPENSES_SMTP_HOSTNAME": ("smtp_hostname", str),
    "OPENSES_MX_PORT": ("mx_port", int),
    "OPENSES_DELIVERY_RETRY_BASE_SECONDS": ("retry_base_seconds", float),
    "OPENSES_DELIVERY_RETRY_MAX_SECONDS": ("retry_max_seconds", float),
    "OPENSES_DELIVERY_MAX_SECONDS": ("max_delivery_seconds", int),
    "OPENSES_SMTP_TIMEOUT_SECONDS": ("timeout_seconds", float),
    "OPENSES_DELIVERY_LEASE_SECONDS": ("lease_seconds", float),
    "OPENSES_DELIVERY_POLL_SECONDS": ("poll_seconds", float),
    "OPENSES_DELIVERY_BATCH_SIZE": ("batch_size", int),
    "OPENSES_DELIVERY_CONCURRENCY": ("concurrency", int),
}


def parse_duration(text: str) -> float | None:
    """``7d``, ``12h``, ``30m``, ``90s`` or plain seconds; ``0``, ``forever`` or empty keep
    everything (None). Anything else is a ValueError naming the value."""
    value = text.strip().lower()
    if value in ("", "0", "forever", "none"):
        return None
    unit = value[-1] if value[-1] in SECONDS_PER_UNIT else "s"
    number = value[:-1] if value[-1] in SECONDS_PER_UNIT else value
    try:
        seconds = float(number) * SECONDS_PER_UNIT[unit]
    except ValueError:
        raise ValueError(
            f"OPENSES_MESSAGE_RETENTION={text!r}: expected a duration like 7d, 12h, 30m or 3600"
        ) from None
    if seconds <= 0:
        raise ValueError(f"OPENSES_MESSAGE_RETENTION={text!r}: must be positive")
    return seconds


def _delivery_values(env: Mapping[str, str]) -> dict[str, object]:
    values: dict[str, object] = {
        name: kind(env[variable].strip())
        for variable, (name, kind) in _DELIVERY_FIELDS.items()
        if env.get(variable, "").strip()
    }
    if "mode" in values:
        values["mode"] = str(values["mode"]).lower()
    if env.get("OPENSES_DNS_SERVERS", "").strip():
        servers = env["OPENSES_DNS_SERVERS"].split(",")
        values["dns_servers"] = tuple(s.strip() for s in servers if s.strip())
    if "OPENSES_DELIVERY_WORKER" in env:
        values["worker"] = _flag(env["OPENSES_DELIVERY_WORKER"])
    if "OPENSES_MESSAGE_RETENTION" in env:
        values["message_retention_seconds"] = parse_duration(env["OPENSES_MESSAGE_RETENTION"])
        values["message_retention_set"] = True
    return values


# --- end of issue 15's delivery settings ------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8585
    database_url: str = "sqlite:///openses.db"
    default_account_id: str = DEFAULT_ACCOUNT_ID
    # access key id -> account id; keys not listed fall back to the rules in protocol/auth.py
    access_keys: Mapping[str, str] = field(default_factory=dict)
    max_configuration_sets: int = 10_000
    # New identities verify at once; False keeps them Pending until verified via /_openses.
    auto_verify_identities: bool = True
    # Base of open/click tracking links without a CustomRedirectDomain; None: http://host:port.
    public_url: str | None = None
    # Peers (IPs or CIDR networks) whose X-Forwarded-For is believed on tracking requests.
    trusted_proxies: tuple[str, ...] = ()
    # Event destinations (events/): checks on create/update, the dispatcher, the AWS endpoints.
    validate_destinations: bool = True
    dispatch_events: bool = True
    # None leaves boto3 to its own AWS_ENDPOINT_URL(_<SERVICE>) variables, then real AWS.
    aws_endpoint_url: str | None = None
    # per service: sns, firehose, cloudwatch, eventbridge, pinpoint, sts
    aws_endpoint_urls: Mapping[str, str] = field(default_factory=dict)
    assume_roles: bool = False
    # AWS keeps the AWS/ namespaces and aws.* sources for itself: change these for real AWS.
    cloudwatch_namespace: str = "AWS/SES"
    eventbridge_source: str = "aws.ses"
    publish: PublishSettings = field(default_factory=PublishSettings)
    # uvicorn's line per request; off by default because it costs more than a request.
    access_log: bool = False
    # Threads that run API handlers that write; 0 (the default) runs them on the event loop
    # (api/gateway.py says why).
    database_threads: int = 0
    # issue 15: how mail leaves openses (see DeliverySettings above)
    delivery: DeliverySettings = field(default_factory=DeliverySettings)

    @classmethod
    def from_environ(
        cls, environ: Mapping[str, str] | None = None, **overrides: object
    ) -> Settings:
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        if "OPENSES_HOST" in env:
            values["host"] = env["OPENSES_HOST"]
        if "OPENSES_PORT" in env:
            values["port"] = int(env["OPENSES_PORT"])
        if "OPENSES_DATABASE_URL" in env:
            values["database_url"] = env["OPENSES_DATABASE_URL"]
        if "OPENSES_DEFAULT_ACCOUNT_ID" in env:
            values["default_account_id"] = env["OPENSES_DEFAULT_ACCOUNT_ID"]
        if "OPENSES_ACCESS_KEYS" in env:
            values["access_keys"] = parse_access_keys(env["OPENSES_ACCESS_KEYS"])
        if "OPENSES_MAX_CONFIGURATION_SETS" in env:
            values["max_configuration_sets"] = int(env["OPENSES_MAX_CONFIGURATION_SETS"])
        if "OPENSES_DATABASE_THREADS" in env:
            values["database_threads"] = int(env["OPENSES_DATABASE_THREADS"])
        if "OPENSES_ACCESS_LOG" in env:
            values["access_log"] = _flag(env["OPENSES_ACCESS_LOG"])
        if "OPENSES_AUTO_VERIFY_IDENTITIES" in env:
            values["auto_verify_identities"] = _flag(env["OPENSES_AUTO_VERIFY_IDENTITIES"])
        if env.get("OPENSES_PUBLIC_URL"):
            values["public_url"] = env["OPENSES_PUBLIC_URL"]
        if "OPENSES_TRUSTED_PROXIES" in env:
            proxies = env["OPENSES_TRUSTED_PROXIES"].split(",")
            values["trusted_proxies"] = tuple(p.strip() for p in proxies if p.strip())
        values.update(_destination_values(env))
        delivery = _delivery_values(env)  # issue 15
        if delivery:
            values["delivery"] = DeliverySettings(**delivery)  # type: ignore[arg-type]
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]


def parse_access_keys(text: str) -> dict[str, str]:
    """Parse ``KEY1=ACCOUNT1,KEY2=ACCOUNT2`` into a mapping."""
    pairs = (item.split("=", 1) for item in text.split(",") if item.strip())
    return {key.strip(): account.strip() for key, account in pairs}


_ENDPOINT_SERVICES = ("sns", "firehose", "cloudwatch", "eventbridge", "pinpoint", "sts")
_PUBLISH_FIELDS = {
    "OPENSES_PUBLISH_MAX_ATTEMPTS": ("max_attempts", int),
    "OPENSES_PUBLISH_MAX_AGE_SECONDS": ("max_age_seconds", float),
    "OPENSES_PUBLISH_BACKOFF_BASE_SECONDS": ("backoff_base_seconds", float),
    "OPENSES_PUBLISH_BACKOFF_MAX_SECONDS": ("backoff_max_seconds", float),
    "OPENSES_PUBLISH_LEASE_SECONDS": ("lease_seconds", float),
    "OPENSES_PUBLISH_POLL_SECONDS": ("poll_seconds", float),
    "OPENSES_PUBLISH_BATCH_SIZE": ("batch_size", int),
    "OPENSES_PUBLISH_TIMEOUT_SECONDS": ("timeout_seconds", float),
}


def _destination_values(env: Mapping[str, str]) -> dict[str, object]:
    values: dict[str, object] = {}
    if "OPENSES_VALIDATE_DESTINATIONS" in env:
        values["validate_destinations"] = _flag(env["OPENSES_VALIDATE_DESTINATIONS"])
    if "OPENSES_DISPATCH_EVENTS" in env:
        values["dispatch_events"] = _flag(env["OPENSES_DISPATCH_EVENTS"])
    if "OPENSES_ASSUME_ROLES" in env:
        values["assume_roles"] = _flag(env["OPENSES_ASSUME_ROLES"])
    for variable, name in (
        ("OPENSES_CLOUDWATCH_NAMESPACE", "cloudwatch_namespace"),
        ("OPENSES_EVENTBRIDGE_SOURCE", "eventbridge_source"),
    ):
        if env.get(variable):
            values[name] = env[variable]
    if env.get("OPENSES_AWS_ENDPOINT_URL"):
        values["aws_endpoint_url"] = env["OPENSES_AWS_ENDPOINT_URL"]
    urls = {
        service: env[f"OPENSES_AWS_ENDPOINT_URL_{service.upper()}"]
        for service in _ENDPOINT_SERVICES
        if env.get(f"OPENSES_AWS_ENDPOINT_URL_{service.upper()}")
    }
    if urls:
        values["aws_endpoint_urls"] = urls
    publish: dict[str, object] = {
        name: kind(env[variable])
        for variable, (name, kind) in _PUBLISH_FIELDS.items()
        if variable in env
    }
    if publish:
        values["publish"] = PublishSettings(**publish)  # type: ignore[arg-type]
    return values


def _flag(text: str) -> bool:
    return text.strip().lower() in ("1", "true", "yes", "on")
