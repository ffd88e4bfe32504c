"""The bounce messages of email receiving (SendBounce and a receipt rule's Bounce action): an
RFC 3464 delivery status notification to the sender of a received message."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class BouncedRecipient:
    address: str
    action: str = "failed"
    status: str = "5.0.0"
    diagnostic_code: str | None = None
    remote_mta: str | None = None
    last_attempt: datetime.datetime | None = None
    extension_fields: Sequence[tuple[str, str]] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Bounce:
    sender: str  # From: the bounce's sender
    to: str  # the received message's sender
    explanation: str
    reporting_mta: str
    arrival_date: datetime.datetime
    recipients: Sequence[BouncedRecipient]
    original_headers: Sequence[tuple[str, str]]
    extension_fields: Sequence[tuple[str, str]] = ()


def bounce_message(bounce: Bounce, *, at: datetime.datetime) -> bytes:
    per_message = Message()
    per_message["Reporting-MTA"] = _typed(bounce.reporting_mta, "dns")
    per_message["Arrival-Date"] = format_datetime(bounce.arrival_date)
    for name, value in bounce.extension_fields:
        per_message[name] = value
    blocks: list[Message | str] = [per_message]
    for recipient in bounce.recipients:
        block = Message()
        block["Final-Recipient"] = f"rfc822; {recipient.address}"
        block["Action"] = recipient.action
        block["Status"] = recipient.status
        if recipient.remote_mta:
            block["Remote-MTA"] = _typed(recipient.remote_mta, "dns")
        if recipient.diagnostic_code:
            block["Diagnostic-Code"] = _typed(recipient.diagnostic_code, "smtp")
        if recipient.last_attempt is not None:
            block["Last-Attempt-Date"] = format_datetime(recipient.last_attempt)
        for name, value in recipient.extension_fields:
            block[name] = value
        blocks.append(block)
    status = MIMEBase("message", "delivery-status")
    status.set_payload(blocks)
    outer = MIMEMultipart("report", report_type="delivery-status")
    outer["From"] = bounce.sender
    outer["To"] = bounce.to
    outer["Subject"] = "Delivery Status Notification (Failure)"
    outer["Date"] = format_datetime(at)
    outer.attach(MIMEText(bounce.explanation + "\n", "plain"))
    outer.attach(status)
    headers = "".join(f"{name}: {value}\r\n" for name, value in bounce.original_headers)
    outer.attach(MIMEText(headers, "rfc822-headers"))
    return outer.as_bytes()


def _typed(value: str, kind: str) -> str:
    """``dns; host`` for a bare value, a value that names its type as it is."""
    return value if ";" in value else f"{kind}; {value}"
