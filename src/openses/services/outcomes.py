"""What happens to each recipient of an accepted message, and the events that say so.

In capture mode every ordinary recipient is delivered to openses' captured messages. The mailbox
simulator's addresses and the account suppression list produce AWS's other outcomes.
Simulator addresses are never added to the suppression list, as in AWS.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from openses.domain.configuration_set import ConfigurationSet
from openses.domain.message import SimulatorOutcome, new_feedback_id, simulator_outcome
from openses.domain.options import SuppressionReason
from openses.domain.suppression import SuppressedDestination
from openses.events import records
from openses.services import account as account_service
from openses.store.unit_of_work import UnitOfWork

ON_SUPPRESSION_LIST = (
    "Amazon SES did not send the message to this address because it is on the suppression "
    "list for your account. For more information about removing addresses from the suppression "
    "list, see the Amazon SES Developer Guide at "
    "https://docs.aws.amazon.com/ses/latest/DeveloperGuide/sending-email-suppression-list.html"
)
ON_GLOBAL_SUPPRESSION_LIST = (
    "Amazon SES has suppressed sending to this address because it has a recent history of "
    "bouncing as an invalid address."
)
UNKNOWN_USER = "smtp; 550 5.1.1 user unknown"
OUTGOING_IP = "127.0.0.1"


@dataclass(frozen=True, slots=True)
class Outcome:
    status: str
    delivered: bool
    # the events' common "mail" object, and the events themselves
    mail: records.Record
    records: list[records.Record]
    # simulator recipients that answer with an out-of-office reply
    auto_repliers: tuple[str, ...] = ()
    # issue 15: recipients whose mail goes out for real (relay and mx mode), through the queue
    outgoing: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _BounceKind:
    bounce_type: str
    sub_type: str
    with_dsn: bool
    diagnostic_code: str


_ACCOUNT_SUPPRESSION = _BounceKind(
    "Permanent", "OnAccountSuppressionList", False, ON_SUPPRESSION_LIST
)
# A contact unsubscribed from the list or topic: SES bounces the message (developer guide); the
# bounce's sub-type is not documented (GUESS, docs/aws-behaviour.md).
UNSUBSCRIBED = (
    "Amazon SES did not send the message to this address because the contact unsubscribed from "
    "the contact list or topic."
)
_UNSUBSCRIBED = _BounceKind("Permanent", "General", False, UNSUBSCRIBED)
_SIMULATED_BOUNCES = {
    SimulatorOutcome.BOUNCE: _BounceKind("Permanent", "General", True, UNKNOWN_USER),
    SimulatorOutcome.SUPPRESSION_LIST: _BounceKind(
        "Permanent", "Suppressed", False, ON_GLOBAL_SUPPRESSION_LIST
    ),
}


def effective_reasons(
    configuration_set: ConfigurationSet | None, account_reasons: Sequence[str]
) -> set[str]:
    """A set's SuppressionOptions override the account's suppression reasons."""
    if configuration_set is not None and configuration_set.suppression_options is not None:
        return {str(r) for r in configuration_set.suppression_options.suppressed_reasons}
    return {str(r) for r in account_reasons}


def decide(
    uow: UnitOfWork,
    facts: records.MailFacts,
    recipients: Sequence[str],
    configuration_set: ConfigurationSet | None,
    account_reasons: Sequence[SuppressionReason | str],
    *,
    rejected: bool,
    rendering_error: tuple[str, str] | None,
    clock: Callable[[], datetime.datetime],
    real: bool = False,
    unsubscribed: set[str] | None = None,
    suppressed: Mapping[str, SuppressedDestination] | None = None,
) -> Outcome:
    """``real`` (relay and mx mode): ordinary recipients are left for the delivery queue, whose
    worker records their Delivery or Bounce; the simulator's and suppressed ones are settled
    here in every mode. ``suppressed``: the entries of another list than the account's for
    these recipients (a tenant's own, issue 20)."""
    mail = records.mail_object(facts)
    sent = records.send(mail)
    if rendering_error is not None:
        template_name, error = rendering_error
        failure = records.rendering_failure(mail, template_name=template_name, error_message=error)
        return Outcome("rendering_failed", False, mail, [sent, failure])
    if rejected:
        return Outcome("rejected", False, mail, [sent, records.reject(mail)])

    reasons = effective_reasons(configuration_set, [str(r) for r in account_reasons])
    bounces: dict[_BounceKind, list[records.BouncedRecipient]] = {}
    delivered: list[str] = []
    complained: list[str] = []
    auto_repliers: list[str] = []
    outgoing: list[str] = []
    if suppressed is None:
        suppressed = account_service.suppressed_among(uow, recipients)
    for recipient in recipients:
        simulated = simulator_outcome(recipient)
        entry = suppressed.get(recipient)
        if unsubscribed and recipient in unsubscribed:
            kind: _BounceKind | None = _UNSUBSCRIBED
        elif entry is not None and str(entry.reason) in reasons:
            kind = _ACCOUNT_SUPPRESSION
        else:
            kind = _SIMULATED_BOUNCES.get(simulated) if simulated else None
        if kind is not None:
            bounces.setdefault(kind, []).append(
                records.BouncedRecipient(
                    email_address=recipient,
                    action="failed",
                    status="5.1.1",
                    diagnostic_code=kind.diagnostic_code,
                )
            )
        elif real and simulated is None:
            outgoing.append(recipient)
        else:
            delivered.append(recipient)
            if simulated is SimulatorOutcome.COMPLAINT:
                complained.append(recipient)
            elif simulated is SimulatorOutcome.OOTO:
                auto_repliers.append(recipient)

    now = clock()
    events = [sent]
    if delivered:
        tags = {**mail["tags"], "ses:outgoing-ip": [OUTGOING_IP]}
        delivery_mail = {**mail, "tags": tags}
        millis = max(0, int((now - facts.accepted_at).total_seconds() * 1000))
        events.append(
            records.delivery(delivery_mail, recipients=delivered, at=now, processing_millis=millis)
        )
    for kind, bounced in bounces.items():
        events.append(
            records.bounce(
                mail,
                bounce_type=kind.bounce_type,
                bounce_sub_type=kind.sub_type,
                recipients=bounced,
                at=now,
                feedback_id=new_feedback_id(now),
                with_dsn=kind.with_dsn,
            )
        )
    if complained:
        events.append(
            records.complaint(mail, recipients=complained, at=now, feedback_id=new_feedback_id(now))
        )
    status = _status(bounces, delivered, complained)
    if outgoing and status in ("delivered", "suppressed"):
        status = "queued"  # store/deliveries.QUEUED; the worker settles it
    return Outcome(
        status, bool(delivered or outgoing), mail, events, tuple(auto_repliers), tuple(outgoing)
    )


def _status(
    bounces: dict[_BounceKind, list[records.BouncedRecipient]],
    delivered: list[str],
    complained: list[str],
) -> str:
    if complained:
        return "complained"
    if any(kind is not _ACCOUNT_SUPPRESSION for kind in bounces):
        return "bounced"
    if bounces and not delivered:
        return "suppressed"
    return "delivered"
