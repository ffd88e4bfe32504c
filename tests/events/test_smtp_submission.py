"""Mail submitted over SMTP, as applications send it (smtplib, aiosmtplib, Django's SMTP
backend), reaches the moto peer's SQS queue as the events of a SendRawEmail would."""

from __future__ import annotations

import asyncio
import json
import smtplib
from collections.abc import Callable
from typing import Any

import aiosmtplib
import django
import httpx
import pytest
from django.conf import settings as django_settings
from django.core.mail import EmailMessage, get_connection, send_mail

from tests.events.peerside import collect, topic_with_queue
from tests.peer import AwsPeer
from tests.smtp.support import message, trusting
from tests.support import LiveServer, unique


def _smtplib(server: LiveServer, sender: str, set_name: str) -> None:
    with smtplib.SMTP("127.0.0.1", server.settings.smtp_port, timeout=30) as client:
        client.starttls(context=trusting(server))
        client.login("AKIAEXAMPLE", "secret")
        data = message(sender, f"X-SES-CONFIGURATION-SET: {set_name}")
        assert client.sendmail(sender, ["success@simulator.amazonses.com"], data) == {}


def _aiosmtplib(server: LiveServer, sender: str, set_name: str) -> None:
    async def submit() -> None:
        async with aiosmtplib.SMTP(
            hostname="127.0.0.1",
            port=server.settings.smtps_port,
            use_tls=True,
            tls_context=trusting(server),
            username="AKIAEXAMPLE",
            password="secret",
        ) as client:
            data = message(sender, f"X-SES-CONFIGURATION-SET: {set_name}")
            await client.sendmail(sender, ["success@simulator.amazonses.com"], data)
        # let the TLS close finish before asyncio.run closes the loop under it
        await asyncio.sleep(0.1)

    asyncio.run(submit())


def _django(server: LiveServer, sender: str, set_name: str) -> None:
    if not django_settings.configured:
        django_settings.configure()
        django.setup()
    connection: Any = get_connection(
        "django.core.mail.backends.smtp.EmailBackend",
        host="127.0.0.1",
        port=server.settings.smtp_port,
        username="AKIAEXAMPLE",
        password="secret",
        use_tls=True,
        timeout=30,
    )
    connection.ssl_context = trusting(server)
    mail = EmailMessage(
        "over SMTP",
        "Hello from Django",
        sender,
        ["success@simulator.amazonses.com"],
        headers={"X-SES-CONFIGURATION-SET": set_name},
        connection=connection,
    )
    assert mail.send() == 1


@pytest.mark.parametrize("client", [_smtplib, _aiosmtplib, _django])
def test_smtp_sends_publish_send_and_delivery_events(
    publishing: LiveServer, peer: AwsPeer, client: Callable[[LiveServer, str, str], None]
) -> None:
    sesv2 = publishing.client("sesv2")
    domain = f"{unique('smtp')}.example.com"
    sesv2.create_email_identity(EmailIdentity=domain)
    set_name = unique("smtp")
    sesv2.create_configuration_set(ConfigurationSetName=set_name)
    topic = topic_with_queue(peer)
    sesv2.create_configuration_set_event_destination(
        ConfigurationSetName=set_name,
        EventDestinationName="sns",
        EventDestination={
            "Enabled": True,
            "MatchingEventTypes": ["SEND", "DELIVERY"],
            "SnsDestination": {"TopicArn": topic.arn},
        },
    )
    sender = f"app@{domain}"
    client(publishing, sender, set_name)
    # first the validation message SES sends a new SNS destination (text), then the events
    received = [envelope["Message"] for envelope in collect(peer, topic.queue_url, 3)]
    events = [json.loads(text) for text in received if text.startswith("{")]
    assert len(received) == 3
    assert sorted(e["eventType"] for e in events) == ["Delivery", "Send"]
    for event in events:
        mail = event["mail"]
        assert (mail["source"], mail["destination"]) == (
            sender,
            ["success@simulator.amazonses.com"],
        )
        assert mail["tags"]["ses:operation"] == ["SendSmtpEmail"]
        assert mail["tags"]["ses:configuration-set"] == [set_name]
        assert mail["tags"]["ses:caller-identity"] == ["AKIAEXAMPLE"]


def test_django_send_mail_lands_in_the_inbox_and_at_the_peer(
    publishing: LiveServer, peer: AwsPeer
) -> None:
    """Django's ``send_mail`` through its SMTP backend (STARTTLS, AUTH), as a Django project
    configured with openses' host, port and an access key sends it."""
    if not django_settings.configured:
        django_settings.configure()
        django.setup()
    sesv2 = publishing.client("sesv2")
    domain = f"{unique('django')}.example.com"
    sesv2.create_email_identity(EmailIdentity=domain)
    set_name = unique("django")
    sesv2.create_configuration_set(ConfigurationSetName=set_name)
    topic = topic_with_queue(peer)
    sesv2.create_configuration_set_event_destination(
        ConfigurationSetName=set_name,
        EventDestinationName="sns",
        EventDestination={
            "Enabled": True,
            "MatchingEventTypes": ["SEND", "DELIVERY"],
            "SnsDestination": {"TopicArn": topic.arn},
        },
    )
    sesv2.put_email_identity_configuration_set_attributes(
        EmailIdentity=domain, ConfigurationSetName=set_name
    )
    connection: Any = get_connection(
        "django.core.mail.backends.smtp.EmailBackend",
        host="127.0.0.1",
        port=publishing.settings.smtp_port,
        username="AKIAEXAMPLE",
        password="secret",
        use_tls=True,
        timeout=30,
    )
    connection.ssl_context = trusting(publishing)
    recipient = f"{unique('reader')}@example.net"
    sent = send_mail(
        "Hello from Django",
        "Sent with django.core.mail.send_mail",
        f"app@{domain}",
        [recipient],
        connection=connection,
    )
    assert sent == 1

    inbox = httpx.get(f"{publishing.url}/_openses/messages", params={"to": recipient}).json()
    [summary] = inbox["messages"]
    assert (summary["from"], summary["subject"], summary["status"]) == (
        f"app@{domain}",
        "Hello from Django",
        "delivered",
    )
    message_id = summary["messageId"]
    body = httpx.get(f"{publishing.url}/_openses/messages/{message_id}").json()
    assert body["text"] == "Sent with django.core.mail.send_mail\n"
    # first the validation message, then the Send and Delivery events of that message
    received = [envelope["Message"] for envelope in collect(peer, topic.queue_url, 3)]
    events = [json.loads(text) for text in received if text.startswith("{")]
    assert len(received) == 3
    assert sorted((e["eventType"], e["mail"]["messageId"]) for e in events) == [
        ("Delivery", message_id),
        ("Send", message_id),
    ]
    assert {tuple(e["mail"]["destination"]) for e in events} == {(recipient,)}
