"""The seam between the delivery worker and the SMTP code: envelopes in, per-recipient results
out. Tests may put any MailTransport behind the worker; openses uses delivery/smtp.py."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from openses.delivery.outcomes import Reply
from openses.delivery.routes import Route


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


class MailTransport(Protocol):
    def deliver(self, route: Route, envelopes: Sequence[Envelope]) -> list[Attempt]:
        """One attempt for each envelope, in any order; never raises for a peer's fault."""
        ...
