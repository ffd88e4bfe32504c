"""One frozen Settings object, read from flags and ``OPENSES_*`` environment variables through
one table (``SETTINGS``): each variable with its field, its strict cast and its help. A value
its cast refuses is a ``SettingsError`` naming the variable and what it accepts."""

from __future__ import annotations

import ipaddress
import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, field, fields
from typing import NamedTuple

DEFAULT_ACCOUNT_ID = "123456789012"


@dataclass(frozen=True, slots=True, kw_only=True)
class PublishSettings:
    """How the dispatcher retries: exponential backoff with jitter, then a dead letter."""

    max_attempts: int = 10
    max_age_seconds: float = 86_400.0
    backoff_base_seconds: float = 1.0
    backoff_max_seconds: float = 300.0
    lease_seconds: float = 10.0  # renewed while in flight (store/leases.Renewal)
    poll_seconds: float = 0.5
    batch_size: int = 500
    timeout_seconds: float = 10.0


DELIVERY_MODES = ("capture", "relay", "mx")
SECONDS_PER_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


@dataclass(frozen=True, slots=True, kw_only=True)
class DeliverySettings:
    """How mail leaves openses: captured only (the default), through a relay or straight to
    the recipients' MX hosts, and how the delivery queue retries. Routes and modes are checked
    where they are used (delivery/bootstrap.py): a bad one stops ``serve`` with one line."""

    mode: str = "capture"  # capture | relay | mx
    smtp_relay: str | None = None  # smtp[s]://[user:pass@]host:port
    pool_routes: str = ""  # pool=smtp://host:port?bind=IP;pool2=...
    smtp_ca_file: str | None = None  # extra trusted CAs (PEM)
    smtp_hostname: str | None = None  # EHLO name, reportingMTA
    mx_port: int = 25  # the port of MX hosts (25; tests use another)
    retry_base_seconds: float = 60.0
    retry_max_seconds: float = 900.0
    max_delivery_seconds: int = 50_400  # for a set without its own MaxDeliverySeconds
    timeout_seconds: float = 60.0  # per SMTP command
    lease_seconds: float = 30.0  # renewed while in flight (store/leases.Renewal)
    poll_seconds: float = 0.5
    batch_size: int = 200
    concurrency: int = 16  # SMTP conversations at once
    worker: bool = True  # ``serve`` runs the delivery worker
    # OPENSES_MESSAGE_RETENTION: None keeps every message; unset (``message_retention_set``
    # false), capture mode keeps all and relay/mx keep 7 days.
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


REPUTATION_ENFORCEMENTS = ("off", "warn", "aws")
AUTH_MODES = ("open", "strict")
THROTTLE_MODES = ("off", "aws")


