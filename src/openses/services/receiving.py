"""Email receiving: mail that arrives for an account runs the actions of its active receipt
rule set, as SES runs them (the developer guide's "Receiving email" chapters).

``Receiver.takers(recipients, ...)`` says whose mail a recipient is (the accounts with a
verified identity for it whose active rule set takes it) and ``Receiver.receive(account,
region, envelope, raw)`` is the entry point for an inbound SMTP listener: it applies the IP
filters and the rules' recipients, keeps the mail with its run of the active rule set's
actions (services/receipt_runs.py, run after the reply, at least once) and answers the SMTP
reply.
"""

from __future__ import annotations

import base64
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import format_datetime
from typing import Any

from openses.domain.clock import Clock
from openses.domain.identity import sending_candidates
from openses.domain.receipt_rule import ReceiptRule, ReceiptRuleSet, blocked
from openses.events import records
from openses.mail import raw
from openses.protocol.timestamps import iso8601
from openses.services import receipt_runs
from openses.services.receipt_actions import InboundEnvelope, ReceivedMail
from openses.store.receipt_rules import ReceivedMessage
from openses.store.sources import ConnectionSource
from openses.store.unit_of_work import UnitOfWork

log = logging.getLogger("openses.receiving")

# SMTP replies of email receiving (SES's inbound endpoint words these its own way; GUESS).
ACCEPTED = "250 Ok"
IP_BLOCKED = "554 5.7.1 Access denied"
NO_MAILBOX = "550 5.1.1 Requested action not taken: mailbox unavailable"
TLS_REQUIRED = "530 5.7.0 Must issue a STARTTLS command first"
FAILED = "451 4.3.0 Temporary service failure"
# SNSAction: "You can only publish emails that are 150 KB or less (including the header) to
# Amazon SNS. Larger emails bounce." openses refuses them at DATA (docs/aws-behaviour.md).
SNS_CONTENT_LIMIT = 150 * 1024
TOO_BIG_FOR_SNS = "552 5.3.4 Message too large for the SNS action (150 KB)"

Record = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Owner:
    """An account, in a region, that receives mail for a recipient."""

    account_id: str
    region: str


