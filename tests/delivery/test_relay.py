"""Relay mode: every message goes to the smarthost of OPENSES_SMTP_RELAY; the Delivery, Bounce
and DeliveryDelay events come from the real SMTP conversation and land at the moto peer."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from tests.delivery.conftest import HOSTNAME, by_type, delivering
from tests.delivery.peers import ACCEPTED, CertificateAuthority, sink
from tests.events.peerside import collect, topic_with_queue
from tests.peer import AwsPeer

SIM = "simulator.amazonses.com"


def _parse(timestamp: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(timestamp.replace("Z", "+00:00"))


def test_relay_delivers_one_transaction_and_publishes_delivery(
    backend: str, tmp_path: Path, peer: AwsPeer
) -> None:
    with sink() as smarthost, delivering(backend, tmp_path, peer, smtp_relay=smarthost.url) as live:
        message_id = live.send("ann@one.example.net", "bob@two.example.net")
        records = by_type(live.events(message_id, 2))
        assert live.status(message_id, "delivered") == "delivered"

    assert sorted(records) == ["Delivery", "Send"]
    [received] = smarthost.received
    assert received.recipients == ["ann@one.example.net", "bob@two.example.net"]
    assert received.message["Message-ID"] == f"<{message_id}@email.amazonses.com>"
    assert received.message["Subject"] == "Hello"
    assert received.message["From"] == f"sender@{live.domain}"
    # openses' own return-path domain: the identity has no custom MAIL FROM domain
    assert received.mail_from == f"{message_id}@us-east-1.openses.invalid"
    assert received.tls is False  # the sink offers no STARTTLS: OPTIONAL sends in plaintext
    [delivery] = records["Delivery"]
    body = delivery["delivery"]
    accepted_at = _parse(delivery["mail"]["timestamp"])
    assert body == {
        "timestamp": body["timestamp"],
        "processingTimeMillis": body["processingTimeMillis"],
        "recipients": ["ann@one.example.net", "bob@two.example.net"],
        "smtpResponse": ACCEPTED,
        "reportingMTA": HOSTNAME,
        "remoteMtaIp": "127.0.0.1",
    }
    delivered_at = _parse(body["timestamp"])
    # both ends are millisecond timestamps; the count is taken from the unrounded moments
    elapsed = (delivered_at - accepted_at).total_seconds() * 1000
    assert abs(body["processingTimeMillis"] - elapsed) <= 1
    assert body["processingTimeMillis"] >= 0
    assert delivery["mail"]["tags"]["ses:outgoing-ip"] == ["127.0.0.1"]
    assert "ses:outgoing-ip" not in records["Send"][0]["mail"]["tags"]


def test_starttls_and_auth_with_the_relay(
    backend: str, tmp_path: Path, peer: AwsPeer, test_ca: CertificateAuthority, ca_file: str
) -> None:
    context = test_ca.server_context("localhost")
    with sink(
        host="127.0.0.1", starttls=context, credentials=("relay-user", "s3cret")
    ) as smarthost:
        url = f"smtp://relay-user:s3cret@localhost:{smarthost.port}"
        with delivering(
            backend,
            tmp_path,
            peer,
            smtp_relay=url,
            smtp_ca_file=ca_file,
            delivery_options={"TlsPolicy": "REQUIRE"},
        ) as live:
            message_id = live.send("ann@example.net")
            assert live.status(message_id, "delivered") == "delivered"
    [received] = smarthost.received
    assert (received.tls, received.login) == (True, "relay-user")
    assert smarthost.behaviour.logins == [("PLAIN", "relay-user")]


def test_simulator_and_suppressed_mail_never_leaves(
    backend: str, tmp_path: Path, peer: AwsPeer
) -> None:
    with sink() as smarthost, delivering(backend, tmp_path, peer, smtp_relay=smarthost.url) as live:
        live.sesv2.put_suppressed_destination(EmailAddress="gone@example.net", Reason="BOUNCE")
        message_id = live.send(f"success@{SIM}", "gone@example.net")
        records = by_type(live.events(message_id, 3))
        assert live.message(message_id)["status"] == "delivered"
    assert smarthost.received == []
    assert sorted(records) == ["Bounce", "Delivery", "Send"]
    assert records["Delivery"][0]["delivery"]["recipients"] == [f"success@{SIM}"]
    assert records["Delivery"][0]["delivery"]["smtpResponse"] == "250 2.6.0 Message received"
    assert records["Bounce"][0]["bounce"]["bounceSubType"] == "OnAccountSuppressionList"


def test_identity_notifications_come_from_the_conversation(
    backend: str, tmp_path: Path, peer: AwsPeer
) -> None:
    topic = topic_with_queue(peer)
    with sink() as smarthost, delivering(backend, tmp_path, peer, smtp_relay=smarthost.url) as live:
        ses = live.server.client("ses")
        for kind in ("Delivery", "Bounce"):
            ses.set_identity_notification_topic(
                Identity=live.domain, NotificationType=kind, SnsTopic=topic.arn
            )
        collect(peer, topic.queue_url, 2)  # the two subscription confirmations
        message_id = live.send("ann@example.net", "reject-bob@example.net")
        notifications = [json.loads(e["Message"]) for e in collect(peer, topic.queue_url, 2)]
    kinds = {n["notificationType"]: n for n in notifications}
    assert sorted(kinds) == ["Bounce", "Delivery"]
    assert kinds["Delivery"]["mail"]["messageId"] == message_id
    assert kinds["Delivery"]["delivery"]["recipients"] == ["ann@example.net"]
    assert kinds["Delivery"]["delivery"]["smtpResponse"] == ACCEPTED
    assert kinds["Delivery"]["delivery"]["remoteMtaIp"] == "127.0.0.1"
    assert kinds["Bounce"]["bounce"]["bouncedRecipients"][0]["status"] == "5.1.1"


def test_implicit_tls_relay_and_auth_login(
    backend: str, tmp_path: Path, peer: AwsPeer, test_ca: CertificateAuthority, ca_file: str
) -> None:
    context = test_ca.server_context("localhost")
    with (
        sink(
            implicit_tls=context,
            credentials=("relay-user", "s3cret"),
            auth_mechanisms_excluded=("PLAIN",),
        ) as smarthost,
        delivering(
            backend,
            tmp_path,
            peer,
            smtp_relay=f"smtps://relay-user:s3cret@localhost:{smarthost.port}",
            smtp_ca_file=ca_file,
        ) as live,
    ):
        message_id = live.send("ann@example.net")
        assert live.status(message_id, "delivered") == "delivered"
    [received] = smarthost.received
    assert (received.recipients, received.tls, received.login) == (
        ["ann@example.net"],
        True,
        "relay-user",
    )
    assert smarthost.behaviour.logins == [("LOGIN", "relay-user")]
