"""Returned mail as receiving MTAs and mailbox providers write it: RFC 3464 delivery status
notifications and RFC 5965 feedback (ARF) reports, built with the stdlib ``email`` package, and
their delivery over SMTP to openses' inbound listener."""

from __future__ import annotations

import smtplib
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32

# as an MTA sends it: CRLF line ends (smtplib leaves bytes as they are)
CRLF = compat32.clone(linesep="\r\n")
ORIGINAL_HEADERS = "From: app@example.com\r\nTo: {to}\r\nSubject: Hello\r\n"


@dataclass(frozen=True)
class Failure:
    recipient: str
    status: str
    diagnostic_code: str | None = None
    action: str = "failed"
    remote_mta: str | None = None


def dsn(
    failures: Sequence[Failure],
    *,
    reporting_mta: str = "mx.example.net",
    original_message_id: str | None = None,
) -> bytes:
    """A multipart/report; report-type=delivery-status, as Postfix writes one."""
    outer = MIMEMultipart("report", report_type="delivery-status")
    outer["From"] = "MAILER-DAEMON@mx.example.net (Mail Delivery System)"
    outer["To"] = "bounces@example.com"
    outer["Subject"] = "Undelivered Mail Returned to Sender"
    outer.attach(
        MIMEText("I'm sorry to have to inform you that your message could not be delivered.\n")
    )
    per_message = Message()
    per_message["Reporting-MTA"] = f"dns; {reporting_mta}"
    per_message["Arrival-Date"] = "Fri, 4 Dec 2026 21:00:00 +0000"
    blocks: list[Message | str] = [per_message]
    for failure in failures:
        block = Message()
        block["Final-Recipient"] = f"rfc822; {failure.recipient}"
        block["Original-Recipient"] = f"rfc822;{failure.recipient}"
        block["Action"] = failure.action
        block["Status"] = failure.status
        if failure.remote_mta:
            block["Remote-MTA"] = f"dns; {failure.remote_mta}"
        if failure.diagnostic_code:
            block["Diagnostic-Code"] = failure.diagnostic_code
        blocks.append(block)
    status = MIMEBase("message", "delivery-status")
    status.set_payload(blocks)
    outer.attach(status)
    headers = ORIGINAL_HEADERS.format(to=failures[0].recipient if failures else "x@example.net")
    if original_message_id:
        headers += f"Message-ID: {original_message_id}\r\n"
    outer.attach(MIMEText(headers, "rfc822-headers"))
    return outer.as_bytes(policy=CRLF)


def arf(
    *,
    recipient: str | None,
    original_message_id: str | None = None,
    original_mail_from: str | None = None,
    feedback_type: str = "abuse",
    user_agent: str = "SomeISP-FBL/1.0",
    arrival_date: str = "Thu, 3 Dec 2026 08:15:00 +0000",
) -> bytes:
    """A multipart/report; report-type=feedback-report (RFC 5965 §2), original attached."""
    outer = MIMEMultipart("report", report_type="feedback-report")
    outer["From"] = "fbl@isp.example.org"
    outer["To"] = "feedback@example.com"
    outer["Subject"] = "FW: Hello"
    outer.attach(MIMEText("This is an email abuse report for an email message.\n"))
    lines = [
        f"Feedback-Type: {feedback_type}",
        f"User-Agent: {user_agent}",
        "Version: 1",
        f"Arrival-Date: {arrival_date}",
        "Source-IP: 192.0.2.1",
    ]
    if original_mail_from:
        lines.append(f"Original-Mail-From: <{original_mail_from}>")
    if recipient:
        lines.append(f"Original-Rcpt-To: <{recipient}>")
    report = MIMEText("\r\n".join(lines) + "\r\n", "feedback-report")
    report.replace_header("Content-Type", "message/feedback-report")
    outer.attach(report)
    original = Message()
    original["From"] = "app@example.com"
    original["To"] = recipient or "redacted@example.net"
    original["Subject"] = "Hello"
    if original_message_id:
        original["Message-ID"] = original_message_id
    original.set_payload("Hello\n")
    part = MIMEBase("message", "rfc822")
    part.set_payload([original])
    outer.attach(part)
    return outer.as_bytes(policy=CRLF)


def deliver(port: int, recipients: Sequence[str], data: bytes, *, mail_from: str = "") -> None:
    """As an MTA returns mail: null MAIL FROM, no AUTH; every recipient taken."""
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
        client.ehlo("mx.example.net")
        assert client.sendmail(mail_from, list(recipients), data) == {}
