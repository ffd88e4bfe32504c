"""Verification emails in relay mode (issue 20): SES's own and the custom ones go out through
the delivery queue like any sent message; a custom one sent with a configuration set publishes
the set's Send and Delivery (or Bounce) events."""

from __future__ import annotations

import re
from email.message import Message
from pathlib import Path

import httpx

from tests.delivery.conftest import by_type, delivering
from tests.delivery.peers import sink
from tests.events.peerside import eventually
from tests.peer import AwsPeer
from tests.support import unique

SUCCESS = "https://example.com/verified"


def test_a_custom_verification_email_is_relayed_with_its_sets_events(
    backend: str, tmp_path: Path, peer: AwsPeer
) -> None:
    with sink() as smarthost, delivering(backend, tmp_path, peer, smtp_relay=smarthost.url) as live:
        sesv2 = live.sesv2
        sender = f"welcome@{live.domain}"
        template = unique("t")
        sesv2.create_custom_verification_email_template(
            TemplateName=template,
            FromEmailAddress=sender,
            TemplateSubject="Please confirm",
            TemplateContent="<p>Hello</p>",
            SuccessRedirectionURL=SUCCESS,
            FailureRedirectionURL="https://example.com/failed",
        )
        address = f"{unique('user')}@example.net"
        message_id = sesv2.send_custom_verification_email(
            EmailAddress=address, TemplateName=template, ConfigurationSetName=live.set_name
        )["MessageId"]
        records = by_type(live.events(message_id, 2))
        # still a verification email among the messages, whatever its delivery did
        assert live.message(message_id)["status"] == "verification"
        bounced = sesv2.send_custom_verification_email(
            EmailAddress=f"reject-{unique('user')}@example.net",
            TemplateName=template,
            ConfigurationSetName=live.set_name,
        )["MessageId"]
        bounce_records = by_type(live.events(bounced, 2))

    assert sorted(records) == ["Delivery", "Send"]
    assert records["Delivery"][0]["delivery"]["recipients"] == [address]
    assert records["Send"][0]["mail"]["source"] == sender
    assert sorted(bounce_records) == ["Bounce", "Send"]
    received = [r for r in smarthost.received if r.recipients == [address]]
    assert len(received) == 1
    [mail] = received
    assert mail.message["Message-ID"] == f"<{message_id}@email.amazonses.com>"
    assert mail.message["Subject"] == "Please confirm"
    assert mail.message["From"] == sender
    assert mail.mail_from == f"{message_id}@us-east-1.openses.invalid"
    assert b"/_openses/v/" in mail.data


def test_ses_own_verification_email_is_relayed(backend: str, tmp_path: Path, peer: AwsPeer) -> None:
    with (
        sink() as smarthost,
        delivering(
            backend, tmp_path, peer, smtp_relay=smarthost.url, auto_verify_identities=False
        ) as live,
    ):
        address = f"{unique('user')}@example.net"
        live.sesv2.create_email_identity(EmailIdentity=address)
        live.server.client("ses").verify_email_identity(EmailAddress=address)
        got = eventually(
            lambda: [r for r in smarthost.received if r.recipients == [address]],
            lambda found: len(found) >= 2,
            deadline=20,
        )
        link = _link(got[0].message, live.server.url)
        altered = httpx.get(link[:-2] + ("AA" if not link.endswith("AA") else "BB"))
        followed = httpx.get(link)
        status = live.server.client("ses").get_identity_verification_attributes(
            Identities=[address]
        )["VerificationAttributes"][address]["VerificationStatus"]
    assert (altered.status_code, followed.status_code) == (400, 200)
    assert "This link is not valid." in altered.text
    assert "Your email address is verified." in followed.text
    assert followed.headers["Cache-Control"] == "no-store"
    assert followed.headers["Referrer-Policy"] == "no-referrer"
    assert status == "Success"
    assert len(got) == 2  # each call mails again, as SES restarts verification
    for received in got:
        assert received.message["From"] == "Amazon Web Services <no-reply-aws@amazon.com>"
        assert received.mail_from.endswith("@us-east-1.openses.invalid")
        assert (
            received.mail_from.removesuffix("@us-east-1.openses.invalid")
            in received.message["Message-ID"]
        )


def _link(message: Message, base_url: str) -> str:
    """The verification link in the mail, pointed at the server under test."""
    text = "".join(
        part.get_payload(decode=True).decode()  # type: ignore[union-attr]
        for part in message.walk()
        if not part.is_multipart()
    )
    found = re.search(r"https?://[^\s\"'<>]*(/_openses/v/[A-Za-z0-9_-]+)", text)
    assert found is not None, text
    return base_url + found.group(1)
