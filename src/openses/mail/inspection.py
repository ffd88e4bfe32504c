"""What a captured message contains, read back from its MIME bytes."""

from __future__ import annotations

from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default


@dataclass(frozen=True, slots=True)
class AttachmentInfo:
    name: str | None
    type: str
    size: int


@dataclass(slots=True)
class Parts:
    headers: list[tuple[str, str]] = field(default_factory=list)
    text: str | None = None
    html: str | None = None
    attachments: list[AttachmentInfo] = field(default_factory=list)


def read(raw: bytes) -> Parts:
    message = message_from_bytes(raw, _class=EmailMessage, policy=default)
    assert isinstance(message, EmailMessage)
    parts = Parts(headers=[(name, str(value)) for name, value in message.items()])
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    if isinstance(text, EmailMessage):
        parts.text = _lines(text.get_content())
    if isinstance(html, EmailMessage):
        parts.html = _lines(html.get_content())
    for attachment in message.iter_attachments():
        if isinstance(attachment, EmailMessage):
            payload = attachment.get_payload(decode=True)
            size = len(payload) if isinstance(payload, bytes) else 0
            parts.attachments.append(
                AttachmentInfo(attachment.get_filename(), attachment.get_content_type(), size)
            )
    return parts


def _lines(content: str) -> str:
    """Messages travel with CRLF line ends; show them with plain newlines."""
    return content.replace("\r\n", "\n")


def attachment(raw: bytes, index: int) -> tuple[str | None, str, bytes] | None:
    """The ``index``-th attachment (from 0, in read()'s order): name, type and content."""
    message = message_from_bytes(raw, _class=EmailMessage, policy=default)
    assert isinstance(message, EmailMessage)
    for position, part in enumerate(message.iter_attachments()):
        if position == index and isinstance(part, EmailMessage):
            payload = part.get_payload(decode=True)
            data = payload if isinstance(payload, bytes) else b""
            return part.get_filename(), part.get_content_type(), data
    return None
