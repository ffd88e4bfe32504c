"""Message and email-address insights (SES v2 GetMessageInsights, GetEmailAddressInsights),
from openses' own records: the message, the events recorded for it, the suppression list and
DNS (docs/aws-behaviour.md, "Tenants, insights and the remaining sesv2 operations")."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from openses.domain import identity
from openses.domain.errors import NotFound, SuppressedDestinationNotFound
from openses.domain.mailbox import address_of
from openses.domain.message import SIMULATOR_DOMAIN
from openses.mail.dns_records import DnsRecords, LookupFailed, RecordNotFound
from openses.services import account as account_service
from openses.store.unit_of_work import UnitOfWork

# An event's eventType -> the insights' EventType, and the key of its own object.
_TYPES = {
    "Send": ("SEND", "send"),
    "Reject": ("REJECT", "reject"),
    "Bounce": ("BOUNCE", "bounce"),
    "Complaint": ("COMPLAINT", "complaint"),
    "Delivery": ("DELIVERY", "delivery"),
    "Open": ("OPEN", "open"),
    "Click": ("CLICK", "click"),
    "Rendering Failure": ("RENDERING_FAILURE", "failure"),
    "DeliveryDelay": ("DELIVERY_DELAY", "deliveryDelay"),
    "Subscription": ("SUBSCRIPTION", "subscription"),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class InsightEvent:
    timestamp: datetime.datetime
    type: str
    bounce: Mapping[str, str] | None = None  # BounceType, BounceSubType, DiagnosticCode
    complaint: Mapping[str, str] | None = None  # ComplaintSubType, ComplaintFeedbackType


@dataclass(frozen=True, slots=True, kw_only=True)
class DestinationInsight:
    destination: str
    events: list[InsightEvent] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class MessageInsights:
    message_id: str
    from_address: str
    subject: str | None
    tags: list[tuple[str, str]]
    insights: list[DestinationInsight]


def message_insights(uow: UnitOfWork, message_id: str) -> MessageInsights:
    with uow:
        record = uow.insights.message(message_id)
    if record is None:
        raise NotFound(f"Message {message_id} does not exist.")
    destinations = _unique(a for values in record.destination.values() for a in values)
    per_destination = {d.lower(): DestinationInsight(destination=d) for d in destinations}
    if not record.events:
        # A message from before openses kept the events of messages without a set.
        for insight in per_destination.values():
            insight.events.append(InsightEvent(timestamp=record.created_at, type="SEND"))
    for payload in record.events:
        kind = _TYPES.get(str(payload.get("eventType")))
        if kind is None:
            continue
        body: dict[str, Any] = payload.get(kind[1]) or {}
        at = _timestamp(body.get("timestamp") or payload.get("mail", {}).get("timestamp"))
        for recipient, event in _events(kind[0], body, at or record.created_at):
            targets = (
                [per_destination[recipient.lower()]]
                if recipient is not None and recipient.lower() in per_destination
                else list(per_destination.values())
            )
            for insight in targets:
                insight.events.append(event)
    return MessageInsights(
        message_id=record.message_id,
        from_address=record.source,
        subject=record.subject,
        tags=[(name, value) for name, values in record.tags.items() for value in values],
        insights=list(per_destination.values()),
    )


def _events(
    kind: str, body: Mapping[str, Any], at: datetime.datetime
) -> list[tuple[str | None, InsightEvent]]:
    """(recipient, event) pairs; recipient None: the event is the whole message's."""
    if kind == "DELIVERY":
        return [(r, InsightEvent(timestamp=at, type=kind)) for r in body.get("recipients", [])]
    if kind == "BOUNCE":
        return [
            (
                r.get("emailAddress"),
                InsightEvent(
                    timestamp=at,
                    type=kind,
                    bounce=_present(
                        BounceType=str(body.get("bounceType", "Undetermined")).upper(),
                        BounceSubType=body.get("bounceSubType"),
                        DiagnosticCode=r.get("diagnosticCode"),
                    ),
                ),
            )
            for r in body.get("bouncedRecipients", [])
        ]
    if kind == "COMPLAINT":
        details = _present(
            ComplaintSubType=body.get("complaintSubType"),
            ComplaintFeedbackType=body.get("complaintFeedbackType"),
        )
        return [
            (r.get("emailAddress"), InsightEvent(timestamp=at, type=kind, complaint=details))
            for r in body.get("complainedRecipients", [])
        ]
    if kind == "DELIVERY_DELAY":
        return [
            (r.get("emailAddress"), InsightEvent(timestamp=at, type=kind))
            for r in body.get("delayedRecipients", [])
        ]
    return [(None, InsightEvent(timestamp=at, type=kind))]


