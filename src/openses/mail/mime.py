"""Build the RFC 5322/MIME message SES would send, with the standard ``email`` package."""

from __future__ import annotations

import datetime
import email.utils
import mimetypes
import quopri
from collections.abc import Sequence
from dataclasses import dataclass, field
from email import encoders
from email.charset import QP, Charset
from email.header import Header
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.policy import Compat32

# RFC 5322's limit on a line; longer text is sent quoted-printable.
MAX_LINE = 998


class WirePolicy(Compat32):
    """compat32 with CRLF line ends and long header lines (Message-ID) kept whole rather than
    folded at 78 characters, within RFC 5322's 998.

    A header that already fits on one line as printable ASCII is written as it is: the output
    is what compat32 writes for it, without running its folding algorithm, which costs more
    than the rest of building a message.
    """

    def fold(self, name: str, value: str) -> str:
        if _fits_one_line(name, value, self.max_line_length):
            return f"{name}: {value}{self.linesep}"
        return super().fold(name, value)

    def fold_binary(self, name: str, value: str) -> bytes:
        if _fits_one_line(name, value, self.max_line_length):
            return f"{name}: {value}{self.linesep}".encode("ascii")
        return super().fold_binary(name, value)


def _fits_one_line(name: str, value: object, limit: int | None) -> bool:
    # isprintable() rules out every character str.splitlines() breaks on (and tabs).
    return (
        isinstance(value, str)
        and value.isascii()
        and value.isprintable()
        and limit is not None
        and len(name) + 2 + len(value) <= limit
    )


WIRE_POLICY = WirePolicy(linesep="\r\n", max_line_length=MAX_LINE)


@dataclass(frozen=True, slots=True, kw_only=True)
class Attachment:
    file_name: str
    content: bytes
    content_type: str | None = None
    disposition: str = "attachment"
    content_id: str | None = None
    description: str | None = None
    # v2 ContentTransferEncoding: BASE64, QUOTED_PRINTABLE or SEVEN_BIT (7-bit ASCII only)
    transfer_encoding: str = "BASE64"


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
    # where feedback is forwarded (v2 FeedbackForwardingEmailAddress, v1 ReturnPath): the
    # message's Return-Path header, which forwarding reads (mail/feedback.py)
    return_path: str | None = None

    def all_recipients(self) -> list[str]:
        """Every envelope recipient: To, Cc and Bcc, in that order."""
        return [*self.to, *self.cc, *self.bcc] if not self.recipients else list(self.recipients)


def ses_message_id_header(message_id: str, region: str) -> str:
    host = "email.amazonses.com" if region == "us-east-1" else f"{region}.amazonses.com"
    return f"<{message_id}@{host}>"


def build(
    envelope: Envelope, content: Content, *, message_id_header: str, date: datetime.datetime
) -> Message:
    """A complete message; Bcc recipients are never written into the headers.

    Built with the ``email.mime`` classes and the compat32 policy: the same standard package,
    without the header parsing of ``EmailMessage``, which costs more than the rest of a send.
    """
    message = _body(content)
    # Address and subject headers first, as SES writes them; MIME-Version and the body's own
    # headers after.
    body_headers = [(name, value) for name, value in message.items() if name != "MIME-Version"]
    for name, _ in [*body_headers, ("MIME-Version", "")]:
        del message[name]
    message["From"] = _addresses([envelope.source])
    if envelope.to:
        message["To"] = _addresses(envelope.to)
    if envelope.cc:
        message["Cc"] = _addresses(envelope.cc)
    if envelope.reply_to:
        message["Reply-To"] = _addresses(envelope.reply_to)
    if envelope.return_path:
        message["Return-Path"] = _addresses([envelope.return_path])
    message["Subject"] = _text(content.subject or "")
    message["Message-ID"] = message_id_header
    message["Date"] = email.utils.format_datetime(date.astimezone(datetime.UTC))
    for name, value in content.headers:
        message[name] = _text(value)
    message["MIME-Version"] = "1.0"
    for name, value in body_headers:
        message[name] = value
    message.policy = WIRE_POLICY
    return message


def _text_part(text: str, subtype: str) -> Message:
    part = MIMENonMultipart("text", subtype)
    del part["MIME-Version"]
    if text.isascii() and all(len(line) <= MAX_LINE for line in text.splitlines()):
        # travels as it is
        part.set_payload(text)
        part.set_param("charset", "utf-8")
        part["Content-Transfer-Encoding"] = "7bit"
    else:
        charset = Charset("utf-8")
        charset.body_encoding = QP
        part.set_payload(text, charset)
    return part


def _body(content: Content) -> Message:
    parts: list[Message] = []
    if content.text is not None:
        parts.append(_text_part(content.text, "plain"))
    if content.html is not None:
        parts.append(_text_part(content.html, "html"))
    if not parts:
        parts.append(_text_part("", "plain"))
    body = parts[0] if len(parts) == 1 else _multipart("alternative", parts)
    if not content.attachments:
        return body
    mixed = _multipart("mixed", [body])
    for attachment in content.attachments:
        mixed.attach(_attachment(attachment))
    return mixed


def _multipart(subtype: str, parts: list[Message]) -> Message:
    multipart = MIMEMultipart(subtype, _subparts=parts)
    del multipart["MIME-Version"]
    return multipart


def _attachment(attachment: Attachment) -> Message:
    maintype, subtype = _content_type(attachment).split("/", 1)
    part = MIMEBase(maintype, subtype)
    if attachment.transfer_encoding == "QUOTED_PRINTABLE":
        part.set_payload(quopri.encodestring(attachment.content).decode("ascii"))
        part["Content-Transfer-Encoding"] = "quoted-printable"
    elif attachment.transfer_encoding == "SEVEN_BIT":
        part.set_payload(attachment.content.decode("ascii"))
        part["Content-Transfer-Encoding"] = "7bit"
    else:
        part.set_payload(attachment.content)
        encoders.encode_base64(part)
    del part["MIME-Version"]
    part.add_header(
        "Content-Disposition", attachment.disposition.lower(), filename=attachment.file_name
    )
    if attachment.content_id:
        part["Content-ID"] = attachment.content_id
    if attachment.description:
        part["Content-Description"] = _text(attachment.description)
    return part


def _addresses(values: Sequence[str]) -> str:
    """Display names outside ASCII become encoded words; addresses stay as they are."""
    return ", ".join(
        email.utils.formataddr(email.utils.parseaddr(value), charset="utf-8")
        if not value.isascii()
        else value
        for value in values
    )


def _text(value: str) -> str:
    """Header text outside ASCII becomes RFC 2047 encoded words."""
    return value if value.isascii() else Header(value, "utf-8").encode()


def _content_type(attachment: Attachment) -> str:
    if attachment.content_type and "/" in attachment.content_type:
        return attachment.content_type
    guessed, _ = mimetypes.guess_type(attachment.file_name)
    return guessed or "application/octet-stream"
