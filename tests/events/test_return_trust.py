"""Returns openses trusts (issue 16): a return path is taken only at a domain openses uses in
MAIL FROM (its own return-path domain, or an identity's custom MAIL FROM domain); a DSN that
arrives twice for the same message and recipient is kept as unmatched and makes no second
Bounce event. Asserted at the moto peer's SQS queue and the returns list."""

from __future__ import annotations

import smtplib

import pytest

from tests.events.test_returns import Sent, return_path, returning, returns_list
from tests.peer import AwsPeer
from tests.returned_mail import Failure, deliver, dsn
from tests.support import LiveServer, unique

__all__ = ["returning"]  # the module-scoped server of test_returns.py


def bounced(event: dict[str, object]) -> list[str]:
    bounce = event["bounce"]
    assert isinstance(bounce, dict)
    return [r["emailAddress"] for r in bounce["bouncedRecipients"]]


def test_a_return_path_at_a_foreign_domain_is_no_return(
    returning: LiveServer, peer: AwsPeer
) -> None:
    sent = Sent(returning, peer)
    forged_for, real = f"{unique('f')}@example.net", f"{unique('r')}@example.net"
    message_id = sent.send(forged_for, real)
    port = returning.settings.inbound_smtp_port
    with pytest.raises(smtplib.SMTPRecipientsRefused) as raised:
        deliver(port, [f"{message_id}@forger.example.org"], dsn([Failure(forged_for, "5.1.1")]))
    assert raised.value.recipients == {
        f"{message_id}@forger.example.org": (
            550,
            b"5.1.1 Requested action not taken: mailbox unavailable",
        )
    }
    deliver(port, [return_path(message_id)], dsn([Failure(real, "5.1.1")]))
    (event,) = sent.events(1)
    assert bounced(event) == [real]


def test_a_custom_mail_from_domain_takes_returns(returning: LiveServer, peer: AwsPeer) -> None:
    sent = Sent(returning, peer)
    mail_from = f"bounce.{sent.domain}"
    sent.sesv2.put_email_identity_mail_from_attributes(
        EmailIdentity=sent.domain, MailFromDomain=mail_from
    )
    gone = f"{unique('gone')}@example.net"
    message_id = sent.send(gone)
    deliver(
        returning.settings.inbound_smtp_port,
        [f"{message_id}@{mail_from.upper()}"],
        dsn([Failure(gone, "5.1.1")]),
    )
    (event,) = sent.events(1)
    assert event["mail"]["messageId"] == message_id
    assert bounced(event) == [gone]


def test_a_dsn_twice_for_the_same_recipient_is_one_bounce(
    returning: LiveServer, peer: AwsPeer
) -> None:
    sent = Sent(returning, peer)
    first, second = f"{unique('a')}@example.net", f"{unique('b')}@example.net"
    message_id = sent.send(first, second)
    port = returning.settings.inbound_smtp_port
    deliver(port, [return_path(message_id)], dsn([Failure(first, "5.1.1")]))
    deliver(port, [return_path(message_id)], dsn([Failure(first.upper(), "5.1.1")]))
    # both again: only the recipient not bounced yet makes a Bounce
    deliver(
        port,
        [return_path(message_id)],
        dsn([Failure(first, "5.1.1"), Failure(second, "5.2.2", "smtp; 552 full")]),
    )
    events = sent.events(2)
    assert [bounced(event) for event in events] == [[first], [second]]
    recorded = returns_list(returning, messageId=message_id)
    assert [r["outcome"] for r in recorded] == ["recorded", "recorded"]
    repeated = returns_list(returning, unmatched="true", limit="5")
    assert any(r["recipients"] == [return_path(message_id)] for r in repeated)
