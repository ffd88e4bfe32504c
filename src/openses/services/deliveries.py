"""Issue 15: settling one attempt at a queued delivery, in one unit of work: the queue row, the
Delivery, Bounce or DeliveryDelay events (through the outbox, at least once), the sending
identity's notifications, the account suppression list and the message's status.

Every recipient is settled once: delivered, bounced (a 5xx answer: Permanent), or kept in the
row for a retry until the message expires (MaxDeliverySeconds), when it bounces as Transient.
The first temporary failure publishes a DeliveryDelay.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from openses.delivery.outcomes import Reply
from openses.delivery.transport import Attempt, RecipientResult, Verdict
from openses.domain.clock import iso8601
from openses.domain.errors import ConfigurationSetNotFound
from openses.domain.message import new_feedback_id
from openses.domain.options import SuppressionReason
from openses.events import records
from openses.services import account as account_service
from openses.services import identity_notifications
from openses.services.outcomes import effective_reasons
from openses.store import deliveries
from openses.store.deliveries import QueuedDelivery
from openses.store.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True, kw_only=True)
class RetryPolicy:
    base_seconds: float
    max_seconds: float

    def backoff(self, attempts: int) -> datetime.timedelta:
        """60 s, 120 s, 240 s, ... up to the ceiling (the defaults)."""
        exponent = min(max(attempts - 1, 0), 30)
        return datetime.timedelta(seconds=min(self.max_seconds, self.base_seconds * 2**exponent))


def settle(
    uow: UnitOfWork,
    row: QueuedDelivery,
    attempt: Attempt,
    now: datetime.datetime,
    *,
    retry: RetryPolicy,
    reporting_mta: str,
) -> bool:
    """Record ``attempt`` at ``row``; False when the row was no longer this claim's (then
    nothing is recorded)."""
    by_verdict: dict[Verdict, list[RecipientResult]] = {v: [] for v in Verdict}
    answered = {result.address for result in attempt.results}
    for result in attempt.results:
        by_verdict[result.verdict].append(result)
    for address in row.recipients:  # a transport must answer for each; never lose one
        if address not in answered:
            by_verdict[Verdict.DEFERRED].append(
                RecipientResult(
                    address=address,
                    verdict=Verdict.DEFERRED,
                    reply=Reply(451, "4.3.0 No result for this recipient", "InternalFailure"),
                )
            )
    delivered, bounced, deferred = (by_verdict[v] for v in Verdict)
    expired = bool(deferred) and now >= row.expires_at
    remaining = [] if expired else [r.address for r in deferred]
    status = _row_status(delivered, bounced, deferred)
    error = deferred[0].reply.line if deferred else None
    next_attempt = min(now + retry.backoff(row.attempts), row.expires_at) if remaining else None
    if not uow.deliveries.settle(
        row,
        now,
        remaining=remaining,
        status=status,
        next_attempt_at=next_attempt,
        delayed=row.delayed or bool(deferred),
        error=error,
    ):
        return False

    mail: dict[str, Any] = uow.deliveries.mail_object(row.message_id) or _bare_mail(row)
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
    bounces: list[tuple[str, list[RecipientResult], str]] = []
    if bounced:
        bounces.append(("Permanent", bounced, "General"))
    if expired:
        mailbox_full = all(r.reply.delay_type == "MailboxFull" for r in deferred)
        bounces.append(("Transient", deferred, "MailboxFull" if mailbox_full else "General"))
    permanent_feedback: dict[str, str] = {}
    for bounce_type, bounced_here, sub_type in bounces:
        feedback_id = new_feedback_id(now)
        if bounce_type == "Permanent":
            permanent_feedback.update({r.address: feedback_id for r in bounced_here})
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

    configuration_set = None
    if row.configuration_set is not None:
        try:
            configuration_set = uow.configuration_sets.get(row.configuration_set)
        except ConfigurationSetNotFound:
            configuration_set = None  # deleted since the send: no destinations left
    if configuration_set is not None:
        uow.outbox.add_events(row.message_id, configuration_set, events, now)
    identity = uow.identities.find(row.identity)
    if identity is not None:
        identity_notifications.record_for_send(uow, identity, _facts(row, mail), events, now)
    if permanent_feedback:
        settings = account_service.settings(uow)
        reasons = effective_reasons(
            configuration_set, [str(r) for r in settings.suppressed_reasons]
        )
        if str(SuppressionReason.BOUNCE) in reasons:
            for address, feedback_id in permanent_feedback.items():
                account_service.suppress(
                    uow, address, SuppressionReason.BOUNCE, row.message_id, feedback_id, now
                )
    _message_status(uow, row.message_id, delivered, bool(bounced) or expired, remaining)
    return True


def _row_status(
    delivered: Sequence[RecipientResult],
    bounced: Sequence[RecipientResult],
    deferred: Sequence[RecipientResult],
) -> str:
    if delivered and (bounced or deferred):
        return deliveries.PARTLY
    return deliveries.DELIVERED if delivered else deliveries.BOUNCED


def _message_status(
    uow: UnitOfWork,
    message_id: str,
    delivered: Sequence[RecipientResult],
    bounced: bool,
    remaining: Sequence[str],
) -> None:
    current = uow.deliveries.message_status(message_id)
    if current is None or current == "complained":
        return
    if bounced:
        status = "bounced"
    elif remaining:
        status = deliveries.DELAYED if current == deliveries.QUEUED else current
    elif current in (deliveries.QUEUED, deliveries.DELAYED) and delivered:
        status = "delivered" if uow.deliveries.pending_for(message_id) == 0 else current
    else:
        status = current
    if status != current:
        uow.deliveries.set_message_status(message_id, status)


def _facts(row: QueuedDelivery, mail: dict[str, Any]) -> records.MailFacts:
    return records.MailFacts(
        accepted_at=row.created_at,
        source=str(mail.get("source", "")),
        source_arn=mail.get("sourceArn"),
        account_id=row.account_id,
        message_id=row.message_id,
        destination=list(mail.get("destination", [])),
        headers=[(h["name"], h["value"]) for h in mail.get("headers", [])],
        tags=mail.get("tags", {}),
    )


def _bare_mail(row: QueuedDelivery) -> dict[str, Any]:
    """A message stored without its ``mail`` object (never, for a send): the least AWS says."""
    return {
        "timestamp": iso8601(row.created_at),
        "source": row.mail_from,
        "sendingAccountId": row.account_id,
        "messageId": row.message_id,
        "destination": list(row.recipients),
    }
