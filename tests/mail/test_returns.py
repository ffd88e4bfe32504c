"""Reading returned mail (mail/returns.py) and the DSN status mapping (domain/returns.py)."""

from __future__ import annotations

import datetime

import pytest

from openses.domain import returns as mapping
from openses.mail import returns

# As Postfix writes a DSN (RFC 3464), original headers returned as text/rfc822-headers.
POSTFIX_DSN = b"""\
From: MAILER-DAEMON@mx.example.net (Mail Delivery System)
To: 0100018c0a1b2c3d-11111111-2222-3333-4444-555555555555-000000@us-east-1.openses.invalid
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="B1"

--B1
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.example.net.

--B1
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net
X-Postfix-Queue-ID: 4ABC
Arrival-Date: Fri,  4 Dec 2026 21:00:00 +0000 (UTC)

Final-Recipient: rfc822; nobody@example.net
Original-Recipient: rfc822;nobody@example.net
Action: failed
Status: 5.1.1
Remote-MTA: dns; [192.0.2.7]
Diagnostic-Code: smtp; 550 5.1.1 <nobody@example.net>: Recipient address
    rejected: User unknown in local recipient table

Final-Recipient: rfc822; later@example.net
Action: delayed
Status: 4.4.1

--B1
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

Return-Path:
 <0100018c0a1b2c3d-11111111-2222-3333-4444-555555555555-000000@us-east-1.openses.invalid>
Message-ID: <0100018c0a1b2c3d-11111111-2222-3333-4444-555555555555-000000@email.amazonses.com>
Subject: Hello

--B1--
""".replace(b"\n", b"\r\n")


def test_a_postfix_dsn_is_read_field_by_field() -> None:
    report = returns.read(POSTFIX_DSN)
    assert isinstance(report, returns.DeliveryReport)
    assert report.reporting_mta == "mx.example.net"
    assert report.recipients == [
        returns.ReportedRecipient(
            address="nobody@example.net",
            action="failed",
            status="5.1.1",
            diagnostic_code="smtp; 550 5.1.1 <nobody@example.net>: Recipient address rejected: "
            "User unknown in local recipient table",
            remote_mta_ip="192.0.2.7",
        ),
        returns.ReportedRecipient(
            address="later@example.net",
            action="delayed",
            status="4.4.1",
            diagnostic_code=None,
            remote_mta_ip=None,
        ),
    ]
    assert report.original == returns.Original(
        message_id="<0100018c0a1b2c3d-11111111-2222-3333-4444-555555555555-000000@email.amazonses.com>",
        return_path="0100018c0a1b2c3d-11111111-2222-3333-4444-555555555555-000000@us-east-1.openses.invalid",
    )


def test_a_feedback_report_is_read() -> None:
    raw = (
        b"Content-Type: multipart/report; report-type=feedback-report; boundary=X\r\n\r\n"
        b"--X\r\nContent-Type: text/plain\r\n\r\nabuse report\r\n"
        b"--X\r\nContent-Type: message/feedback-report\r\n\r\n"
        b"Feedback-Type: Abuse\r\nUser-Agent: FBL/2\r\nVersion: 1\r\n"
        b"Received-Date: Thu, 3 Dec 2026 10:15:00 +0200\r\n"
        b"Original-Rcpt-To: <a@example.net>\r\nOriginal-Rcpt-To: b@example.net\r\n"
        b"--X--\r\n"
    )
    report = returns.read(raw)
    assert report == returns.FeedbackReport(
        feedback_type="abuse",
        user_agent="FBL/2",
        arrival_date=datetime.datetime(2026, 12, 3, 8, 15, tzinfo=datetime.UTC),
        original_mail_from=None,
        original_recipients=["a@example.net", "b@example.net"],
    )


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"Subject: hi\r\n\r\nplain mail\r\n",
        b"Content-Type: multipart/report; report-type=delivery-status; boundary=X\r\n\r\n--X--\r\n",
        b"\xff\xfe\x00garbage",
    ],
)
def test_anything_else_is_no_report(raw: bytes) -> None:
    assert returns.read(raw) is None


@pytest.mark.parametrize(
    ("status", "bounce_type", "sub_type"),
    [
        ("5.1.1", "Permanent", "NoEmail"),
        ("5.1.10", "Permanent", "NoEmail"),
        ("5.7.1", "Permanent", "General"),
        ("5.0.0 (permanent failure)", "Permanent", "General"),
        ("4.2.2", "Transient", "MailboxFull"),
        ("5.2.2", "Transient", "MailboxFull"),
        ("5.3.4", "Transient", "MessageTooLarge"),
        ("4.2.3", "Transient", "MessageTooLarge"),
        ("5.6.0", "Transient", "ContentRejected"),
        ("4.4.7", "Transient", "General"),
        ("2.0.0", "Undetermined", "Undetermined"),
        ("", "Undetermined", "Undetermined"),
        (None, "Undetermined", "Undetermined"),
        ("permanent", "Undetermined", "Undetermined"),
    ],
)
def test_dsn_status_codes_map_to_bounce_types(
    status: str | None, bounce_type: str, sub_type: str
) -> None:
    assert mapping.classify(status) == mapping.BounceClass(bounce_type, sub_type)


@pytest.mark.parametrize(
    ("action", "failure"),
    [("failed", True), ("FAILED", True), (None, True), ("delayed", False), ("relayed", False)],
)
def test_only_failed_recipients_bounce(action: str | None, failure: bool) -> None:
    assert mapping.is_failure(action) is failure
