"""Build the RFC 5322/MIME message SES would send, with the standard ``email`` package."""

from __future__ import annotations

import datetime
import email.utils
import mimetypes
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP


@dataclass(frozen=True, slots=True, kw_only=True)
class Attachment:
    file_name: str
    content: bytes
    content_type: str | None = None
    disposition: str = "attachment"
    content_id: str | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Content:
    subject: str | None = None
    text: str | None = None
    html: str | None = None
    attachments: Sequence[Attachment] = ()
    headers: Sequence[tuple[str, str]] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Envelope:
    source: str
    to: Sequence[str] = ()
    cc: Sequence[str] = ()
    bcc: Sequence[str] = ()
    reply_to: Sequence[str] = ()
    recipients: Sequence[str] = field(default=())

    def all_recipients(self) -> list[str]:
        """Every envelope recipient: To, Cc and Bcc, in that order."""
        return [*self.to, *self.cc, *self.bcc] if not self.recipients else list(self.recipients)


def ses_message_id_header(message_id: str, region: str) -> str:
    host = "email.amazonses.com" if region == "us-east-1" else f"{region}.amazonses.com"
    return f"<{message_id}@{host}>"


def build(
    envelope: Envelope, content: Content, *, message_id_header: str, date: datetime.datetime
) -> EmailMessage:
    """A complete message; Bcc recipients are never written into the headers."""
    message = EmailMessage(policy=SMTP)
    message["From"] = envelope.source
    if envelope.to:
        message["To"] = ", ".join(envelope.to)
    if envelope.cc:
        message["Cc"] = ", ".join(envelope.cc)
    if envelope.reply_to:
        message["Reply-To"] = ", ".join(envelope.reply_to)
    message["Subject"] = content.subject or ""
    message["Message-ID"] = message_id_header
    message["Date"] = email.utils.format_datetime(date.astimezone(datetime.UTC))
    message["MIME-Version"] = "1.0"
    for name, value in content.headers:
        message[name] = value
    _set_body(message, content)
    return message


def _set_body(message: EmailMessage, content: Content) -> None:
    if content.text is not None:
        message.set_content(content.text, subtype="plain", charset="utf-8")
    if content.html is not None:
        if content.text is not None:
            message.add_alternative(content.html, subtype="html", charset="utf-8")
        else:
            message.set_content(content.html, subtype="html", charset="utf-8")
    if content.text is None and content.html is None:
        message.set_content("", subtype="plain", charset="utf-8")
    for attachment in content.attachments:
        maintype, subtype = _content_type(attachment).split("/", 1)
        message.add_attachment(
            attachment.content,
            maintype=maintype,
            subtype=subtype,
            filename=attachment.file_name,
            disposition=attachment.disposition.lower(),
            cid=attachment.content_id,
        )


def _content_type(attachment: Attachment) -> str:
    if attachment.content_type and "/" in attachment.content_type:
        return attachment.content_type
    guessed, _ = mimetypes.guess_type(attachment.file_name)
    return guessed or "application/octet-stream"
