"""The out-of-office reply the mailbox simulator's ``ooto@`` address sends back (RFC 3834)."""

from __future__ import annotations

import datetime
import email.utils
from email.message import EmailMessage
from email.policy import SMTP

SUBJECT_PREFIX = "Out of the office: "


def out_of_office(
    *,
    replier: str,
    to: str,
    original_subject: str | None,
    original_message_id_header: str,
    message_id_header: str,
    at: datetime.datetime,
) -> EmailMessage:
    reply = EmailMessage(policy=SMTP)
    reply["From"] = replier
    reply["To"] = to
    reply["Subject"] = SUBJECT_PREFIX + (original_subject or "")
    reply["Message-ID"] = message_id_header
    reply["In-Reply-To"] = original_message_id_header
    reply["References"] = original_message_id_header
    reply["Auto-Submitted"] = "auto-replied"
    reply["Date"] = email.utils.format_datetime(at.astimezone(datetime.UTC))
    reply.set_content("I am out of the office and will reply when I am back.\n")
    return reply
