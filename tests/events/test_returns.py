"""Returns (issue 16): real DSNs and ARF reports delivered over SMTP to the inbound listener
become the Bounce and Complaint events of the message they answer, at the moto peer's SQS
queue; the suppression list (read back through boto3), identity notifications and forwarding
follow as for the simulator's; returns that match nothing are kept and listed."""

from __future__ import annotations

import json
import smtplib
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from openses.services.return_path import is_default_domain
from openses.smtp import inbound
from tests.events.conftest import publishing_settings
from tests.events.peerside import Topic, collect, topic_with_queue
from tests.events_schema import schema_errors
from tests.peer import AwsPeer
from tests.returned_mail import Failure, arf, deliver, dsn
from tests.smtp.support import trusting
from tests.support import LiveServer, database_url, serve_in_thread, unique

FEEDBACK_ADDRESS = "fbl@feedback.openses.test"
RETURN_DOMAIN = "us-east-1.openses.invalid"  # OPENSES_RETURN_PATH_DOMAIN's default
VERP_ID = "0100018c0a1b2c3d-11111111-2222-3333-4444-555555555555-000000"
VALIDATION_PREFIX = "Successfully validated SNS topic"


ADMIN_TOKEN = "returns-operator"
OPERATOR = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture(scope="module")
def returning(
    backend: str, tmp_path_factory: pytest.TempPathFactory, peer: AwsPeer
) -> Iterator[LiveServer]:
    """openses publishing to the peer, with its inbound listener on and a feedback address."""
    tmp = tmp_path_factory.mktemp(f"returns-{backend}")
    with database_url(backend, str(tmp)) as url:
        settings = publishing_settings(
            url,
            peer,
            inbound_smtp_port=1,
            feedback_address=FEEDBACK_ADDRESS,
            admin_token=ADMIN_TOKEN,  # the unmatched returns are the operator's to see
        )
        with serve_in_thread(settings) as live:
            yield live


class Sent:
    def __init__(self, server: LiveServer, peer: AwsPeer, **set_options: Any) -> None:
        self.server = server
        self.sesv2 = server.client("sesv2")
        self.domain = f"{unique('ret')}.example.com"
        self.sesv2.create_email_identity(EmailIdentity=self.domain)
        self.set_name = unique("ret")
        self.sesv2.create_configuration_set(ConfigurationSetName=self.set_name, **set_options)
        self.topic: Topic = topic_with_queue(peer)
        self.peer = peer
        self.sesv2.create_configuration_set_event_destination(
            ConfigurationSetName=self.set_name,
            EventDestinationName="sns",
            EventDestination={
                "Enabled": True,
                "MatchingEventTypes": ["BOUNCE", "COMPLAINT"],
                "SnsDestination": {"TopicArn": self.topic.arn},
            },
        )

    def send(self, *recipients: str) -> str:
        sent = self.sesv2.send_email(
            FromEmailAddress=f"app@{self.domain}",
            Destination={"ToAddresses": list(recipients)},
            ConfigurationSetName=self.set_name,
            Content={"Simple": {"Subject": {"Data": "Hello"}, "Body": {"Text": {"Data": "Hi"}}}},
        )
        message_id: str = sent["MessageId"]
        return message_id

    def events(self, count: int) -> list[dict[str, Any]]:
        """``count`` events (after the destination's validation message) from the queue."""
        received = collect(self.peer, self.topic.queue_url, count + 1)
        texts = [e["Message"] for e in received if not e["Message"].startswith(VALIDATION_PREFIX)]
        assert len(texts) == count, texts
        records = [json.loads(text) for text in texts]
        for record in records:
            assert schema_errors(record) == [], record
        return records


def return_path(message_id: str) -> str:
    return f"{message_id}@{RETURN_DOMAIN}"


def message_id_header(server: LiveServer, message_id: str) -> str:
    got = httpx.get(f"{server.url}/_openses/messages/{message_id}", headers=OPERATOR).json()
    return str(next(h["value"] for h in got["headers"] if h["name"].lower() == "message-id"))


