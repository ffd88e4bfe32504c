"""The delivery settings: how they are read from the environment, the routes they name, the
errors a setting that cannot work gives, and what the SMTP replies mean."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from openses.config import DeliverySettings, Settings, SettingsError, duration
from openses.delivery import bootstrap
from openses.delivery.routes import Route, RouteError, RouteTable, table
from openses.domain.smtp_reply import Reply, from_smtp
from openses.services.deliveries import RetryPolicy
from openses.services.outbound import Outbound
from tests.events.peerside import eventually
from tests.support import database_url, serve_in_thread


def test_delivery_settings_come_from_the_environment() -> None:
    settings = Settings.from_environ(
        {
            "OPENSES_DELIVERY_MODE": "MX",
            "OPENSES_SMTP_RELAY": "smtp://relay.example.net:2525",
            "OPENSES_POOL_ROUTES": "marketing=smtp://relay1:25?bind=10.0.0.5",
            "OPENSES_DNS_SERVERS": "127.0.0.1:5353, 10.0.0.53",
            "OPENSES_SMTP_CA_FILE": "/etc/ssl/test-ca.pem",
            "OPENSES_SMTP_HOSTNAME": "mta.example.net",
            "OPENSES_MX_PORT": "2525",
            "OPENSES_DELIVERY_RETRY_BASE_SECONDS": "5",
            "OPENSES_DELIVERY_RETRY_MAX_SECONDS": "30",
            "OPENSES_DELIVERY_MAX_SECONDS": "600",
            "OPENSES_SMTP_TIMEOUT_SECONDS": "7.5",
            "OPENSES_DELIVERY_LEASE_SECONDS": "120",
            "OPENSES_DELIVERY_POLL_SECONDS": "0.1",
            "OPENSES_DELIVERY_BATCH_SIZE": "50",
            "OPENSES_DELIVERY_CONCURRENCY": "4",
            "OPENSES_DELIVERY_WORKER": "false",
            "OPENSES_MESSAGE_RETENTION": "7d",
        }
    )
    assert settings.delivery == DeliverySettings(
        mode="mx",
        smtp_relay="smtp://relay.example.net:2525",
        pool_routes="marketing=smtp://relay1:25?bind=10.0.0.5",
        smtp_ca_file="/etc/ssl/test-ca.pem",
        smtp_hostname="mta.example.net",
        mx_port=2525,
        retry_base_seconds=5.0,
        retry_max_seconds=30.0,
        max_delivery_seconds=600,
        timeout_seconds=7.5,
        lease_seconds=120.0,
        poll_seconds=0.1,
        batch_size=50,
        concurrency=4,
        worker=False,
        message_retention_seconds=7 * 86400.0,
        message_retention_set=True,
    )
    assert settings.dns_servers == (("127.0.0.1", 5353), ("10.0.0.53", 53))


def test_defaults_capture_and_keep_everything_retention_in_real_modes() -> None:
    default = Settings.from_environ({}).delivery
    assert (default.mode, default.retry_base_seconds, default.retry_max_seconds) == (
        "capture",
        60.0,
        900.0,
    )
    assert default.retention_seconds is None
    assert DeliverySettings(mode="relay").retention_seconds == 7 * 86400.0
    assert (
        DeliverySettings(
            mode="relay", message_retention_seconds=None, message_retention_set=True
        ).retention_seconds
        is None
    )


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("7d", 604800.0),
        ("12h", 43200.0),
        ("30m", 1800.0),
        ("90s", 90.0),
        ("3600", 3600.0),
        ("2w", 1209600.0),
        ("0", None),
        ("forever", None),
    ],
)
def test_retention_durations(text: str, seconds: float | None) -> None:
    assert duration(text) == seconds
    retention = Settings.from_environ({"OPENSES_MESSAGE_RETENTION": text}).delivery
    assert (retention.retention_seconds, retention.message_retention_set) == (seconds, True)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("7 days", "a duration is expected, such as 7d, 12h, 30m or 3600"),
        ("d", "a duration is expected, such as 7d, 12h, 30m or 3600"),
        ("1y", "a duration is expected, such as 7d, 12h, 30m or 3600"),
        ("-1h", "a positive duration is expected, such as 7d, 12h, 30m or 3600"),
    ],
)
def test_bad_retention_is_refused(text: str, why: str) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_environ({"OPENSES_MESSAGE_RETENTION": text})
    assert str(raised.value) == f"OPENSES_MESSAGE_RETENTION={text!r} is not valid: {why}"


def test_routes() -> None:
    routes = table(
        "relay",
        "smtps://user%40x:p%3Ass@relay.example.net",
        "marketing=smtp://relay1:25?bind=10.0.0.5; alerts=smtps://relay2:465;direct=mx://?bind=::1",
    )
    assert routes == RouteTable(
        Route(
            name="default",
            scheme="smtps",
            host="relay.example.net",
            port=465,
            username="user@x",
            password="p:ss",
        ),
        {
            "marketing": Route(
                name="marketing", scheme="smtp", host="relay1", port=25, bind="10.0.0.5"
            ),
            "alerts": Route(name="alerts", scheme="smtps", host="relay2", port=465),
            "direct": Route(name="direct", scheme="mx", bind="::1"),
        },
    )
    assert routes.name_for("marketing") == "marketing"
    assert routes.name_for("unrouted") == routes.name_for(None) == "default"
    assert routes.get("removed-since") is routes.default
    assert table("mx", None, "").default == Route(name="default", scheme="mx")


@pytest.mark.parametrize(
    ("relay", "pools", "message"),
    [
        (None, "", "OPENSES_DELIVERY_MODE=relay needs OPENSES_SMTP_RELAY"),
        (
            "http://relay",
            "",
            "OPENSES_SMTP_RELAY: 'http://relay': the scheme must be smtp:// (STARTTLS when "
            "offered), smtps:// (implicit TLS) or mx://",
        ),
        ("smtp://", "", "OPENSES_SMTP_RELAY: 'smtp://' names no host"),
        (
            "smtp://user@relay",
            "",
            "OPENSES_SMTP_RELAY: 'smtp://user@relay': give both user and password, or neither",
        ),
        (
            "smtp://relay:99999",
            "",
            "OPENSES_SMTP_RELAY: 'smtp://relay:99999' is not a URL (Port out of range 0-65535)",
        ),
        (
            "smtp://relay?bond=1",
            "",
            "OPENSES_SMTP_RELAY: 'smtp://relay?bond=1' has unknown parameters bond",
        ),
        ("smtp://relay", "marketing", "OPENSES_POOL_ROUTES: 'marketing' is not POOL=URL"),
        ("smtp://relay", "a=smtp://x;a=smtp://y", "OPENSES_POOL_ROUTES: pool 'a' has two routes"),
        ("mx://", "", "OPENSES_SMTP_RELAY must be an smtp:// or smtps:// URL"),
    ],
)
def test_bad_routes_are_refused(relay: str | None, pools: str, message: str) -> None:
    with pytest.raises(RouteError) as raised:
        table("relay", relay, pools)
    assert str(raised.value) == message


def test_bad_settings_stop_openses_serve_with_one_line(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "OPENSES_DATABASE_URL": f"sqlite:///{tmp_path}/openses.db",
        "OPENSES_DELIVERY_MODE": "smarthost",
    }
    done = subprocess.run(
        [sys.executable, "-m", "openses", "serve"], env=env, capture_output=True, timeout=60
    )
    assert (done.returncode, done.stderr.decode()) == (
        1,
        "Error: OPENSES_DELIVERY_MODE='smarthost' is not valid: accepted values are capture, "
        "relay, mx\n",
    )
    assert not (tmp_path / "openses.db").exists()
    env["OPENSES_DELIVERY_MODE"] = "relay"
    done = subprocess.run(
        [sys.executable, "-m", "openses", "worker"], env=env, capture_output=True, timeout=60
    )
    assert (done.returncode, done.stderr.decode()) == (
        1,
        "Error: OPENSES_DELIVERY_MODE=relay needs OPENSES_SMTP_RELAY\n",
    )


def test_outbound_follows_the_mode() -> None:
    assert bootstrap.outbound(DeliverySettings()) == Outbound()
    assert bootstrap.outbound(
        DeliverySettings(mode="relay", smtp_relay="smtp://relay", pool_routes="p=mx://")
    ) == Outbound(real=True, direct=False, pool_routes={"p": True})
    assert bootstrap.outbound(DeliverySettings(mode="mx")) == Outbound(real=True, direct=True)
    with pytest.raises(bootstrap.DeliverySettingsError) as raised:
        bootstrap.outbound(DeliverySettings(mode="mx", max_delivery_seconds=0))
    assert str(raised.value) == "OPENSES_DELIVERY_MAX_SECONDS=0: must be positive"


@pytest.mark.parametrize(
    ("code", "text", "status", "delay_type"),
    [
        (451, "4.7.1 Greylisted", "4.7.1", "RecipientServerError"),
        (452, "4.2.2 Mailbox full", "4.2.2", "MailboxFull"),
        (421, "Too many connections", "4.0.0", "RecipientServerError"),
        (550, "5.1.1 <a@b>: User unknown", "5.1.1", "RecipientServerError"),
        (550, "4.1.1 mismatched class", "5.0.0", "RecipientServerError"),
    ],
)
def test_replies(code: int, text: str, status: str, delay_type: str) -> None:
    reply = Reply(code, text)
    assert (reply.status, reply.delay_type, reply.diagnostic_code) == (
        status,
        delay_type,
        f"smtp; {code} {text}",
    )


def test_multiline_replies_are_one_line() -> None:
    assert from_smtp(250, b"2.0.0 Ok\nqueued as ABC").line == "250 2.0.0 Ok queued as ABC"


def test_retry_backoff_doubles_up_to_the_ceiling() -> None:
    policy = RetryPolicy(base_seconds=60, max_seconds=900)
    assert [policy.backoff(n).total_seconds() for n in range(1, 7)] == [
        60.0,
        120.0,
        240.0,
        480.0,
        900.0,
        900.0,
    ]
    assert policy.backoff(10_000) == datetime.timedelta(seconds=900)


def test_old_messages_are_forgotten(backend: str, tmp_path: Path) -> None:
    with database_url(backend, str(tmp_path)) as url:
        delivery = DeliverySettings(
            message_retention_seconds=1.0, message_retention_set=True, poll_seconds=0.05
        )
        settings = Settings(
            database_url=url, validate_destinations=False, dispatch_events=False, delivery=delivery
        )
        with serve_in_thread(settings) as server:
            sesv2 = server.client("sesv2")
            sesv2.create_email_identity(EmailIdentity="retention.example.com")
            message_id = sesv2.send_email(
                FromEmailAddress="me@retention.example.com",
                Destination={"ToAddresses": ["you@example.net"]},
                Content={"Simple": {"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "x"}}}},
            )["MessageId"]
            url_of = f"{server.url}/_openses/messages/{message_id}"
            assert httpx.get(url_of).status_code == 200
            gone = eventually(
                lambda: httpx.get(url_of).status_code, lambda s: s == 404, deadline=20
            )
    assert gone == 404
