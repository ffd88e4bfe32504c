"""Temporary and permanent failures: 4xx answers, refused, hanging and dropped connections
and an unmet TLS policy are retried with backoff (one DeliveryDelay, then Delivery, or a
Transient Bounce once MaxDeliverySeconds is over); a 5xx answer is a Permanent Bounce that puts
the address on the account suppression list."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest

from openses.protocol.timestamps import iso8601
from tests.delivery.conftest import HOSTNAME, by_type, delivering
from tests.delivery.peers import (
    ACCEPTED,
    GREYLISTED,
    MAILBOX_FULL,
    REJECTED,
    CertificateAuthority,
    Misbehaving,
    sink,
)
from tests.peer import AwsPeer
from tests.support import free_port


def _at(timestamp: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(timestamp.replace("Z", "+00:00"))


def _expiry(record: dict[str, Any], seconds: int) -> str:
    return iso8601(_at(record["mail"]["timestamp"]) + datetime.timedelta(seconds=seconds))


def test_greylisting_is_retried_with_one_delivery_delay(
    backend: str, tmp_path: Path, peer: AwsPeer
) -> None:
    with sink() as smarthost, delivering(backend, tmp_path, peer, smtp_relay=smarthost.url) as live:
        message_id = live.send("grey-ann@example.net")
        records = by_type(live.events(message_id, 3))
        assert live.status(message_id, "delivered") == "delivered"
    assert sorted(records) == ["Delivery", "DeliveryDelay", "Send"]
    [delay] = records["DeliveryDelay"]
    assert delay["deliveryDelay"] == {
        "timestamp": delay["deliveryDelay"]["timestamp"],
        "delayType": "RecipientServerError",
        # a set without MaxDeliverySeconds: 50400 s (docs/aws-behaviour.md)
        "expirationTime": _expiry(delay, 50_400),
        "delayedRecipients": [
            {
                "emailAddress": "grey-ann@example.net",
                "status": "4.7.1",
                "diagnosticCode": "smtp; " + GREYLISTED.format(address="grey-ann@example.net"),
            }
        ],
        "reportingMTA": "127.0.0.1",
    }
    [delivery] = records["Delivery"]
    assert delivery["delivery"]["recipients"] == ["grey-ann@example.net"]
    assert delivery["delivery"]["smtpResponse"] == ACCEPTED
    [received] = smarthost.received  # delivered once
    assert received.recipients == ["grey-ann@example.net"]


def test_5xx_bounces_permanently_and_suppresses_while_others_are_delivered(
    backend: str, tmp_path: Path, peer: AwsPeer
) -> None:
    with sink() as smarthost, delivering(backend, tmp_path, peer, smtp_relay=smarthost.url) as live:
        message_id = live.send("ann@example.net", "reject-bob@example.net")
        records = by_type(live.events(message_id, 3))
        assert live.status(message_id, "bounced") == "bounced"
        suppressed = live.sesv2.get_suppressed_destination(EmailAddress="reject-bob@example.net")
        again = live.send("reject-bob@example.net")
        again_records = by_type(live.events(again, 2))
    [bounce] = records["Bounce"]
    assert bounce["bounce"] == {
        "bounceType": "Permanent",
        "bounceSubType": "General",
        "bouncedRecipients": [
            {
                "emailAddress": "reject-bob@example.net",
                "action": "failed",
                "status": "5.1.1",
                "diagnosticCode": "smtp; " + REJECTED.format(address="reject-bob@example.net"),
            }
        ],
        "timestamp": bounce["bounce"]["timestamp"],
        "feedbackId": bounce["bounce"]["feedbackId"],
        "reportingMTA": f"dsn; {HOSTNAME}",
        "remoteMtaIp": "127.0.0.1",
    }
    assert records["Delivery"][0]["delivery"]["recipients"] == ["ann@example.net"]
    [received] = smarthost.received
    assert received.recipients == ["ann@example.net"]
    entry = suppressed["SuppressedDestination"]
    assert (entry["EmailAddress"], entry["Reason"]) == ("reject-bob@example.net", "BOUNCE")
    assert entry["Attributes"] == {
        "MessageId": message_id,
        "FeedbackId": bounce["bounce"]["feedbackId"],
    }
    # the next send to it is suppressed by openses, as AWS does
    assert again_records["Bounce"][0]["bounce"]["bounceSubType"] == "OnAccountSuppressionList"


def test_expired_message_bounces_as_transient(backend: str, tmp_path: Path, peer: AwsPeer) -> None:
    with (
        sink() as smarthost,
        delivering(
            backend, tmp_path, peer, smtp_relay=smarthost.url, max_delivery_seconds=2
        ) as live,
    ):
        message_id = live.send("full-ann@example.net")
        records = by_type(live.events(message_id, 3))
        assert live.status(message_id, "bounced") == "bounced"
        listed = live.sesv2.list_suppressed_destinations()["SuppressedDestinationSummaries"]
    assert sorted(records) == ["Bounce", "DeliveryDelay", "Send"]
    assert records["DeliveryDelay"][0]["deliveryDelay"]["delayType"] == "MailboxFull"
    assert records["DeliveryDelay"][0]["deliveryDelay"]["expirationTime"] == _expiry(
        records["Send"][0], 2
    )
    [bounce] = records["Bounce"]
    assert (bounce["bounce"]["bounceType"], bounce["bounce"]["bounceSubType"]) == (
        "Transient",
        "MailboxFull",
    )
    assert bounce["bounce"]["bouncedRecipients"] == [
        {
            "emailAddress": "full-ann@example.net",
            "action": "failed",
            "status": "4.2.2",
            "diagnosticCode": "smtp; " + MAILBOX_FULL.format(address="full-ann@example.net"),
        }
    ]
    assert _at(bounce["bounce"]["timestamp"]) >= _at(bounce["mail"]["timestamp"]) + (
        datetime.timedelta(seconds=2)
    )
    assert listed == []  # a soft bounce does not suppress
    assert smarthost.received == []


def test_refused_connection_is_retried_until_the_relay_is_back(
    backend: str, tmp_path: Path, peer: AwsPeer
) -> None:
    port = free_port()
    with delivering(backend, tmp_path, peer, smtp_relay=f"smtp://127.0.0.1:{port}") as live:
        message_id = live.send("ann@example.net")
        [delay] = live.events(message_id, 2)[1:]
        with sink(port=port) as smarthost:
            records = by_type(live.events(message_id, 3))
            assert live.status(message_id, "delivered") == "delivered"
    assert delay["deliveryDelay"]["delayType"] == "TransientCommunicationFailure"
    assert delay["deliveryDelay"]["delayedRecipients"] == [
        {
            "emailAddress": "ann@example.net",
            "status": "4.4.1",
            "diagnosticCode": "smtp; 421 4.4.1 Unable to connect to remote host",
        }
    ]
    assert "reportingMTA" not in delay["deliveryDelay"]  # no connection, no local address
    assert len(records["Delivery"]) == 1
    assert [r.recipients for r in smarthost.received] == [["ann@example.net"]]


@pytest.mark.parametrize(
    ("mode", "status", "diagnostic"),
    [
        ("hang", "4.4.2", "smtp; 421 4.4.2 Timed out waiting for the remote host"),
        ("drop", "4.4.2", "smtp; 421 4.4.2 Connection dropped by the remote host"),
    ],
)
def test_hanging_and_dropping_peers_are_temporary_failures(
    backend: str, tmp_path: Path, peer: AwsPeer, mode: str, status: str, diagnostic: str
) -> None:
    flaky = Misbehaving(mode)
    try:
        with delivering(backend, tmp_path, peer, smtp_relay=flaky.url, timeout_seconds=0.5) as live:
            message_id = live.send("ann@example.net")
            records = by_type(live.events(message_id, 2))
            assert live.status(message_id, "delayed") == "delayed"
    finally:
        flaky.close()
    delay = records["DeliveryDelay"][0]["deliveryDelay"]
    assert delay["delayType"] == "TransientCommunicationFailure"
    assert delay["delayedRecipients"] == [
        {"emailAddress": "ann@example.net", "status": status, "diagnosticCode": diagnostic}
    ]
    assert flaky.connections >= 1


def test_require_tls_without_starttls_is_delayed_then_bounced(
    backend: str, tmp_path: Path, peer: AwsPeer
) -> None:
    with (
        sink() as smarthost,
        delivering(
            backend,
            tmp_path,
            peer,
            smtp_relay=smarthost.url,
            max_delivery_seconds=2,
            delivery_options={"TlsPolicy": "REQUIRE"},
        ) as live,
    ):
        message_id = live.send("ann@example.net")
        records = by_type(live.events(message_id, 3))
    assert smarthost.received == []  # never in plaintext
    delay = records["DeliveryDelay"][0]["deliveryDelay"]
    assert (delay["delayType"], delay["delayedRecipients"]) == (
        "TransientCommunicationFailure",
        [
            {
                "emailAddress": "ann@example.net",
                "status": "4.7.10",
                "diagnosticCode": "smtp; 421 4.7.10 TLS is required, but the remote host "
                "does not offer it",
            }
        ],
    )
    bounce = records["Bounce"][0]["bounce"]
    assert (bounce["bounceType"], bounce["bounceSubType"]) == ("Transient", "General")


def test_require_tls_with_an_untrusted_certificate_is_not_delivered(
    backend: str, tmp_path: Path, peer: AwsPeer, ca_file: str
) -> None:
    stranger = CertificateAuthority()  # not in OPENSES_SMTP_CA_FILE
    with (
        sink(starttls=stranger.server_context("localhost")) as smarthost,
        delivering(
            backend,
            tmp_path,
            peer,
            smtp_relay=f"smtp://localhost:{smarthost.port}",
            smtp_ca_file=ca_file,
            delivery_options={"TlsPolicy": "REQUIRE"},
        ) as live,
    ):
        message_id = live.send("ann@example.net")
        records = by_type(live.events(message_id, 2))
        assert live.status(message_id, "delayed") == "delayed"
    assert smarthost.received == []
    assert records["DeliveryDelay"][0]["deliveryDelay"]["delayedRecipients"][0] == {
        "emailAddress": "ann@example.net",
        "status": "4.7.5",
        "diagnosticCode": "smtp; 421 4.7.5 TLS negotiation or certificate verification failed",
    }


def test_optional_tls_encrypts_even_with_an_untrusted_certificate(
    backend: str, tmp_path: Path, peer: AwsPeer
) -> None:
    stranger = CertificateAuthority()
    with (
        sink(starttls=stranger.server_context("localhost")) as smarthost,
        delivering(
            backend, tmp_path, peer, smtp_relay=f"smtp://localhost:{smarthost.port}"
        ) as live,
    ):
        message_id = live.send("ann@example.net")
        assert live.status(message_id, "delivered") == "delivered"
    [received] = smarthost.received
    assert received.tls is True