def suppressed_reason(sesv2: Any, address: str) -> str | None:
    try:
        found = sesv2.get_suppressed_destination(EmailAddress=address)
    except sesv2.exceptions.NotFoundException:
        return None
    reason: str = found["SuppressedDestination"]["Reason"]
    return reason


def returns_list(server: LiveServer, **params: str) -> list[dict[str, Any]]:
    got = httpx.get(f"{server.url}/_openses/returns", params=params, headers=OPERATOR)
    assert got.status_code == 200, got.text
    found: list[dict[str, Any]] = got.json()["returns"]
    return found


def test_a_dsn_to_the_return_path_is_a_bounce_event_and_suppresses(
    returning: LiveServer, peer: AwsPeer
) -> None:
    sent = Sent(returning, peer)
    gone, full = f"{unique('gone')}@example.net", f"{unique('full')}@example.net"
    message_id = sent.send(gone, full)
    report = dsn(
        [
            Failure(
                gone,
                "5.1.1",
                "smtp; 550 5.1.1 <gone>: Recipient address rejected",
                remote_mta="192.0.2.25",
            ),
            Failure(full, "4.2.2", "smtp; 452 4.2.2 Mailbox full"),
        ]
    )
    deliver(returning.settings.inbound_smtp_port, [return_path(message_id)], report)

    events = sent.events(2)
    by_type = {e["bounce"]["bounceType"]: e for e in events}
    assert {e["eventType"] for e in events} == {"Bounce"}
    assert {e["mail"]["messageId"] for e in events} == {message_id}
    permanent, transient = by_type["Permanent"]["bounce"], by_type["Transient"]["bounce"]
    assert permanent["bounceSubType"] == "NoEmail"
    assert permanent["bouncedRecipients"] == [
        {
            "emailAddress": gone,
            "action": "failed",
            "status": "5.1.1",
            "diagnosticCode": "smtp; 550 5.1.1 <gone>: Recipient address rejected",
        }
    ]
    assert (permanent["reportingMTA"], permanent["remoteMtaIp"]) == (
        "dsn; mx.example.net",
        "192.0.2.25",
    )
    assert transient["bounceSubType"] == "MailboxFull"
    assert transient["bouncedRecipients"] == [
        {
            "emailAddress": full,
            "action": "failed",
            "status": "4.2.2",
            "diagnosticCode": "smtp; 452 4.2.2 Mailbox full",
        }
    ]
    # the account's default reasons are BOUNCE and COMPLAINT; only hard bounces suppress
    assert suppressed_reason(sent.sesv2, gone) == "BOUNCE"
    assert suppressed_reason(sent.sesv2, full) is None
    listed = returns_list(returning, account="123456789012", messageId=message_id)
    assert [(r["kind"], r["outcome"], r["messageId"], r["region"]) for r in listed] == [
        ("bounce", "recorded", message_id, "us-east-1")
    ]
    assert sorted(listed[0]["feedbackIds"]) == sorted(
        [permanent["feedbackId"], transient["feedbackId"]]
    )
    status = httpx.get(f"{returning.url}/_openses/messages/{message_id}", headers=OPERATOR).json()[
        "status"
    ]
    assert status == "bounced"


def test_an_arf_report_to_the_feedback_address_is_a_complaint_event(
    returning: LiveServer, peer: AwsPeer
) -> None:
    sent = Sent(returning, peer)
    recipient = f"{unique('angry')}@example.net"
    message_id = sent.send(recipient)
    report = arf(recipient=recipient, original_message_id=message_id_header(returning, message_id))
    deliver(
        returning.settings.inbound_smtp_port,
        [FEEDBACK_ADDRESS],
        report,
        mail_from="fbl@isp.example.org",
    )

    [event] = sent.events(1)
    assert (event["eventType"], event["mail"]["messageId"]) == ("Complaint", message_id)
    complaint = event["complaint"]
    assert {
        k: complaint[k]
        for k in ("complainedRecipients", "complaintFeedbackType", "userAgent", "arrivalDate")
    } == {
        "complainedRecipients": [{"emailAddress": recipient}],
        "complaintFeedbackType": "abuse",
        "userAgent": "SomeISP-FBL/1.0",
        "arrivalDate": "2026-12-03T08:15:00.000Z",
    }
    assert suppressed_reason(sent.sesv2, recipient) == "COMPLAINT"


