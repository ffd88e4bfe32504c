"""One delivery attempt as the delivery worker and the settling service see it: the envelope
handed to a mail server, and what became of each recipient."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from openses.domain.smtp_reply import Reply


@dataclass(frozen=True, slots=True, kw_only=True)
class Envelope:
    key: int  # the queue row's id: results come back under it
    mail_from: str
    recipients: Sequence[str]
    data: bytes
    tls_required: bool
    domain: str | None = None  # the recipients' domain, for a route that goes to MX hosts


class Verdict(StrEnum):
    DELIVERED = "delivered"
    BOUNCED = "bounced"  # permanent: a 5xx answer
    DEFERRED = "deferred"  # temporary: retried until the message expires


@dataclass(frozen=True, slots=True, kw_only=True)
class RecipientResult:
    address: str
    verdict: Verdict
    reply: Reply


@dataclass(frozen=True, slots=True, kw_only=True)
class Attempt:
    key: int
    results: Sequence[RecipientResult]
    finished_at: datetime.datetime
    # the remote MTA's final answer to DATA, when it accepted the message
    smtp_response: str | None = None
    remote_ip: str | None = None
    local_ip: str | None = None