class Receiver:
    def __init__(self, reads: ConnectionSource, writes: ConnectionSource, *, clock: Clock) -> None:
        self._reads = reads
        self._writes = writes
        self._clock = clock

    # -- whose mail --------------------------------------------------------------------------

    def owners(self, recipient: str) -> list[Owner]:
        """The accounts (and regions) with a verified identity for ``recipient``: the address
        itself, its domain or a parent domain (docs/aws-behaviour.md, "Receiving and returns,
        second pass")."""
        bare = recipient.strip().removeprefix("<").removesuffix(">")
        address, domains = sending_candidates(bare)
        with UnitOfWork(self._reads, "", "") as uow:
            found = uow.inbound.owners([address, *domains])
        return [Owner(account_id, region) for account_id, region in found]

    def takers(
        self, recipients: Sequence[str], remote_ip: str, *, tls: bool
    ) -> tuple[dict[Owner, list[str]], str | None]:
        """Each owner whose active rule set takes some of ``recipients`` from this peer, with
        those it takes; and the refusal of the first recipient nobody takes (None if all are
        taken). A recipient no account owns is refused as a mailbox that does not exist."""
        taken: dict[Owner, list[str]] = {}
        refusal: str | None = None
        for recipient in recipients:
            replies: list[str] = []
            for owner in self.owners(recipient):
                reply = self.ip_reply(owner.account_id, owner.region, remote_ip)
                if reply is None:
                    reply = self.recipient_reply(owner.account_id, owner.region, recipient, tls=tls)
                if reply is None:
                    taken.setdefault(owner, []).append(recipient)
                else:
                    replies.append(reply)
            if refusal is None and not any(recipient in found for found in taken.values()):
                refusal = replies[0] if replies else NO_MAILBOX
        return taken, refusal

    # -- before the data ---------------------------------------------------------------------

    def ip_reply(self, account_id: str, region: str, remote_ip: str) -> str | None:
        """The refusal of a session from ``remote_ip`` that the IP filters block, else None."""
        with UnitOfWork(self._reads, account_id, region) as uow:
            filters = uow.receipt_rules.filters()
        return IP_BLOCKED if blocked(remote_ip, filters) else None

    def recipient_reply(
        self, account_id: str, region: str, recipient: str, *, tls: bool
    ) -> str | None:
        """The refusal of RCPT TO ``recipient``, else None: no enabled rule of the active set
        matches it, or one that does requires TLS and the session has none."""
        with UnitOfWork(self._reads, account_id, region) as uow:
            active = uow.receipt_rules.active_set()
        return _recipient_reply(active, recipient, tls=tls)

    # -- the mail ----------------------------------------------------------------------------

    def receive(self, account_id: str, region: str, envelope: InboundEnvelope, data: bytes) -> str:
        with UnitOfWork(self._reads, account_id, region) as uow:
            filters = uow.receipt_rules.filters()
            active = uow.receipt_rules.active_set()
        if blocked(envelope.remote_ip, filters):
            return IP_BLOCKED
        if active is None or not envelope.recipients:
            return NO_MAILBOX
        for recipient in envelope.recipients:
            reply = _recipient_reply(active, recipient, tls=envelope.tls)
            if reply is not None:
                return reply
        if len(data) > SNS_CONTENT_LIMIT and _publishes_content(active, envelope.recipients):
            return TOO_BIG_FOR_SNS
        mail = self._accept(account_id, region, envelope, data, active.rules)
        log.info("accepted %s for %s", mail.message_id, ", ".join(envelope.recipients))
        return f"{ACCEPTED} {mail.message_id}"

    def _accept(
        self,
        account_id: str,
        region: str,
        envelope: InboundEnvelope,
        data: bytes,
        rules: Sequence[ReceiptRule],
    ) -> ReceivedMail:
        """Keep the mail and its rules' run (services/receipt_runs.py) in one transaction:
        once this commits, SES's 250 may be answered and no action is lost."""
        received_at = self._clock()
        message_id = new_receipt_id()
        trace = (
            f"Return-Path: <{envelope.source}>\r\n"
            f"Received: from {envelope.helo or envelope.remote_ip} ([{envelope.remote_ip}]) "
            f"by inbound-smtp.{region}.openses.local with SMTP id {message_id} "
            f"for {envelope.recipients[0]}; {format_datetime(received_at)}\r\n"
        ).encode()
        content = trace + data
        headers = [
            (_storable(name), _storable(value))
            for name, value in records.headers_of(raw.parse(content))
        ]
        mail: Record = {
            "timestamp": iso8601(received_at),
            "source": _storable(envelope.source),
            "messageId": message_id,
            "destination": [_storable(r) for r in envelope.recipients],
            "headersTruncated": False,
            "headers": [{"name": name, "value": value} for name, value in headers],
            "commonHeaders": records.common_headers(headers, message_id),
        }
        with UnitOfWork(self._writes, account_id, region) as uow:
            uow.receipt_rules.add_received(
                ReceivedMessage(
                    message_id=message_id,
                    source=mail["source"],
                    destination=tuple(mail["destination"]),
                    headers=tuple(headers),
                    received_at=received_at,
                    content=content,
                    progress={},
                )
            )
            received = ReceivedMail(message_id, received_at, content, mail)
            receipt_runs.enqueue(uow, rules, envelope, received, received_at)
            uow.commit()
        return received


def _recipient_reply(active: ReceiptRuleSet | None, recipient: str, *, tls: bool) -> str | None:
    matching = active.matching(recipient) if active is not None else []
    if not matching:
        return NO_MAILBOX
    if not tls and any(rule.tls_policy == "Require" for rule in matching):
        return TLS_REQUIRED
    return None


def _publishes_content(active: ReceiptRuleSet, recipients: Sequence[str]) -> bool:
    """Whether a rule that applies to ``recipients`` has an SNS action (which publishes the
    whole mail). Rules after a Stop action are counted too: a Lambda may stop them only once
    it has run, too late to refuse the mail."""
    return any(
        action.kind == "SNSAction"
        for rule in active.rules
        if rule.enabled and any(rule.matches(r) for r in recipients)
        for action in rule.actions
    )


def _storable(text: str) -> str:
    """``text`` as every store and JSON reader keeps it: undecodable bytes of the mail (kept
    as surrogates by the parser) and NUL replaced."""
    return text.encode("utf-8", "replace").decode("utf-8").replace("\x00", "\ufffd")


def new_receipt_id() -> str:
    """Shaped like SES's ids of received mail: 28 lower-case letters and digits."""
    return base64.b32encode(secrets.token_bytes(20)).decode().lower()[:28]