@dataclass(frozen=True, slots=True, kw_only=True)
class ReputationSettings:
    """Reputation (issue 17): the window and minimum volume of the rates, whether the mailbox
    simulator's bounces and complaints count, how often the rates are assessed and published,
    and what enforcement does (docs/aws-behaviour.md, "Reputation and statistics")."""

    window_hours: float = 336.0  # two weeks, as far back as GetSendStatistics reaches
    min_volume: int = 20
    count_simulator: bool = True
    publish_seconds: float = 60.0
    enforcement: str = "warn"  # off | warn | aws
    auto_pause_sets: bool = False


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
    # issues 18/19: set, the dashboard and every /_openses endpoint but mail clients' need it;
    # strict mode refuses to start without it
    admin_token: str | None = None
    # Event destinations (events/): checks on create/update, the dispatcher, the AWS endpoints.
    validate_destinations: bool = True
    dispatch_events: bool = True
    # None leaves boto3 to its own AWS_ENDPOINT_URL(_<SERVICE>) variables, then real AWS.
    aws_endpoint_url: str | None = None
    # per service: sns, firehose, cloudwatch, eventbridge, pinpoint, sts, s3, lambda
    aws_endpoint_urls: Mapping[str, str] = field(default_factory=dict)
    assume_roles: bool = False
    # AWS keeps the AWS/ namespaces and aws.* sources for itself: change these for real AWS.
    cloudwatch_namespace: str = "AWS/SES"
    eventbridge_source: str = "aws.ses"
    publish: PublishSettings = field(default_factory=PublishSettings)
    delivery: DeliverySettings = field(default_factory=DeliverySettings)
    reputation: ReputationSettings = field(default_factory=ReputationSettings)
    # uvicorn's line per request; off by default because it costs more than a request.
    access_log: bool = False
    # Threads that run API handlers that write; 0 (the default) runs them on the event loop
    # (api/gateway.py says why).
    database_threads: int = 0
    # The operator's outbound addresses, offered to every account as dedicated IPs.
    dedicated_ips: tuple[str, ...] = ()
    # DNS servers (host, port) for the DKIM and MAIL FROM checks; () is the system's.
    dns_servers: tuple[tuple[str, int], ...] = ()
    # Easy DKIM's CNAME targets are <token>.dkim.<dkim_domain> when set; else TXT records.
    dkim_domain: str | None = None
    # openses' own envelope-sender domain; "{region}" stands for the region.
    return_path_domain: str | None = None
    # SMTP submission (issue 16): STARTTLS and implicit-TLS ports (0: off), the certificate
    # (None: a self-signed one kept in the database) and the region of SMTP sessions.
    smtp_port: int = 2587
    smtps_port: int = 2465
    smtp_tls_cert: str | None = None
    smtp_tls_key: str | None = None
    smtp_region: str = "us-east-1"
    # The inbound SMTP port (issue 16; 0: off): returns (bounces and complaints) and email
    # receiving (the default account's active receipt rule set, in smtp_region); the address
    # feedback loops send complaint reports to (None: only return paths).
    inbound_smtp_port: int = 0
    feedback_address: str | None = None
    # issue 20: the S3 bucket (at OPENSES_AWS_ENDPOINT_URL(_S3)) where import jobs' failed
    # records and export jobs' files go, as SES writes them to "a location that it manages"
    jobs_bucket: str = "openses-jobs"
    run_jobs: bool = True  # false: ``serve`` leaves the jobs to ``openses worker``
    # Issue 18: ``open`` takes any signature (the key names the account); ``strict`` verifies
    # SigV4 and SMTP passwords against known keys' secrets.
    auth: str = "open"
    # OPENSES_ACCESS_KEYS' secrets (KEY:SECRET=ACCOUNT), by access key id
    access_key_secrets: Mapping[str, str] = field(default_factory=dict)
    # encrypts stored secret access keys; None: a key file beside a SQLite database
    secret_key: str | None = None
    # Host header names accepted (DNS rebinding); () is the loopback names when bound to
    # loopback, and any host otherwise; "*" is any host.
    allowed_hosts: tuple[str, ...] = ()
    # Quotas, the sandbox and throttling (issues 17 and 18); -1 is unlimited, as SES says it.
    sandbox: bool = False
    max_24_hour_send: float = -1.0
    max_send_rate: float = -1.0
    throttle: str = "off"  # off | aws: SES's API request rates
    max_templates: int = 10_000
    max_identities: int = 10_000
    # The HTTP server's limits: a request's headers and body must arrive in these times, and
    # connections beyond the cap are answered 503.
    header_timeout_seconds: float = 10.0
    body_timeout_seconds: float = 60.0
    max_connections: int = 1000

    @classmethod
    def from_environ(
        cls, environ: Mapping[str, str] | None = None, **overrides: object
    ) -> Settings:
        """The table's variables that are set and not empty, cast; then the command line's
        ``overrides`` (None: not given). Raises ``SettingsError`` on the first bad value."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        nested: dict[str, dict[str, object]] = {prefix: {} for prefix in _NESTED}
        endpoint_urls: dict[str, str] = {}
        for setting in SETTINGS:
            text = env.get(setting.variable, "")
            if not text.strip():
                continue
            value = setting.read(text)
            prefix, _, name = setting.field.partition(".")
            if prefix in _NESTED:
                nested[prefix][name] = value
            elif prefix == "aws_endpoint_urls":
                endpoint_urls[name] = str(value)
            elif isinstance(value, ConfiguredKeys):
                values["access_keys"], values["access_key_secrets"] = value
            else:
                values[setting.field] = value
        if "message_retention_seconds" in nested["delivery"]:
            # None ("forever") is a value of its own here, unlike an unset variable.
            nested["delivery"]["message_retention_set"] = True
        for prefix, kind in _NESTED.items():
            if nested[prefix]:
                values[prefix] = kind(**nested[prefix])
        if endpoint_urls:
            values["aws_endpoint_urls"] = endpoint_urls
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]


# Settings fields that are settings objects of their own, by the prefix of their variables' fields.
_NESTED: dict[str, type] = {
    "publish": PublishSettings,
    "delivery": DeliverySettings,
    "reputation": ReputationSettings,
}


class SettingsError(ValueError):
    """An ``OPENSES_*`` variable whose value its cast refuses; the message names both."""


Cast = Callable[[str], object]


@dataclass(frozen=True, slots=True)
class Setting:
    """One environment variable: the Settings field it sets (``publish.x`` and
    ``aws_endpoint_urls.x`` for the nested ones), its cast, its help."""

    variable: str
    field: str
    cast: Cast
    help: str

    @property
    def default(self) -> object:
        """The field's default, read from the dataclass so that it is written once."""
        if self.field.startswith("aws_endpoint_urls."):
            return None
        owner: type = Settings
        name = self.field
        prefix, _, nested = name.partition(".")
        if prefix in _NESTED:
            owner, name = _NESTED[prefix], nested
        for candidate in fields(owner):
            if candidate.name == name:
                if candidate.default_factory is not MISSING:
                    return candidate.default_factory()
                return candidate.default
        raise LookupError(self.field)

    def read(self, text: str) -> object:
        try:
            return self.cast(text.strip())
        except ValueError as error:
            raise SettingsError(f"{self.variable}={text!r} is not valid: {error}") from None


