"""One frozen Settings object, read from flags and ``OPENSES_*`` environment variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

DEFAULT_ACCOUNT_ID = "123456789012"


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
