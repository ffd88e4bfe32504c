"""Rules about an outgoing message that hold whichever API sent it."""

from __future__ import annotations

import base64
import datetime
import hashlib
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from openses import json_text
from openses.domain.errors import InvalidInput
from openses.domain.mailbox import address_of

MAX_RECIPIENTS = 50
# The largest message each API accepts, headers and attachments included (SES quotas).
MAX_V1_MESSAGE_BYTES = 10 * 1024 * 1024
MAX_V2_MESSAGE_BYTES = 40 * 1024 * 1024
MAX_TAG_LENGTH = 255
_TAG_NAME = re.compile(r"[A-Za-z0-9_-]+")
_TAG_VALUE = re.compile(r"[A-Za-z0-9_.@-]+")
# The two reserved names a caller may set: their values lead SES's Feedback-ID header.
FEEDBACK_ID_TAGS = ("ses:feedback-id-a", "ses:feedback-id-b")
# At most this many destinations (v1) or entries (v2) in one bulk send (the models' docs).
MAX_BULK_DESTINATIONS = 50
MISSING_DOMAIN = "Missing final '@domain'"
SIMULATOR_DOMAIN = "simulator.amazonses.com"
# The EICAR anti-virus test string: a message that carries it is rejected as "Bad content".
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


class InvalidMessage(InvalidInput):
    pass


@dataclass(frozen=True, slots=True)
class MessageTag:
    name: str
    value: str

    def __post_init__(self) -> None:
        """Checks and wording as AWS answers them (note AWS's two spaces before '-'). Every
        check of the name comes before any check of the value, as recorded from AWS."""
        if not self.name:
            raise InvalidMessage("The tag name must be specified.")
        if len(self.name) > MAX_TAG_LENGTH:
            raise InvalidMessage("Tag name cannot exceed 255 characters.")
        if self.name not in FEEDBACK_ID_TAGS and _TAG_NAME.fullmatch(self.name) is None:
            raise InvalidMessage(
                f"Invalid tag name <{self.name}>: only alphanumeric ASCII characters, '_',  "
                "'-' are allowed."
            )
        if not self.value:
            raise InvalidMessage("The tag value must be specified.")
        if len(self.value) > MAX_TAG_LENGTH:
            raise InvalidMessage("Tag value cannot exceed 255 characters.")
        if _TAG_VALUE.fullmatch(self.value) is None:
            raise InvalidMessage(
                f"Invalid tag value <{self.value}>: only alphanumeric ASCII characters, '_',  "
                "'-' , '.', '@' are allowed."
            )


def parse_tags_header(value: str) -> list[MessageTag]:
    """``X-SES-MESSAGE-TAGS: name1=value1, name2=value2``."""
    tags = []
    for item in value.split(","):
        if item.strip():
            name, _, tag_value = item.partition("=")
            tags.append(MessageTag(name.strip(), tag_value.strip()))
    return tags


def check_recipient_count(count: int) -> None:
    if count > MAX_RECIPIENTS:
        raise InvalidMessage(f"Recipient count exceeds {MAX_RECIPIENTS}.")
    if count == 0:
        raise InvalidMessage(MISSING_DOMAIN)


def check_recipient_addresses(addresses: Iterable[str]) -> None:
    """A recipient without a domain (``invalid_address``) fails the whole message."""
    for address in addresses:
        if "@" not in address_of(address):
            raise InvalidMessage(MISSING_DOMAIN)


def check_bulk_count(count: int) -> None:
    if count > MAX_BULK_DESTINATIONS:
        raise InvalidMessage(
            f"Destination count exceeds {MAX_BULK_DESTINATIONS}.",
        )


def feedback_id_header(tags: Iterable[MessageTag], region: str, sender_key: str) -> str:
    """SES's ``Feedback-ID``: the ``ses:feedback-id-a`` and ``-b`` tag values (empty when not
    given), then ``1.REGION.`` and an opaque per-sender value, then ``AmazonSES``."""
    values = {tag.name: tag.value for tag in tags}
    opaque = base64.b64encode(hashlib.sha256(sender_key.encode()).digest()).decode()
    a, b = (values.get(name, "") for name in FEEDBACK_ID_TAGS)
    return f"{a}:{b}:1.{region}.{opaque}:AmazonSES"


def line_break_in(text: str) -> bool:
    return "\r" in text or "\n" in text


def check_header_text(what: str, text: str | None) -> None:
    """Text that becomes a header (a subject, an address) holds no line break, which would end
    the header and could start another."""
    if text is not None and line_break_in(text):
        raise InvalidMessage(f"{what} must not contain a line break (CR or LF).")


_CONTROL = re.compile("[\x00-\x1f\x7f]")


def check_mailbox(text: str) -> None:
    """An address of a send (``user@example.com`` or ``Name <user@example.com>``) as SES
    checks it, worded as AWS words it: no control character (a line break would end the
    header and could start another) and, since SES does not support SMTPUTF8, nothing but
    ASCII in the address itself (a display name may be any text)."""
    spec, display = text, ""
    closing = text.rstrip()
    if closing.endswith(">") and "<" in closing:
        opening = closing.rindex("<")
        spec, display = closing[opening + 1 : -1], closing[:opening]
    local, at, domain = spec.rpartition("@")
    if not at:
        local, domain = spec, ""
    if line_break_in(display) or _CONTROL.search(local) or not local.isascii():
        raise InvalidMessage("Local address contains control or whitespace")
    if _CONTROL.search(domain):
        raise InvalidMessage("Domain contains control or whitespace")
    if not domain.isascii():
        raise InvalidMessage("Domain contains illegal character")


def check_raw_headers(headers: Iterable[tuple[str, str]]) -> None:
    """A raw message's headers, decoded, hold nothing a store cannot keep (NUL, a lone
    surrogate): they become the captured message's subject and the events' ``mail.headers``."""
    for name, value in headers:
        bad = json_text.unstorable_character(name) or json_text.unstorable_character(value)
        if bad is not None:
            raise InvalidMessage(f"The header {name!r} holds {bad}, which is not allowed.")


def check_size(size: int, limit: int) -> None:
    if size > limit:
        raise InvalidMessage(f"Message length is more than {limit} bytes long: '{size}'.")


def new_message_id(now: datetime.datetime) -> str:
    """Shaped like AWS's: a millisecond clock, a UUID and a sequence suffix."""
    millis = int(now.timestamp() * 1000)
    return f"{0x0100000000000000 + millis:016x}-{uuid.uuid4()}-000000"


def new_feedback_id(now: datetime.datetime) -> str:
    return new_message_id(now)


class SimulatorOutcome(StrEnum):
    SUCCESS = "success"
    BOUNCE = "bounce"
    OOTO = "ooto"
    COMPLAINT = "complaint"
    SUPPRESSION_LIST = "suppressionlist"


def simulator_outcome(address: str) -> SimulatorOutcome | None:
    """What AWS's mailbox simulator does with an address; None for ordinary mail."""
    local, _, domain = address.rpartition("@")
    if domain.lower() != SIMULATOR_DOMAIN:
        return None
    base = local.split("+", 1)[0].lower()
    try:
        return SimulatorOutcome(base)
    except ValueError:
        return SimulatorOutcome.SUCCESS