TRUE_WORDS = ("true", "1", "yes", "on")
FALSE_WORDS = ("false", "0", "no", "off")


def boolean(text: str) -> bool:
    word = text.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"accepted values are {', '.join(TRUE_WORDS + FALSE_WORDS)}")


def integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ValueError("an integer is expected, such as 10") from None


def number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError("a number is expected, such as 10 or 0.5") from None
    if not math.isfinite(value):
        raise ValueError("a finite number is expected, such as 10 or 0.5")
    return value


def one_of(choices: tuple[str, ...]) -> Callable[[str], str]:
    """The cast of a word from ``choices``, in any case; read lowercased."""

    def choice(value: str) -> str:
        word = value.lower()
        if word not in choices:
            raise ValueError(f"accepted values are {', '.join(choices)}")
        return word

    return choice


def above_zero(example: str) -> Callable[[str], float]:
    """The cast of a finite number above 0; ``example`` is what its error suggests."""

    def positive(text: str) -> float:
        value = number(text)
        if value <= 0:
            raise ValueError(f"a number above 0 is expected, such as {example}")
        return value

    return positive


def port(text: str) -> int:
    value = integer(text)
    if not 0 <= value <= 65535:
        raise ValueError("a port from 0 to 65535 is expected (0 turns the listener off)")
    return value


def region(value: str) -> str:
    if re.fullmatch(r"[a-z]{2}(-[a-z]+)+-\d", value) is None:
        raise ValueError("an AWS region name is expected, such as us-east-1")
    return value


def text(value: str) -> str:
    return value


def email_address(value: str) -> str:
    local, at, domain = value.strip().rpartition("@")
    if not at or not local or not domain or any(c.isspace() or c in "<>" for c in value.strip()):
        raise ValueError("an email address is expected, such as feedback@example.com")
    return value.strip().lower()


class ConfiguredKeys(NamedTuple):
    """OPENSES_ACCESS_KEYS read: each key's account, and the secrets of those given one."""

    accounts: dict[str, str]
    secrets: dict[str, str]


