"""Email feedback forwarding: the bounce (RFC 3464 DSN) and complaint (RFC 5965 ARF) reports
SES mails to the sender's Return-Path when forwarding is on. Built from the event records, so
they say what the events say; addresses and wording are openses' (GUESS)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, parseaddr
from typing import Any

from openses.events.records import REPORTING_MTA

BOUNCE_SENDER = "MAILER-DAEMON@amazonses.com"
COMPLAINT_SENDER = "complaints@email-abuse.amazonses.com"
BOUNCE_SUBJECT = "Delivery Status Notification (Failure)"
COMPLAINT_SUBJECT = "Complaint notification"


def feedback_address(source: str, headers: Sequence[tuple[str, str]]) -> str:
    """Where feedback goes: the submitted Return-Path header, else the sender's address."""
    for name, value in headers:
        if name.lower() == "return-path" and parseaddr(value)[1]:
            return parseaddr(value)[1]
    return parseaddr(source)[1]


def bounce_report(
    bounce: dict[str, Any],
    *,
    to: str,
    original_headers: Sequence[tuple[str, str]],
    message_id_header: str,
    at: datetime.datetime,
) -> bytes:
    recipients = [r["emailAddress"] for r in bounce["bouncedRecipients"]]
    human = (
        "An error occurred while trying to deliver the mail to the following recipients:\n"
        + "".join(f"{address}\n" for address in recipients)
    )
    per_message = Message()
    per_message["Reporting-MTA"] = f"dns; {REPORTING_MTA}"
    per_message["Arrival-Date"] = format_datetime(at)
    blocks: list[Message | str] = [per_message]
    for recipient in bounce["bouncedRecipients"]:
        block = Message()
        block["Final-Recipient"] = f"rfc822; {recipient['emailAddress']}"
        block["Action"] = recipient.get("action", "failed")
        block["Status"] = recipient.get("status", "5.0.0")
        if recipient.get("diagnosticCode"):
            block["Diagnostic-Code"] = recipient["diagnosticCode"]
        blocks.append(block)
    status = MIMEBase("message", "delivery-status")
    status.set_payload(blocks)
    return _report(
        "delivery-status",
        human,
        status,
        sender=BOUNCE_SENDER,
        to=to,
        subject=BOUNCE_SUBJECT,
        original_headers=original_headers,
        message_id_header=message_id_header,
        at=at,
    )


def complaint_report(
    complaint: dict[str, Any],
    *,
    source: str,
    to: str,
    original_headers: Sequence[tuple[str, str]],
    message_id_header: str,
    at: datetime.datetime,
) -> bytes:
    recipients = [r["emailAddress"] for r in complaint["complainedRecipients"]]
    human = "A recipient of your message reported it as unwanted (abuse report).\n"
    lines = [
        f"Feedback-Type: {complaint.get('complaintFeedbackType', 'abuse')}",
        f"User-Agent: {complaint.get('userAgent', 'openses')}",
        "Version: 1",
        f"Original-Mail-From: <{parseaddr(source)[1]}>",
        *(f"Original-Rcpt-To: <{address}>" for address in recipients),
        f"Arrival-Date: {format_datetime(at)}",
    ]
    report = MIMEText("\r\n".join(lines) + "\r\n", "feedback-report")
    report.replace_header("Content-Type", "message/feedback-report")
    return _report(
        "feedback-report",
        human,
        report,
        sender=COMPLAINT_SENDER,
        to=to,
        subject=COMPLAINT_SUBJECT,
        original_headers=original_headers,
        message_id_header=message_id_header,
        at=at,
    )


def _report(
    report_type: str,
    human: str,
    machine: Message,
    *,
    sender: str,
    to: str,
    subject: str,
    original_headers: Sequence[tuple[str, str]],
    message_id_header: str,
    at: datetime.datetime,
) -> bytes:
    outer = MIMEMultipart("report", report_type=report_type)
    outer["From"] = sender
    outer["To"] = to
    outer["Subject"] = subject
    outer["Date"] = format_datetime(at)
    outer["Message-ID"] = message_id_header
    outer.attach(MIMEText(human, "plain"))
    outer.attach(machine)
    headers = "".join(f"{name}: {value}\r\n" for name, value in original_headers)
    outer.attach(MIMEText(headers, "rfc822-headers"))
    return outer.as_bytes()
