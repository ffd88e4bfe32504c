"""Issue 15: settling a round of attempts at queued deliveries, in one unit of work: the queue
rows, the Delivery, Bounce or DeliveryDelay events (through the outbox, at least once), the
sending identities' notifications, the account suppression list and the messages' status.

Every recipient is settled once: delivered, bounced (a 5xx answer: Permanent), or kept in its
row for a retry until the message expires (MaxDeliverySeconds), when it bounces as Transient.
The first temporary failure publishes a DeliveryDelay.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from openses.domain.configuration_set import ConfigurationSet
from openses.domain.delivery_attempt import Attempt, RecipientResult, Verdict
from openses.domain.errors import ConfigurationSetNotFound
from openses.domain.identity import EmailIdentity
from openses.domain.message import new_feedback_id
from openses.domain.options import SuppressionReason
from openses.domain.smtp_reply import INTERNAL_FAILURE, MAILBOX_FULL, Reply
from openses.events import records
from openses.services import account as account_service
from openses.services import identity_notifications, mail_objects
from openses.services.outcomes import effective_reasons
from openses.services.verification_emails import VERIFICATION
from openses.store import deliveries
from openses.store.deliveries import QueuedDelivery, Settled
from openses.store.unit_of_work import UnitOfWork

NO_RESULT = Reply(451, "4.3.0 No result for this recipient", INTERNAL_FAILURE)


@dataclass(frozen=True, slots=True, kw_only=True)
class RetryPolicy:
    base_seconds: float
    max_seconds: float

    def backoff(self, attempts: int) -> datetime.timedelta:
        """60 s, 120 s, 240 s, ... up to the ceiling (the defaults)."""
        exponent = min(max(attempts - 1, 0), 30)
        return datetime.timedelta(seconds=min(self.max_seconds, self.base_seconds * 2**exponent))


@dataclass(slots=True)
class _Round:
    """What one round looked up once: sets, identities, the account's suppressed reasons."""

    uow: UnitOfWork
    sets: dict[str, ConfigurationSet | None] = field(default_factory=dict)
    identities: dict[str, EmailIdentity | None] = field(default_factory=dict)
    account_reasons: list[str] | None = None

    def configuration_set(self, name: str | None) -> ConfigurationSet | None:
        if name is None:
            return None
        if name not in self.sets:
            try:
                self.sets[name] = self.uow.configuration_sets.get(name)
            except ConfigurationSetNotFound:
                self.sets[name] = None  # deleted since the send: no destinations left
        return self.sets[name]

    def identity(self, name: str) -> EmailIdentity | None:
        if name not in self.identities:
            self.identities[name] = self.uow.identities.find(name)
        return self.identities[name]

    def suppresses_bounces(self, configuration_set: ConfigurationSet | None) -> bool:
        if self.account_reasons is None:
            settings = account_service.settings(self.uow)
            self.account_reasons = [str(r) for r in settings.suppressed_reasons]
        reasons = effective_reasons(configuration_set, self.account_reasons)
        return str(SuppressionReason.BOUNCE) in reasons


def settle(
    uow: UnitOfWork,
    attempts: Sequence[tuple[QueuedDelivery, Attempt]],
    now: datetime.datetime,
    *,
    retry: RetryPolicy,
    reporting_mta: str,
) -> int:
    """Record each attempt at its row (all of one account and region); rows no longer their
    claim's (settled already, or claimed again after the lease ran out) are left alone.
    Returns how many rows were settled. Runs in the caller's unit of work."""
    owned = uow.deliveries.owned([row for row, _ in attempts])
    mine = [(row, attempt) for row, attempt in attempts if row.id in owned]
    if not mine:
        return 0
    mails = uow.deliveries.mail_objects(row.message_id for row, _ in mine)
    lookups = _Round(uow)
    results: list[Settled] = []
    outcome: dict[str, tuple[bool, bool]] = {}  # message id: (delivered any, bounced any)
    counted: list[list[records.Record]] = []  # each row's events, for the rollup
    for row, attempt in mine:
        settled, delivered, bounced = _settle_one(
            lookups, row, attempt, now, mails.get(row.message_id), retry, reporting_mta, counted
        )
        results.append(settled)
        before = outcome.get(row.message_id, (False, False))
        outcome[row.message_id] = (before[0] or delivered, before[1] or bounced)
    # one upsert for the round's events, not one a row
    uow.statistics.count_messages(counted, now)
    uow.deliveries.record(results)
    _message_statuses(uow, outcome)
    return len(results)


