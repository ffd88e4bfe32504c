"""SMTP submission through the wire: smtplib and aiosmtplib on the STARTTLS and implicit-TLS
ports, AUTH PLAIN and LOGIN, and SES's replies; the sends land as SendRawEmail's would."""

from __future__ import annotations

import asyncio
import smtplib
import socket
import ssl
from collections.abc import Iterator
from typing import Any

import aiosmtplib
import httpx
import pytest

from openses.config import Settings
from tests.smtp.support import captured, message, message_id_of, trusting
from tests.support import (
    LiveServer,
    authorization,
    database_url,
    fresh_account,
    serve_in_thread,
    v2_configuration_sets,
    verified_sender,
)


@pytest.fixture
def sender(sesv2: Any) -> Iterator[str]:
    with verified_sender(sesv2, "smtp") as address:
        yield address


def starttls(server: LiveServer, user: str | None = "AKIAEXAMPLE") -> smtplib.SMTP:
    client = smtplib.SMTP("127.0.0.1", server.settings.smtp_port, timeout=30)
    client.starttls(context=trusting(server))
    client.ehlo()
    if user is not None:
        client.login(user, "any password in open mode")
    return client


def send(client: smtplib.SMTP, source: str, recipients: list[str], data: bytes) -> bytes:
    assert client.mail(source) == (250, b"Ok")
    for recipient in recipients:
        assert client.rcpt(recipient) == (250, b"Ok")
    code, reply = client.data(data)
    assert code == 250, reply
    return reply


def test_starttls_with_auth_login_sends_as_send_raw_email(
    server: LiveServer, sesv2: Any, sender: str
) -> None:
    with v2_configuration_sets(sesv2, "smtp") as make, starttls(server, user=None) as client:
        set_name = make()
        client.user, client.password = "AKIAEXAMPLE", "secret"
        assert client.auth("LOGIN", client.auth_login) == (235, b"Authentication successful.")
        data = message(
            sender,
            f"X-SES-CONFIGURATION-SET: {set_name}",
            "X-SES-MESSAGE-TAGS: campaign=spring, team=mail",
            f"X-SES-SOURCE-ARN: arn:aws:ses:us-east-1:123456789012:identity/{sender}",
            f"X-SES-FROM-ARN: arn:aws:ses:us-east-1:123456789012:identity/{sender}",
            f"X-SES-RETURN-PATH-ARN: arn:aws:ses:us-east-1:123456789012:identity/{sender}",
            "Bcc: hidden@example.org",
        )
        message_id = message_id_of(
            send(client, sender, ["you@example.net", "bcc@example.org"], data)
        )
    got = captured(server, message_id)
    assert (got["from"], got["destination"], got["configurationSet"], got["status"]) == (
        sender,
        {"to": ["you@example.net"], "cc": [], "bcc": ["bcc@example.org"]},
        set_name,
        "delivered",
    )
    names = [header["name"].lower() for header in got["headers"]]
    assert [n for n in names if n.startswith("x-ses") or n == "bcc"] == []
    assert got["text"] == "Hello over SMTP\n"
    assert got["tags"] == {"campaign": ["spring"], "team": ["mail"]}


def test_implicit_tls_with_auth_plain(server: LiveServer, sender: str) -> None:
    with smtplib.SMTP_SSL(
        "127.0.0.1", server.settings.smtps_port, context=trusting(server), timeout=30
    ) as client:
        client.ehlo()
        assert client.esmtp_features["auth"] == " LOGIN PLAIN"
        client.user, client.password = "AKIAEXAMPLE", "secret"
        assert client.auth("PLAIN", client.auth_plain) == (235, b"Authentication successful.")
        message_id = message_id_of(send(client, sender, ["you@example.net"], message(sender)))
    assert captured(server, message_id)["destination"] == {
        "to": ["you@example.net"],
        "cc": [],
        "bcc": [],
    }


@pytest.mark.parametrize("implicit_tls", [False, True])
def test_aiosmtplib_on_both_ports(server: LiveServer, sender: str, implicit_tls: bool) -> None:
    async def submit() -> tuple[dict[str, Any], str]:
        port = server.settings.smtps_port if implicit_tls else server.settings.smtp_port
        client = aiosmtplib.SMTP(
            hostname="127.0.0.1",
            port=port,
            use_tls=implicit_tls,
            start_tls=not implicit_tls,
            tls_context=trusting(server),
            username="AKIAEXAMPLE",
            password="secret",
        )
        async with client:
            result = await client.sendmail(sender, ["you@example.net"], message(sender))
        # let the TLS close finish before asyncio.run closes the loop under it
        await asyncio.sleep(0.1)
        return result

    refused, reply = asyncio.run(submit())
    assert refused == {}
    assert captured(server, message_id_of(reply.encode()))["from"] == sender