def test_a_redacted_arf_report_matched_by_original_mail_from_names_every_recipient(
    returning: LiveServer, peer: AwsPeer
) -> None:
    sent = Sent(returning, peer)
    first, second = f"{unique('a')}@example.net", f"{unique('b')}@example.net"
    message_id = sent.send(first, second)
    report = arf(recipient=None, original_mail_from=return_path(message_id), feedback_type="fraud")
    deliver(returning.settings.inbound_smtp_port, [FEEDBACK_ADDRESS], report)

    [event] = sent.events(1)
    assert event["complaint"]["complainedRecipients"] == [
        {"emailAddress": first},
        {"emailAddress": second},
    ]
    assert event["complaint"]["complaintFeedbackType"] == "fraud"


def test_the_sets_suppression_options_override_the_accounts(
    returning: LiveServer, peer: AwsPeer
) -> None:
    sent = Sent(returning, peer, SuppressionOptions={"SuppressedReasons": ["COMPLAINT"]})
    gone = f"{unique('gone')}@example.net"
    message_id = sent.send(gone)
    deliver(
        returning.settings.inbound_smtp_port,
        [return_path(message_id)],
        dsn([Failure(gone, "5.0.0", "smtp; 550 No such user")]),
    )
    [event] = sent.events(1)
    assert (event["bounce"]["bounceType"], event["bounce"]["bounceSubType"]) == (
        "Permanent",
        "General",
    )
    assert suppressed_reason(sent.sesv2, gone) is None


def test_identity_notifications_and_forwarding_follow_a_returned_bounce(
    returning: LiveServer, peer: AwsPeer
) -> None:
    sent = Sent(returning, peer)
    notified = topic_with_queue(peer)
    ses = returning.client("ses")
    ses.set_identity_notification_topic(
        Identity=sent.domain, NotificationType="Bounce", SnsTopic=notified.arn
    )
    gone = f"{unique('gone')}@example.net"
    message_id = sent.send(gone)
    deliver(
        returning.settings.inbound_smtp_port,
        [return_path(message_id)],
        dsn([Failure(gone, "5.1.1", "smtp; 550 5.1.1 user unknown")]),
    )
    [event] = sent.events(1)
    received = collect(peer, notified.queue_url, 2)
    notices = [json.loads(e["Message"]) for e in received if e["Message"].startswith("{")]
    bounces = [n for n in notices if n.get("notificationType") == "Bounce"]
    assert len(bounces) == 1
    assert bounces[0]["bounce"]["feedbackId"] == event["bounce"]["feedbackId"]
    assert bounces[0]["mail"]["messageId"] == message_id
    # feedback forwarding is on by default: SES's report to the sender is captured
    forwarded = httpx.get(
        f"{returning.url}/_openses/messages",
        params={"to": f"app@{sent.domain}"},
        headers=OPERATOR,
    ).json()["messages"]
    assert [m["subject"] for m in forwarded] == ["Delivery Status Notification (Failure)"]


def test_unmatched_and_unreadable_returns_are_kept_for_the_operator(returning: LiveServer) -> None:
    stranger = "0000000000000000-00000000-0000-0000-0000-000000000000-000000"
    port = returning.settings.inbound_smtp_port
    deliver(port, [f"{stranger}@{RETURN_DOMAIN}"], dsn([Failure("x@example.net", "5.1.1")]))
    deliver(port, [FEEDBACK_ADDRESS], b"Subject: not a report\r\n\r\nhello\r\n")
    unmatched = returns_list(returning, unmatched="true", limit="2")
    assert [(r["kind"], r["outcome"], r["account"], r["messageId"]) for r in unmatched] == [
        ("unknown", "unreadable", None, None),
        ("bounce", "unmatched", None, None),
    ]
    assert unmatched[1]["recipients"] == [f"{stranger}@{RETURN_DOMAIN}"]
    assert unmatched[1]["mailFrom"] == ""
    # an account's view holds only its matched returns
    assert all(
        r["account"] == "123456789012" for r in returns_list(returning, account="123456789012")
    )
    raw = httpx.get(f"{returning.url}/_openses/returns/{unmatched[0]['id']}/raw", headers=OPERATOR)
    assert (raw.status_code, raw.content) == (200, b"Subject: not a report\r\n\r\nhello\r\n")