def parse_access_keys(value: str) -> ConfiguredKeys:
    """Parse ``KEY1=ACCOUNT1,KEY2:SECRET2=ACCOUNT2``: a key with its secret (issue 18) can
    sign in strict mode. A secret access key holds no ``=``, ``,`` or ``:``."""
    keys = ConfiguredKeys({}, {})
    for item in value.split(","):
        if not item.strip():
            continue
        key, equals, account = item.partition("=")
        key, colon, secret = key.strip().partition(":")
        if not equals or not key or not account.strip() or (colon and not secret):
            raise ValueError(
                "KEY=ACCOUNT or KEY:SECRET=ACCOUNT pairs separated by commas are expected"
            )
        keys.accounts[key] = account.strip()
        if secret:
            keys.secrets[key] = secret
    return keys


def _is_ipv6(name: str) -> bool:
    try:
        ipaddress.IPv6Address(name)
    except ValueError:
        return False
    return True


def host_names(value: str) -> tuple[str, ...]:
    """``localhost,ses.example.com,[::1]``: Host header names without ports, any case."""
    names = []
    for item in comma_list(value):
        name = item.lower().removeprefix("[").removesuffix("]")
        if not name or any(c in name for c in "/@ ") or (":" in name and not _is_ipv6(name)):
            raise ValueError(f"{item!r} is not a host name (no port, no scheme)")
        names.append(name)
    return tuple(names)


def comma_list(value: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in value.split(",") if item.strip())


def parse_dedicated_ips(value: str) -> tuple[str, ...]:
    """``192.0.2.10,192.0.2.11``: IPv4 addresses (SES's dedicated IPs are IPv4), in their
    canonical form, each once."""
    parsed: list[str] = []
    for item in comma_list(value):
        try:
            parsed.append(str(ipaddress.IPv4Address(item)))
        except ValueError:
            raise ValueError(f"{item!r} is not an IPv4 address") from None
    return tuple(dict.fromkeys(parsed))


def parse_dns_servers(value: str) -> tuple[tuple[str, int], ...]:
    """``host[:port],...``; an IPv6 address with a port is written ``[::1]:5353``."""
    servers = []
    for item in comma_list(value):
        if item.startswith("["):
            host, _, rest = item[1:].partition("]")
            port = rest.removeprefix(":") or "53"
        elif item.count(":") == 1:
            host, port = item.split(":")
        else:
            host, port = item, "53"
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"{item!r} is not host[:port]")
        servers.append((host, int(port)))
    return tuple(servers)


def duration(value: str) -> float | None:
    """``7d``, ``12h``, ``30m``, ``90s`` or plain seconds; ``0`` or ``forever``: None, keep
    everything."""
    text = value.lower()
    if text in ("0", "forever", "none"):
        return None
    unit = text[-1] if text[-1] in SECONDS_PER_UNIT else "s"
    number = text[:-1] if text[-1] in SECONDS_PER_UNIT else text
    try:
        seconds = float(number) * SECONDS_PER_UNIT[unit]
    except ValueError:
        raise ValueError("a duration is expected, such as 7d, 12h, 30m or 3600") from None
    if not math.isfinite(seconds) or seconds <= 0:
        raise ValueError("a positive duration is expected, such as 7d, 12h, 30m or 3600")
    return seconds


def quota(text: str) -> float:
    value = number(text)
    if value < 0 and value != -1:
        raise ValueError("a number of 0 or more is expected, or -1 for unlimited")
    return value


def count(text: str) -> int:
    value = integer(text)
    if value < 0:
        raise ValueError("a whole number from 0 up is expected, such as 20")
    return value


def domain_name(value: str) -> str:
    return value.rstrip(".").lower()


_ENDPOINT_SERVICES = (
    "sns",
    "firehose",
    "cloudwatch",
    "eventbridge",
    "pinpoint",
    "sts",
    "s3",  # email receiving's actions (issue 16 §3)
    "lambda",
)

