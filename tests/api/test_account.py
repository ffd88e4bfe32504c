"""Account-level settings, sending quota and statistics, v1 and v2, against the running app."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import JSON, insert

from openses.store.database import make_engine
from openses.store.tables import messages
from tests.support import LiveServer, fresh_account, strip_metadata

FRESH_ACCOUNT = {
    "DedicatedIpAutoWarmupEnabled": False,
    "EnforcementStatus": "HEALTHY",
    # No sandbox and no limits by default: SES's -1 for unlimited (tests/api/test_sandbox.py)
    "ProductionAccessEnabled": True,
    "SendQuota": {"Max24HourSend": -1.0, "MaxSendRate": -1.0, "SentLast24Hours": 0.0},
    "SendingEnabled": True,
    "SuppressionAttributes": {"SuppressedReasons": ["BOUNCE", "COMPLAINT"]},
}


@pytest.fixture
def account() -> str:
    """A fresh account (its 12-digit access key id), so account settings start at defaults."""
    return fresh_account()


@pytest.fixture
def sesv2(server: LiveServer, account: str) -> Any:
    return server.client("sesv2", access_key=account)


@pytest.fixture
def ses(server: LiveServer, account: str) -> Any:
    return server.client("ses", access_key=account)


@pytest.fixture
def add_message(server: LiveServer, account: str) -> Iterator[Callable[..., None]]:
    """Store a message as the sending pipeline would: its time, status and recipients matter
    here (``recipients`` is the store's ",a@x,b@y," key)."""
    engine = make_engine(server.settings.database_url)

    def add(created_at: datetime.datetime, status: str, to: tuple[str, ...] = ("r@x.net",)) -> None:
        values: dict[str, Any] = {
            "message_id": f"{uuid.uuid4().hex}-000000",
            "account_id": account,
            "region": "us-east-1",
            "source": "sender@example.com",
            "destination": {"to": list(to)},
            "recipients": "," + ",".join(to) + ",",
            "tags": {},
            "status": status,
            "created_at": created_at,
        }
        for column in messages.columns:
            if column.name not in values and not column.nullable and not column.primary_key:
                values[column.name] = {} if isinstance(column.type, JSON) else ""
        with engine.begin() as connection:
            connection.execute(insert(messages).values(**values))

    yield add
    engine.dispose()


def test_fresh_account(sesv2: Any, ses: Any) -> None:
    assert strip_metadata(sesv2.get_account()) == FRESH_ACCOUNT
    assert strip_metadata(ses.get_account_sending_enabled()) == {"Enabled": True}
    assert strip_metadata(ses.get_send_quota()) == {
        "Max24HourSend": -1.0,
        "MaxSendRate": -1.0,
        "SentLast24Hours": 0.0,
    }
    assert strip_metadata(ses.get_send_statistics()) == {"SendDataPoints": []}


def test_sending_switch_v2_and_v1(sesv2: Any, ses: Any) -> None:
    assert strip_metadata(sesv2.put_account_sending_attributes(SendingEnabled=False)) == {}
    assert sesv2.get_account()["SendingEnabled"] is False
    assert ses.get_account_sending_enabled()["Enabled"] is False

    assert strip_metadata(ses.update_account_sending_enabled(Enabled=True)) == {}
    assert sesv2.get_account()["SendingEnabled"] is True
    ses.update_account_sending_enabled(Enabled=False)
    assert ses.get_account_sending_enabled()["Enabled"] is False
    sesv2.put_account_sending_attributes(SendingEnabled=True)
    assert ses.get_account_sending_enabled()["Enabled"] is True


def test_suppression_attributes(sesv2: Any) -> None:
    sesv2.put_account_sending_attributes(SendingEnabled=False)
    assert (
        strip_metadata(sesv2.put_account_suppression_attributes(SuppressedReasons=["COMPLAINT"]))
        == {}
    )
    assert strip_metadata(sesv2.get_account()) == {
        **FRESH_ACCOUNT,
        "SendingEnabled": False,
        "SuppressionAttributes": {"SuppressedReasons": ["COMPLAINT"]},
    }
    sesv2.put_account_suppression_attributes(SuppressedReasons=["BOUNCE", "COMPLAINT", "BOUNCE"])
    assert sesv2.get_account()["SuppressionAttributes"] == {
        "SuppressedReasons": ["BOUNCE", "COMPLAINT"]
    }
    # No reasons at all turns automatic suppression off and leaves the sending switch alone.
    sesv2.put_account_suppression_attributes()
    assert strip_metadata(sesv2.get_account()) == {
        **FRESH_ACCOUNT,
        "SendingEnabled": False,
        "SuppressionAttributes": {"SuppressedReasons": []},
    }


def test_bad_suppression_reason(sesv2: Any, unchecked_sesv2: Any) -> None:
    with pytest.raises(sesv2.exceptions.BadRequestException) as raised:
        unchecked_sesv2.put_account_suppression_attributes(SuppressedReasons=["SPAM"])
    assert raised.value.response["Error"]["Message"] == (
        "1 validation error detected: Value '[SPAM]' at 'suppressedReasons' failed to satisfy "
        "constraint: Member must satisfy constraint: [Member must satisfy enum value set: "
        "[BOUNCE, COMPLAINT]]"
    )
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_settings_are_per_account_and_region(server: LiveServer, sesv2: Any, account: str) -> None:
    sesv2.put_account_sending_attributes(SendingEnabled=False)
    sesv2.put_account_suppression_attributes(SuppressedReasons=["BOUNCE"])
    other_account = server.client("sesv2", access_key=fresh_account())
    other_region = server.client("sesv2", access_key=account, region="eu-west-1")
    assert strip_metadata(other_account.get_account()) == FRESH_ACCOUNT
    assert strip_metadata(other_region.get_account()) == FRESH_ACCOUNT


def test_quota_counts_the_last_24_hours(
    sesv2: Any, ses: Any, add_message: Callable[..., None]
) -> None:
    now = datetime.datetime.now(datetime.UTC)
    for hours, status in [
        (1, "delivered"),
        (2, "bounced"),
        (3, "complained"),
        (4, "suppressed"),
        (5, "rejected"),
        (6, "rendering_failed"),
        (25, "delivered"),
    ]:
        add_message(now - datetime.timedelta(hours=hours), status)
    assert ses.get_send_quota()["SentLast24Hours"] == 4.0
    assert sesv2.get_account()["SendQuota"] == {
        "Max24HourSend": -1.0,
        "MaxSendRate": -1.0,
        "SentLast24Hours": 4.0,
    }


def test_counts_are_per_account(
    server: LiveServer, ses: Any, add_message: Callable[..., None]
) -> None:
    add_message(datetime.datetime.now(datetime.UTC), "delivered")
    assert ses.get_send_quota()["SentLast24Hours"] == 1.0
    other = server.client("ses", access_key=fresh_account())
    assert other.get_send_quota()["SentLast24Hours"] == 0.0
    assert other.get_send_statistics()["SendDataPoints"] == []


def test_quota_and_statistics_count_recipients(
    sesv2: Any, ses: Any, add_message: Callable[..., None]
) -> None:
    """AWS counts every To, Cc and Bcc recipient against the quota (SES developer guide,
    "Sending quotas"); DeliveryAttempts counts them the same way."""
    domain = f"{uuid.uuid4().hex[:12]}.example.com"
    sesv2.create_email_identity(EmailIdentity=domain)
    sesv2.send_email(
        FromEmailAddress=f"sender@{domain}",
        Destination={
            "ToAddresses": ["to-1@example.net", "to-2@example.net"],
            "CcAddresses": ["cc@example.net"],
            "BccAddresses": ["bcc@example.net"],
        },
        Content={"Simple": {"Subject": {"Data": "x"}, "Body": {"Text": {"Data": "x"}}}},
    )
    raw = f"From: sender@{domain}\r\nTo: header-only@example.net\r\nSubject: raw\r\n\r\nbody\r\n"
    ses.send_raw_email(
        RawMessage={"Data": raw.encode()},
        Destinations=["d-1@example.net", "d-2@example.net", "d-3@example.net"],
    )
    assert ses.get_send_quota()["SentLast24Hours"] == 7.0
    assert sesv2.get_account()["SendQuota"]["SentLast24Hours"] == 7.0
    points = ses.get_send_statistics()["SendDataPoints"]
    assert sum(p["DeliveryAttempts"] for p in points) == 7

    # Stored messages count each of their recipients (statistics: tests/reputation/).
    now = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1, hours=1)
    start = now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)
    add_message(start, "bounced", ("a@x.net", "b@x.net", "c@x.net"))
    assert ses.get_send_quota()["SentLast24Hours"] == 7.0
    add_message(datetime.datetime.now(datetime.UTC), "delivered", ("a@x.net", "b@x.net"))
    assert ses.get_send_quota()["SentLast24Hours"] == 9.0
