"""Reading a caller's raw MIME message, and preparing it to be delivered as SES would."""

from __future__ import annotations

from email import message_from_bytes
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import getaddresses

CONFIGURATION_SET_HEADER = "X-SES-CONFIGURATION-SET"
MESSAGE_TAGS_HEADER = "X-SES-MESSAGE-TAGS"
# Sending authorization's identity ARNs, which SMTP carries as headers (DG
# sending-authorization-delegate-sender-tasks-email.md); SES removes them before delivery.
SOURCE_ARN_HEADER = "X-SES-SOURCE-ARN"
FROM_ARN_HEADER = "X-SES-FROM-ARN"
AUTHORIZATION_HEADERS = (SOURCE_ARN_HEADER, FROM_ARN_HEADER, "X-SES-RETURN-PATH-ARN")
# The tenant a raw message is sent on behalf of (issue 20; seen in client libraries only).
TENANT_HEADER = "X-SES-TENANT-NAME"


def parse(data: bytes) -> EmailMessage:
    message = message_from_bytes(data, _class=EmailMessage, policy=SMTP)
    assert isinstance(message, EmailMessage)
    return message


def header_addresses(message: EmailMessage, *names: str) -> list[str]:
    values = [str(v) for name in names for v in message.get_all(name, [])]
    return [address for _, address in getaddresses(values) if address]


def strip_ses_headers(message: EmailMessage) -> None:
    """SES reads its own headers and Bcc, and removes them before delivery."""
    for name in (
        CONFIGURATION_SET_HEADER,
        MESSAGE_TAGS_HEADER,
        TENANT_HEADER,
        *AUTHORIZATION_HEADERS,
        "Bcc",
    ):
        del message[name]


def set_message_id(message: EmailMessage, message_id_header: str) -> None:
    del message["Message-ID"]
    message["Message-ID"] = message_id_header