SETTINGS: tuple[Setting, ...] = (
    Setting("OPENSES_HOST", "host", text, "address to listen on"),
    Setting("OPENSES_PORT", "port", integer, "port to listen on"),
    Setting("OPENSES_DATABASE_URL", "database_url", text, "sqlite:///PATH or postgresql://..."),
    Setting(
        "OPENSES_ACCESS_KEYS",
        "access_keys",
        parse_access_keys,
        "access key to account map, KEY1=111111111111,KEY2:SECRET=222222222222",
    ),
    Setting(
        "OPENSES_DEFAULT_ACCOUNT_ID",
        "default_account_id",
        text,
        "account of access keys not otherwise mapped",
    ),
    Setting(
        "OPENSES_MAX_CONFIGURATION_SETS",
        "max_configuration_sets",
        integer,
        "configuration sets per account and region",
    ),
    Setting(
        "OPENSES_AUTO_VERIFY_IDENTITIES",
        "auto_verify_identities",
        boolean,
        "new identities verify at once; false keeps them Pending",
    ),
    Setting("OPENSES_ACCESS_LOG", "access_log", boolean, "a log line per request"),
    Setting(
        "OPENSES_DATABASE_THREADS",
        "database_threads",
        integer,
        "threads for API handlers that write; 0 runs them on the event loop",
    ),
    Setting("OPENSES_PUBLIC_URL", "public_url", text, "base of open and click tracking links"),
    Setting(
        "OPENSES_ADMIN_TOKEN",
        "admin_token",
        text,
        "the operator's token for the dashboard and /_openses (unset: open, per account); "
        "strict mode needs one",
    ),
    Setting(
        "OPENSES_TRUSTED_PROXIES",
        "trusted_proxies",
        comma_list,
        "proxies (IPs or CIDRs) whose X-Forwarded-For is believed",
    ),
    Setting(
        "OPENSES_VALIDATE_DESTINATIONS",
        "validate_destinations",
        boolean,
        "check event destinations' targets on create and update",
    ),
    Setting("OPENSES_DISPATCH_EVENTS", "dispatch_events", boolean, "serve runs the dispatcher"),
    Setting(
        "OPENSES_ASSUME_ROLES",
        "assume_roles",
        boolean,
        "assume a Firehose destination's IamRoleArn with STS",
    ),
    Setting(
        "OPENSES_CLOUDWATCH_NAMESPACE",
        "cloudwatch_namespace",
        text,
        "namespace of CloudWatch destinations' metrics",
    ),
    Setting(
        "OPENSES_EVENTBRIDGE_SOURCE",
        "eventbridge_source",
        text,
        "source of EventBridge destinations' events",
    ),
    Setting(
        "OPENSES_AWS_ENDPOINT_URL",
        "aws_endpoint_url",
        text,
        "endpoint of every AWS service events go to",
    ),
    *(
        Setting(
            f"OPENSES_AWS_ENDPOINT_URL_{service.upper()}",
            f"aws_endpoint_urls.{service}",
            text,
            f"endpoint of {service}, before OPENSES_AWS_ENDPOINT_URL",
        )
        for service in _ENDPOINT_SERVICES
    ),
    Setting(
        "OPENSES_PUBLISH_MAX_ATTEMPTS",
        "publish.max_attempts",
        integer,
        "attempts before a dead letter",
    ),
    Setting(
        "OPENSES_PUBLISH_MAX_AGE_SECONDS",
        "publish.max_age_seconds",
        number,
        "age before a dead letter",
    ),
    Setting(
        "OPENSES_PUBLISH_BACKOFF_BASE_SECONDS",
        "publish.backoff_base_seconds",
        number,
        "first retry's backoff",
    ),
    Setting(
        "OPENSES_PUBLISH_BACKOFF_MAX_SECONDS",
        "publish.backoff_max_seconds",
        number,
        "longest backoff",
    ),
    Setting(
        "OPENSES_PUBLISH_LEASE_SECONDS",
        "publish.lease_seconds",
        number,
        "how long a dispatcher holds the publications it took",
    ),
    Setting(
        "OPENSES_PUBLISH_POLL_SECONDS",
        "publish.poll_seconds",
        number,
        "pause between polls of an empty outbox",
    ),
    Setting(
        "OPENSES_PUBLISH_BATCH_SIZE",
        "publish.batch_size",
        integer,
        "publications taken per poll",
    ),
    Setting(
        "OPENSES_PUBLISH_TIMEOUT_SECONDS",
        "publish.timeout_seconds",
        number,
        "timeout of one call to a destination",
    ),
    Setting(
        "OPENSES_DEDICATED_IPS",
        "dedicated_ips",
        parse_dedicated_ips,
        "outbound IPv4 addresses offered to every account as dedicated IPs",
    ),
    Setting(
        "OPENSES_DNS_SERVERS",
        "dns_servers",
        parse_dns_servers,
        "DNS servers (host[:port],...) for the identities' DNS check",
    ),
    Setting(
        "OPENSES_DKIM_DOMAIN",
        "dkim_domain",
        domain_name,
        "Easy DKIM records as CNAMEs to <token>.dkim.DOMAIN instead of TXT records",
    ),
    Setting(
        "OPENSES_RETURN_PATH_DOMAIN",
        "return_path_domain",
        lambda value: value.rstrip("."),
        "envelope sender's domain without a custom MAIL FROM ({region} is replaced)",
    ),
    Setting(
        "OPENSES_DELIVERY_MODE",
        "delivery.mode",
        one_of(DELIVERY_MODES),
        "capture keeps mail in openses; relay sends it to OPENSES_SMTP_RELAY; mx to the MX hosts",
    ),
    Setting(
        "OPENSES_SMTP_RELAY",
        "delivery.smtp_relay",
        text,
        "the smarthost of relay mode, smtp://[user:pass@]host:port or smtps://...",
    ),
    Setting(
        "OPENSES_POOL_ROUTES",
        "delivery.pool_routes",
        text,
        "outbound route per dedicated IP pool, pool=smtp://host:port?bind=IP;pool2=...",
    ),
    Setting("OPENSES_SMTP_CA_FILE", "delivery.smtp_ca_file", text, "extra trusted CAs (PEM)"),
    Setting(
        "OPENSES_SMTP_HOSTNAME",
        "delivery.smtp_hostname",
        text,
        "the EHLO name and reportingMTA (the host's name by default)",
    ),
    Setting("OPENSES_MX_PORT", "delivery.mx_port", integer, "the port of MX hosts"),
    Setting(
        "OPENSES_DELIVERY_RETRY_BASE_SECONDS",
        "delivery.retry_base_seconds",
        number,
        "first retry of a temporary failure",
    ),
    Setting(
        "OPENSES_DELIVERY_RETRY_MAX_SECONDS",
        "delivery.retry_max_seconds",
        number,
        "longest wait between retries",
    ),
    Setting(
        "OPENSES_DELIVERY_MAX_SECONDS",
        "delivery.max_delivery_seconds",
        integer,
        "how long a message is retried when its set has no MaxDeliverySeconds",
    ),
    Setting(
        "OPENSES_SMTP_TIMEOUT_SECONDS",
        "delivery.timeout_seconds",
        number,
        "timeout of one SMTP command",
    ),
    Setting(
        "OPENSES_DELIVERY_LEASE_SECONDS",
        "delivery.lease_seconds",
        number,
        "how long a worker holds the deliveries it took",
    ),
    Setting(
        "OPENSES_DELIVERY_POLL_SECONDS",
        "delivery.poll_seconds",
        number,
        "pause between polls of an empty delivery queue",
    ),
    Setting(
        "OPENSES_DELIVERY_BATCH_SIZE",
        "delivery.batch_size",
        integer,
        "deliveries taken per poll",
    ),
    Setting(
        "OPENSES_DELIVERY_CONCURRENCY",
        "delivery.concurrency",
        integer,
        "SMTP conversations at once",
    ),
    Setting(
        "OPENSES_DELIVERY_WORKER",
        "delivery.worker",
        boolean,
        "serve runs the delivery worker (openses worker always does)",
    ),
    Setting(
        "OPENSES_MESSAGE_RETENTION",
        "delivery.message_retention_seconds",
        duration,
        "how long messages are kept (7d, 12h, 3600, forever); capture: all, relay/mx: 7d",
    ),
    Setting("OPENSES_SMTP_PORT", "smtp_port", port, "SMTP submission port, STARTTLS; 0: off"),
    Setting("OPENSES_SMTPS_PORT", "smtps_port", port, "SMTP submission port, TLS; 0: off"),
    Setting(
        "OPENSES_SMTP_TLS_CERT",
        "smtp_tls_cert",
        text,
        "PEM certificate (chain) file of the SMTP ports; unset: a self-signed one",
    ),
    Setting("OPENSES_SMTP_TLS_KEY", "smtp_tls_key", text, "PEM private key file of that cert"),
    Setting("OPENSES_SMTP_REGION", "smtp_region", region, "the region of SMTP sessions"),
    Setting(
        "OPENSES_INBOUND_SMTP_PORT",
        "inbound_smtp_port",
        port,
        "inbound SMTP port: returned bounces and complaints, and receipt rules; 0: off",
    ),
    Setting(
        "OPENSES_FEEDBACK_ADDRESS",
        "feedback_address",
        email_address,
        "the address complaint (ARF) reports are sent to; unset: return paths only",
    ),
    Setting(
        "OPENSES_JOBS_BUCKET",
        "jobs_bucket",
        text,
        "S3 bucket of import jobs' failed records and export jobs' files",
    ),
    Setting("OPENSES_RUN_JOBS", "run_jobs", boolean, "serve runs import and export jobs"),
    Setting(
        "OPENSES_AUTH", "auth", one_of(AUTH_MODES), "open takes any signature; strict verifies"
    ),
    Setting(
        "OPENSES_SECRET_KEY",
        "secret_key",
        text,
        "encrypts stored secret access keys; unset: a key file beside a SQLite database",
    ),
    Setting(
        "OPENSES_ALLOWED_HOSTS",
        "allowed_hosts",
        host_names,
        "Host header names accepted; unset: the loopback names when bound to loopback",
    ),
    Setting(
        "OPENSES_SANDBOX",
        "sandbox",
        boolean,
        "accounts start in the sandbox: verified recipients only, 200 a day, 1 a second",
    ),
    Setting(
        "OPENSES_MAX_24_HOUR_SEND",
        "max_24_hour_send",
        quota,
        "recipients an account may send to in 24 hours; -1: unlimited",
    ),
    Setting(
        "OPENSES_MAX_SEND_RATE",
        "max_send_rate",
        quota,
        "recipients an account may send to per second; -1: unlimited",
    ),
    Setting("OPENSES_THROTTLE", "throttle", one_of(THROTTLE_MODES), "aws: SES's API request rates"),
    Setting("OPENSES_MAX_TEMPLATES", "max_templates", integer, "templates per account and region"),
    Setting(
        "OPENSES_MAX_IDENTITIES", "max_identities", integer, "identities per account and region"
    ),
    Setting(
        "OPENSES_HEADER_TIMEOUT_SECONDS",
        "header_timeout_seconds",
        above_zero("10 or 0.5"),
        "time a request's headers may take to arrive",
    ),
    Setting(
        "OPENSES_BODY_TIMEOUT_SECONDS",
        "body_timeout_seconds",
        above_zero("10 or 0.5"),
        "time a request's body may take to arrive",
    ),
    Setting(
        "OPENSES_MAX_CONNECTIONS",
        "max_connections",
        integer,
        "open HTTP connections at once; more are answered 503",
    ),
    Setting(
        "OPENSES_REPUTATION_WINDOW_HOURS",
        "reputation.window_hours",
        above_zero("60 or 0.5"),
        "hours of sends the bounce and complaint rates are computed over",
    ),
    Setting(
        "OPENSES_REPUTATION_MIN_VOLUME",
        "reputation.min_volume",
        count,
        "sends the window must hold before the rates exist",
    ),
    Setting(
        "OPENSES_REPUTATION_COUNT_SIMULATOR",
        "reputation.count_simulator",
        boolean,
        "the mailbox simulator's sends, bounces and complaints count in the rates",
    ),
    Setting(
        "OPENSES_REPUTATION_PUBLISH_SECONDS",
        "reputation.publish_seconds",
        above_zero("60 or 0.5"),
        "seconds between assessments and publications of the reputation metrics",
    ),
    Setting(
        "OPENSES_REPUTATION_ENFORCEMENT",
        "reputation.enforcement",
        one_of(REPUTATION_ENFORCEMENTS),
        "off, warn (report the status, never pause) or aws (pause a SHUTDOWN account)",
    ),
    Setting(
        "OPENSES_REPUTATION_AUTO_PAUSE_SETS",
        "reputation.auto_pause_sets",
        boolean,
        "pause a configuration set whose rates reach the pause thresholds",
    ),
)