def test_the_inbound_listener_refuses_other_recipients(returning: LiveServer) -> None:
    """Not a return, and no receipt rule set takes it (none is active)."""
    with smtplib.SMTP("127.0.0.1", returning.settings.inbound_smtp_port, timeout=30) as client:
        client.ehlo("mx.example.net")
        assert client.mail("") == (250, b"Ok")
        assert client.rcpt("someone@example.com") == (
            550,
            b"5.1.1 Requested action not taken: mailbox unavailable",
        )


def test_a_dsn_reaches_the_submission_port_too(returning: LiveServer, peer: AwsPeer) -> None:
    sent = Sent(returning, peer)
    gone = f"{unique('gone')}@example.net"
    message_id = sent.send(gone)
    with smtplib.SMTP("127.0.0.1", returning.settings.smtp_port, timeout=30) as client:
        client.starttls(context=trusting(returning))
        client.ehlo("mx.example.net")
        data = dsn([Failure(gone, "5.1.1", "smtp; 550 5.1.1 user unknown")])
        assert client.sendmail("", [return_path(message_id)], data) == {}
    [event] = sent.events(1)
    assert (event["eventType"], event["bounce"]["bounceSubType"]) == ("Bounce", "NoEmail")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"limit": "0"}, "limit must be between 1 and 500"),
        ({"cursor": "x"}, "limit and cursor must be integers"),
        ({"unmatched": "maybe"}, "unmatched must be true or false"),
    ],
)
def test_bad_list_parameters_are_400(
    returning: LiveServer, params: dict[str, str], message: str
) -> None:
    got = httpx.get(f"{returning.url}/_openses/returns", params=params, headers=OPERATOR)
    assert (got.status_code, got.json()) == (400, {"message": message})


def test_returns_and_mail_to_send_go_in_separate_transactions(
    returning: LiveServer, peer: AwsPeer
) -> None:
    sent = Sent(returning, peer)
    message_id = sent.send(f"{unique('r')}@example.net")
    with smtplib.SMTP("127.0.0.1", returning.settings.smtp_port, timeout=30) as client:
        client.starttls(context=trusting(returning))
        client.ehlo("mx.example.net")
        assert client.mail("") == (250, b"Ok")
        assert client.rcpt(return_path(message_id)) == (250, b"Ok")
        assert client.rcpt("someone@example.net") == (
            550,
            b"5.5.1 Returns and mail to send go in separate transactions",
        )


@pytest.mark.parametrize(
    ("address", "route"),
    [
        (
            "0100018c0a1b2c3d-11111111-2222-3333-4444-555555555555-000000@bounce.example.com",
            "return",
        ),
        (f"<{VERP_ID.upper()}@X.invalid>", "return"),
        ("FBL@Feedback.openses.test", "return"),
        ("someone@example.com", "receiving"),
        ("0100018c0a1b2c3d@bounce.example.com", "receiving"),
        (f"{VERP_ID}@elsewhere.example.com", "receiving"),  # not a MAIL FROM domain of ours
    ],
)
def test_routing_picks_returns_by_return_path_or_feedback_address(address: str, route: str) -> None:
    ours = {"bounce.example.com", "x.invalid"}
    got = inbound.route(
        address, feedback_address=FEEDBACK_ADDRESS, is_return_domain=ours.__contains__
    )
    assert got == route


@pytest.mark.parametrize(
    ("domain", "template", "ours"),
    [
        ("us-east-1.openses.invalid", None, True),
        ("EU-West-2.openses.invalid.", None, True),
        ("openses.invalid", None, False),
        ("us-east-1.openses.invalid.evil.example", None, False),
        ("bounces.example.org", "bounces.example.org", True),
        ("mail.eu-west-1.example.org", "mail.{region}.example.org", True),
        ("mail.example.org", "mail.{region}.example.org", False),
    ],
)
def test_the_default_return_path_domain_of_any_region_is_ours(
    domain: str, template: str | None, ours: bool
) -> None:
    assert is_default_domain(domain, template) is ours