def test_loopback_may_send_without_auth_in_open_mode(server: LiveServer, sender: str) -> None:
    with starttls(server, user=None) as client:
        message_id = message_id_of(send(client, sender, ["you@example.net"], message(sender)))
    assert captured(server, message_id)["status"] == "delivered"


def _refused(client: smtplib.SMTP, source: str, recipients: list[str], data: bytes) -> Any:
    client.mail(source)
    for recipient in recipients:
        client.rcpt(recipient)
    return client.data(data)


def _nothing_from(server: LiveServer, source: str, account: str = "test") -> bool:
    """No captured message from ``source`` in ``account``'s mail (/_openses is per account)."""
    got = httpx.get(
        f"{server.url}/_openses/messages",
        params={"from": source},
        headers={"Authorization": authorization(account)},
    )
    return bool(got.json()["messages"] == [])


def test_unverified_sender_is_rejected_with_ses_reply(server: LiveServer) -> None:
    source = "someone@unverified-smtp.example.com"
    with starttls(server) as client:
        assert _refused(client, source, ["you@example.net"], message(source)) == (
            554,
            b"Message rejected: Email address is not verified. The following identities failed "
            b"the check in region US-EAST-1: someone@unverified-smtp.example.com",
        )
    assert _nothing_from(server, source)


def test_more_than_fifty_recipients_are_refused(server: LiveServer, sender: str) -> None:
    recipients = [f"r{i}@example.net" for i in range(51)]
    with starttls(server) as client:
        assert _refused(client, sender, recipients, message(sender)) == (
            554,
            b"Transaction failed: Recipient count exceeds 50.",
        )
    assert _nothing_from(server, sender)


def test_unknown_configuration_set_header_is_refused(server: LiveServer, sender: str) -> None:
    data = message(sender, "X-SES-CONFIGURATION-SET: no-such-set")
    with starttls(server) as client:
        assert _refused(client, sender, ["you@example.net"], data) == (
            554,
            b"Transaction failed: Configuration set <no-such-set> does not exist.",
        )
    assert _nothing_from(server, sender)


def test_paused_account_is_refused(server: LiveServer) -> None:
    account = fresh_account()
    sesv2 = server.client("sesv2", access_key=account)
    with verified_sender(sesv2, "paused") as source:
        sesv2.put_account_sending_attributes(SendingEnabled=False)
        try:
            with starttls(server, user=account) as client:
                assert _refused(client, source, ["you@example.net"], message(source)) == (
                    554,
                    b"Message rejected: Sending is paused for this account.",
                )
        finally:
            sesv2.put_account_sending_attributes(SendingEnabled=True)
    assert _nothing_from(server, source, account)


def test_declared_size_over_the_limit_gets_552(server: LiveServer, sender: str) -> None:
    with starttls(server) as client:
        assert client.mail(sender, ["SIZE=41943041"]) == (552, b"Message is too long.")


def test_empty_user_name_gets_535(server: LiveServer) -> None:
    with starttls(server, user=None) as client:
        client.user, client.password = "", "secret"
        with pytest.raises(smtplib.SMTPAuthenticationError) as raised:
            client.auth("PLAIN", client.auth_plain)
    assert (raised.value.smtp_code, raised.value.smtp_error) == (
        535,
        b"Authentication Credentials Invalid",
    )


def test_tls_comes_first(server: LiveServer) -> None:
    with smtplib.SMTP("127.0.0.1", server.settings.smtp_port, timeout=30) as client:
        client.ehlo()
        assert client.docmd("AUTH", "PLAIN AGEAYg==") == (
            530,
            b"Must issue a STARTTLS command first",
        )
        assert client.mail("a@example.com") == (530, b"Must issue a STARTTLS command first")


@pytest.fixture(scope="module")
def everywhere(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """openses whose SMTP ports listen on every address, reachable from a non-loopback one."""
    with database_url(backend, str(tmp_path_factory.mktemp("smtp-any"))) as url:
        settings = Settings(database_url=url, host="0.0.0.0", dispatch_events=False)
        with serve_in_thread(settings) as live:
            yield live


def test_without_auth_from_elsewhere_gets_530(everywhere: LiveServer) -> None:
    address = _non_loopback_address()
    with smtplib.SMTP(address, everywhere.settings.smtp_port, timeout=30) as client:
        client.starttls(context=_unverified())
        client.ehlo()
        assert client.mail("a@example.com") == (530, b"Authentication required")
        client.login("AKIAEXAMPLE", "secret")
        assert client.mail("a@example.com") == (250, b"Ok")


def _non_loopback_address() -> str:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("192.0.2.1", 9))  # no packet is sent; this picks the outward address
        address = str(probe.getsockname()[0])
    if address.startswith("127."):
        pytest.skip("this machine has no non-loopback IPv4 address")
    return address


def _unverified() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context
