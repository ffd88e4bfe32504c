"""Reading returned mail with the stdlib ``email`` package (issue 16): a delivery status
notification (RFC 3464, multipart/report; report-type=delivery-status) or a feedback report
(RFC 5965 ARF, report-type=feedback-report), and what it says about the original message."""

from __future__ import annotations

import datetime
import email
import email.message
import email.utils
import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.parser import HeaderParser

Message = email.message.Message


@dataclass(frozen=True, slots=True)
class Original:
    """The original message's headers as the report returned them (any may be missing)."""

    message_id: str | None = None
    return_path: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportedRecipient:
    address: str
    action: str | None
    status: str | None
    diagnostic_code: str | None
    remote_mta_ip: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class DeliveryReport:
    reporting_mta: str | None  # the host, without RFC 3464's "dns;" type
    recipients: list[ReportedRecipient]
    original: Original


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedbackReport:
    feedback_type: str | None
    user_agent: str | None
    arrival_date: datetime.datetime | None
    original_mail_from: str | None
    original_recipients: list[str] = field(default_factory=list)
    original: Original = Original()


def read(raw: bytes) -> DeliveryReport | FeedbackReport | None:
    """The report ``raw`` is, or None when it is neither kind (or unreadable)."""
    try:
        message = email.message_from_bytes(raw)
    except Exception:  # the parser is lenient; anything it still raises is unreadable mail
        return None
    param = message.get_param("report-type")
    report_type = param.lower() if isinstance(param, str) else ""
    parts = list(message.walk())
    status = _first(parts, "message/delivery-status", "message/global-delivery-status")
    if status is not None and report_type in ("delivery-status", ""):
        return _delivery_report(status, _original(parts))
    feedback = _first(parts, "message/feedback-report")
    if feedback is not None and report_type in ("feedback-report", ""):
        return _feedback_report(feedback, _original(parts))
    return None


def _first(parts: list[Message], *types: str) -> Message | None:
    for part in parts:
        if part.get_content_type() in types:
            return part
    return None


def _blocks(part: Message) -> list[Message]:
    """The header blocks of a machine-readable part: the parser splits delivery-status into
    them; other parts (and encoded ones) are split here on blank lines."""
    payload = part.get_payload()
    if isinstance(payload, list) and part.get("content-transfer-encoding") is None:
        return [block for block in payload if isinstance(block, Message)]
    text = _text(part)
    chunks = text.replace("\r\n", "\n").split("\n\n")
    return [HeaderParser().parsestr(chunk.strip("\n") + "\n") for chunk in chunks if chunk.strip()]


def _text(part: Message) -> str:
    payload = part.get_payload()
    if isinstance(payload, list):
        return "\n\n".join(str(p) for p in payload if isinstance(p, Message))
    data = part.get_payload(decode=True)
    if isinstance(data, bytes):
        return data.decode("utf-8", "replace")
    return str(payload)


def _typed_value(value: str | None) -> str | None:
    """``rfc822; a@b`` → ``a@b``; ``dns; mx.example.com`` → ``mx.example.com``."""
    if value is None:
        return None
    text = " ".join(str(value).split())
    _, semicolon, rest = text.partition(";")
    found = (rest if semicolon else text).strip().strip("<>").strip()
    return found or None


def _ip(value: str | None) -> str | None:
    host = _typed_value(value)
    if host is None:
        return None
    host = host.strip("[]").removeprefix("IPv6:")
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return None


def _field(block: Message, name: str) -> str | None:
    value = block.get(name)
    return " ".join(str(value).split()) if value is not None else None


def _delivery_report(part: Message, original: Original) -> DeliveryReport | None:
    blocks = _blocks(part)
    if not blocks:
        return None
    per_message, per_recipient = blocks[0], blocks[1:]
    if per_message.get("Final-Recipient") is not None:  # no per-message fields at all
        per_message, per_recipient = Message(), blocks
    recipients = []
    for block in per_recipient:
        address = _typed_value(block.get("Final-Recipient")) or _typed_value(
            block.get("Original-Recipient")
        )
        if address is None or "@" not in address:
            continue
        recipients.append(
            ReportedRecipient(
                address=address,
                action=_field(block, "Action"),
                status=_field(block, "Status"),
                diagnostic_code=_field(block, "Diagnostic-Code"),
                remote_mta_ip=_ip(block.get("Remote-MTA")),
            )
        )
    return DeliveryReport(
        reporting_mta=_typed_value(per_message.get("Reporting-MTA")),
        recipients=recipients,
        original=original,
    )


def _feedback_report(part: Message, original: Original) -> FeedbackReport:
    blocks = _blocks(part)
    fields = blocks[0] if blocks else Message()
    arrival = _field(fields, "Arrival-Date") or _field(fields, "Received-Date")
    return FeedbackReport(
        feedback_type=(_field(fields, "Feedback-Type") or "").lower() or None,
        user_agent=_field(fields, "User-Agent"),
        arrival_date=_date(arrival),
        original_mail_from=_typed_value(fields.get("Original-Mail-From")),
        original_recipients=[
            address
            for value in fields.get_all("Original-Rcpt-To") or []
            if (address := _typed_value(value)) is not None
        ],
        original=original,
    )


def _date(value: str | None) -> datetime.datetime | None:
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:
        return None
    return parsed.astimezone(datetime.UTC)


def _original(parts: list[Message]) -> Original:
    """The returned original: a message/rfc822 part, or text/rfc822-headers."""
    for headers in _original_headers(parts):
        message_id = _field(headers, "Message-ID")
        return_path = _field(headers, "Return-Path")
        if message_id or return_path:
            return Original(message_id=message_id, return_path=_typed_value(return_path))
    return Original()


def _original_headers(parts: list[Message]) -> Iterator[Message]:
    for part in parts:
        kind = part.get_content_type()
        if kind in ("message/rfc822", "message/global"):
            payload = part.get_payload()
            if isinstance(payload, list) and payload and isinstance(payload[0], Message):
                yield payload[0]
        elif kind in ("text/rfc822-headers", "message/global-headers"):
            yield HeaderParser().parsestr(_text(part).lstrip())