def _settle_one(
    lookups: _Round,
    row: QueuedDelivery,
    attempt: Attempt,
    now: datetime.datetime,
    stored_mail: dict[str, Any] | None,
    retry: RetryPolicy,
    reporting_mta: str,
    counted: list[list[records.Record]],
) -> tuple[Settled, bool, bool]:
    by_verdict: dict[Verdict, list[RecipientResult]] = {v: [] for v in Verdict}
    answered = {result.address for result in attempt.results}
    for result in attempt.results:
        by_verdict[result.verdict].append(result)
    for address in row.recipients:  # a transport answers for each; never lose one
        if address not in answered:
            by_verdict[Verdict.DEFERRED].append(
                RecipientResult(address=address, verdict=Verdict.DEFERRED, reply=NO_RESULT)
            )
    delivered, bounced, deferred = (by_verdict[v] for v in Verdict)
    expired = bool(deferred) and now >= row.expires_at
    remaining = [] if expired else [r.address for r in deferred]
    settled = Settled(
        row=row,
        remaining=remaining,
        status=_row_status(delivered, bounced, deferred),
        next_attempt_at=min(now + retry.backoff(row.attempts), row.expires_at)
        if remaining
        else None,
        delayed=row.delayed or bool(deferred),
        error=deferred[0].reply.line if deferred else None,
        now=now,
    )

    mail = stored_mail or mail_objects.bare_mail(row, row.mail_from, row.recipients)
    events: list[records.Record] = []
    if delivered:
        tags = dict(mail.get("tags", {}))
        if attempt.local_ip:
            tags["ses:outgoing-ip"] = [attempt.local_ip]
        millis = int((attempt.finished_at - row.created_at).total_seconds() * 1000)
        events.append(
            records.delivery(
                {**mail, "tags": tags},
                recipients=[r.address for r in delivered],
                at=attempt.finished_at,
                processing_millis=max(0, millis),
                smtp_response=attempt.smtp_response or delivered[0].reply.line,
                reporting_mta=reporting_mta,
                remote_mta_ip=attempt.remote_ip,
            )
        )
    bounces: list[tuple[str, str, list[RecipientResult]]] = []
    if bounced:
        bounces.append(("Permanent", "General", bounced))
    if expired:
        full = all(r.reply.delay_type == MAILBOX_FULL for r in deferred)
        bounces.append(("Transient", MAILBOX_FULL if full else "General", deferred))
    permanent: dict[str, str] = {}  # address: feedback id
    for bounce_type, sub_type, bounced_here in bounces:
        feedback_id = new_feedback_id(now)
        if bounce_type == "Permanent":
            permanent.update({r.address: feedback_id for r in bounced_here})
        events.append(
            records.bounce(
                mail,
                bounce_type=bounce_type,
                bounce_sub_type=sub_type,
                recipients=[
                    records.BouncedRecipient(
                        email_address=r.address,
                        action="failed",
                        status=r.reply.status,
                        diagnostic_code=r.reply.diagnostic_code,
                    )
                    for r in bounced_here
                ],
                at=now,
                feedback_id=feedback_id,
                with_dsn=True,
                reporting_mta=reporting_mta,
                remote_mta_ip=attempt.remote_ip,
            )
        )
    if deferred and not expired and not row.delayed:
        events.append(
            records.delivery_delay(
                mail,
                delay_type=deferred[0].reply.delay_type,
                recipients=[
                    records.DelayedRecipient(
                        email_address=r.address,
                        status=r.reply.status,
                        diagnostic_code=r.reply.diagnostic_code,
                    )
                    for r in deferred
                ],
                at=now,
                expires_at=row.expires_at,
                reporting_mta=attempt.local_ip,
            )
        )

    uow = lookups.uow
    counted.append(events)
    configuration_set = lookups.configuration_set(row.configuration_set)
    if events and configuration_set is not None:
        uow.outbox.add_events(
            row.message_id,
            configuration_set.name,
            records.routed(configuration_set, events),
            now,
        )
    elif events:
        uow.outbox.add_unpublished(row.message_id, events, now)
    identity = lookups.identity(row.identity)
    if events and identity is not None:
        identity_notifications.record_for_send(
            uow, identity, mail_objects.facts(row, mail, source=""), events, now
        )
    if permanent and lookups.suppresses_bounces(configuration_set):
        for address, feedback_id in permanent.items():
            account_service.suppress(
                uow, address, SuppressionReason.BOUNCE, row.message_id, feedback_id, now
            )
    return settled, bool(delivered), bool(bounced) or expired


def _row_status(
    delivered: Sequence[RecipientResult],
    bounced: Sequence[RecipientResult],
    deferred: Sequence[RecipientResult],
) -> str:
    if delivered and (bounced or deferred):
        return deliveries.PARTLY
    return deliveries.DELIVERED if delivered else deliveries.BOUNCED


def _message_statuses(uow: UnitOfWork, outcome: dict[str, tuple[bool, bool]]) -> None:
    """queued → delayed while retrying; → delivered once nothing is pending; bounced as soon as
    any recipient bounced. A complaint (simulator recipients) stays."""
    changed: dict[str, str] = {}
    for message_id, (status, pending) in uow.deliveries.message_states(outcome).items():
        delivered, bounced = outcome[message_id]
        if status in ("complained", VERIFICATION):  # a verification email is no send
            continue
        if bounced:
            new = "bounced"
        elif pending and status == deliveries.QUEUED:
            new = deliveries.DELAYED
        elif not pending and delivered and status in (deliveries.QUEUED, deliveries.DELAYED):
            new = "delivered"
        else:
            new = status
        if new != status:
            changed[message_id] = new
    if changed:
        uow.deliveries.set_message_statuses(changed)