def _present(**values: Any) -> dict[str, str]:
    return {key: str(value) for key, value in values.items() if value is not None}


def _timestamp(text: object) -> datetime.datetime | None:
    if not isinstance(text, str):
        return None
    try:
        return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def _unique(addresses: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for mailbox in addresses:
        address = address_of(mailbox) or mailbox
        seen.setdefault(address.lower(), address)
    return list(seen.values())


# -- email address insights ----------------------------------------------------------------------


class Verdict(StrEnum):
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"


# Local parts that name a function rather than a person (RFC 2142 and common practice).
ROLE_LOCAL_PARTS = frozenset(
    {
        "abuse", "admin", "administrator", "billing", "contact", "help", "hostmaster", "info",
        "mail", "marketing", "noc", "no-reply", "noreply", "postmaster", "sales", "security",
        "support", "team", "webmaster",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True, kw_only=True)
class MailboxValidation:
    is_valid: Verdict
    has_valid_syntax: Verdict
    has_valid_dns_records: Verdict
    mailbox_exists: Verdict
    is_role_address: Verdict
    is_disposable: Verdict
    is_random_input: Verdict


def address_insights(
    uow: UnitOfWork, address: str, dns_servers: Sequence[tuple[str, int]]
) -> MailboxValidation:
    """Syntax, the domain's MX (or address) records, the account's suppression list and the
    mailbox simulator; openses keeps no list of disposable domains and does not guess at
    random input, so both are LOW."""
    syntax = identity.is_valid_email_address(address)
    local, _, domain = address.rpartition("@")
    dns = _dns_verdict(domain, dns_servers) if syntax else Verdict.LOW
    mailbox = _mailbox_verdict(uow, address, local, domain) if syntax else Verdict.LOW
    if not syntax or dns is Verdict.LOW or mailbox is Verdict.LOW:
        overall = Verdict.LOW
    elif dns is Verdict.HIGH and mailbox is Verdict.HIGH:
        overall = Verdict.HIGH
    else:
        overall = Verdict.MEDIUM
    return MailboxValidation(
        is_valid=overall,
        has_valid_syntax=Verdict.HIGH if syntax else Verdict.LOW,
        has_valid_dns_records=dns,
        mailbox_exists=mailbox,
        is_role_address=Verdict.HIGH if local.lower() in ROLE_LOCAL_PARTS else Verdict.LOW,
        is_disposable=Verdict.LOW,
        is_random_input=Verdict.LOW,
    )


def _dns_verdict(domain: str, servers: Sequence[tuple[str, int]]) -> Verdict:
    if domain.lower() == SIMULATOR_DOMAIN:
        return Verdict.HIGH
    if domain.lower().endswith((".invalid", ".test", ".example")):  # RFC 2606: never resolve
        return Verdict.LOW
    try:
        return Verdict.HIGH if DnsRecords(servers, timeout=2.0).mx(domain) else Verdict.LOW
    except RecordNotFound:
        return Verdict.LOW
    except LookupFailed:
        return Verdict.MEDIUM


def _mailbox_verdict(uow: UnitOfWork, address: str, local: str, domain: str) -> Verdict:
    """The simulator's addresses are known; an address on the account's suppression list
    bounced or complained; of any other openses cannot know more than that it may exist."""
    if domain.lower() == SIMULATOR_DOMAIN:
        return Verdict.LOW if local.lower() in ("bounce", "suppressionlist") else Verdict.HIGH
    try:
        account_service.get_suppressed_destination(uow, address)
    except SuppressedDestinationNotFound:
        return Verdict.MEDIUM
    return Verdict.LOW
