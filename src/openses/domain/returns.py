"""Returns (issue 16): how a delivery status notification's per-recipient status becomes an
SES bounce type and sub-type, and what a returned message is. AWS does not publish its mapping
from DSN status codes; openses' is recorded in docs/aws-behaviour.md ("Returns")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class ReturnKind(StrEnum):
    BOUNCE = "bounce"  # an RFC 3464 delivery status notification
    COMPLAINT = "complaint"  # an RFC 5965 feedback (ARF) report
    UNKNOWN = "unknown"  # neither, or unreadable


class ReturnOutcome(StrEnum):
    RECORDED = "recorded"  # matched to a message; its events are recorded
    UNMATCHED = "unmatched"  # no message of openses' answers to it
    NO_FAILURE = "no-failure"  # a DSN whose recipients were delayed, delivered or relayed
    UNREADABLE = "unreadable"  # neither a DSN nor a feedback report


@dataclass(frozen=True, slots=True)
class BounceClass:
    bounce_type: str
    sub_type: str


UNDETERMINED = BounceClass("Undetermined", "Undetermined")
PERMANENT_GENERAL = BounceClass("Permanent", "General")
PERMANENT_NO_EMAIL = BounceClass("Permanent", "NoEmail")
TRANSIENT_GENERAL = BounceClass("Transient", "General")
MAILBOX_FULL = BounceClass("Transient", "MailboxFull")
MESSAGE_TOO_LARGE = BounceClass("Transient", "MessageTooLarge")
CONTENT_REJECTED = BounceClass("Transient", "ContentRejected")

_STATUS = re.compile(r"([245])\.(\d{1,3})\.(\d{1,3})")
# RFC 3463 subject.detail -> the sub-type, whatever the class: the address does not exist
# (bad mailbox, bad system, bad syntax, moved, null MX), the mailbox is full, the message is
# too big, the content was refused (media errors).
_NO_EMAIL = {(1, 1), (1, 2), (1, 3), (1, 6), (1, 10)}
_MAILBOX_FULL = {(2, 2)}
_TOO_LARGE = {(2, 3), (3, 4)}


def is_failure(action: str | None) -> bool:
    """RFC 3464's Action: only ``failed`` is a bounce; delayed, delivered, relayed and expanded
    are not."""
    return (action or "failed").strip().lower() == "failed"


def classify(status: str | None) -> BounceClass:
    """The bounce type and sub-type of a failed recipient with this DSN Status."""
    found = _STATUS.search(status or "")
    if found is None:
        return UNDETERMINED
    klass, subject, detail = (int(part) for part in found.groups())
    if klass == 2:
        return UNDETERMINED  # "failed" with a success code: the reason cannot be told
    if (subject, detail) in _MAILBOX_FULL:
        return MAILBOX_FULL
    if (subject, detail) in _TOO_LARGE:
        return MESSAGE_TOO_LARGE
    if subject == 6:
        return CONTENT_REJECTED
    if klass == 4:
        return TRANSIENT_GENERAL
    if (subject, detail) in _NO_EMAIL:
        return PERMANENT_NO_EMAIL
    return PERMANENT_GENERAL


def status_code(status: str | None) -> str | None:
    """The bare X.Y.Z of a Status field, or None."""
    found = _STATUS.search(status or "")
    return found.group(0) if found else None
