"""Returns (issue 16): a bounce (DSN) or complaint (ARF report) mailed back to openses becomes
the Bounce or Complaint event of the message it answers, with what the simulator-driven ones
bring along: the account suppression list (the set's SuppressionOptions overriding the
account's reasons), the sending identity's notifications and feedback forwarding. Every return
is kept, matched or not (``GET /_openses/returns``), and none is ever answered with an error:
a bounce of a bounce would start a loop.

The message is found by the envelope recipient (the VERP envelope sender openses used,
services/return_path.py), else by what the report says about the original: its Message-ID,
Return-Path, or the ARF Original-Mail-From.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from openses.domain.errors import ConfigurationSetNotFound
from openses.domain.identity import EmailIdentity
from openses.domain.message import new_feedback_id
from openses.domain.options import SuppressionReason
from openses.domain.returns import ReturnKind, ReturnOutcome, classify, is_failure, status_code
from openses.events import records
from openses.mail import returns as reports
from openses.services import account as account_service
from openses.services import identity_notifications, mail_objects
from openses.services.outcomes import effective_reasons
from openses.services.return_path import message_id_from_return_path
from openses.store.returns import ReturnedMessage, StoredReturn
from openses.store.sources import ConnectionSource
from openses.store.unit_of_work import UnitOfWork

# the messages' status once a return is recorded (as the delivery worker's "bounced")
BOUNCED = "bounced"
COMPLAINED = "complained"


@dataclass(frozen=True, slots=True, kw_only=True)
class Returned:
    """A message that came in on the inbound listener for a return path or the feedback
    address, as the SMTP transaction had it."""

    mail_from: str
    recipients: Sequence[str]
    raw: bytes
    peer_ip: str


@dataclass(frozen=True, slots=True)
class Receipt:
    return_id: int
    outcome: ReturnOutcome
    message_id: str | None


def receive(source: ConnectionSource, returned: Returned, now: datetime.datetime) -> Receipt:
    """Read, match, record and keep one return, in one transaction."""
    report = reports.read(returned.raw)
    # no account yet: the look-up and an unmatched return use only the unscoped repository
    with UnitOfWork(source, "", "") as lookup:
        matched = lookup.returns.find_message(_candidates(returned, report))
        if matched is None:
            unmatched = _unmatched_outcome(report)
            return_id = lookup.returns.add(_kept(returned, report, unmatched, now))
            lookup.commit()
            return Receipt(return_id, unmatched, None)
    uow = UnitOfWork(source, matched.account_id, matched.region)
    with uow:
        if isinstance(report, reports.DeliveryReport):
            already = _bounced_before(uow, matched.message_id)
            if _repeats(report, already):
                # the same DSN again (a peer that retried, or a forger): no second Bounce
                return_id = uow.returns.add(_kept(returned, report, ReturnOutcome.UNMATCHED, now))
                uow.commit()
                return Receipt(return_id, ReturnOutcome.UNMATCHED, None)
            events = _bounces(report, matched, now, already=already)
        else:
            assert isinstance(report, reports.FeedbackReport)
            events = [_complaint(report, matched, now)]
        if events:
            _record(uow, matched, events, now)
        outcome = ReturnOutcome.RECORDED if events else ReturnOutcome.NO_FAILURE
        kept = _kept(
            returned,
            report,
            outcome,
            now,
            matched=matched,
            feedback_ids=[_body(event)["feedbackId"] for event in events],
        )
        return_id = uow.returns.add(kept)
        uow.commit()
    return Receipt(return_id, outcome, matched.message_id)


def _candidates(
    returned: Returned, report: reports.DeliveryReport | reports.FeedbackReport | None
) -> list[str]:
    """Message ids the return may answer, most trusted first; none for an unreadable one."""
    if report is None:
        return []
    addresses = list(returned.recipients)
    if isinstance(report, reports.FeedbackReport) and report.original_mail_from:
        addresses.append(report.original_mail_from)
    addresses += [v for v in (report.original.return_path, report.original.message_id) if v]
    return [found for a in addresses if (found := message_id_from_return_path(a)) is not None]


def _unmatched_outcome(
    report: reports.DeliveryReport | reports.FeedbackReport | None,
) -> ReturnOutcome:
    return ReturnOutcome.UNREADABLE if report is None else ReturnOutcome.UNMATCHED


def _kind(report: reports.DeliveryReport | reports.FeedbackReport | None) -> ReturnKind:
    if isinstance(report, reports.DeliveryReport):
        return ReturnKind.BOUNCE
    if isinstance(report, reports.FeedbackReport):
        return ReturnKind.COMPLAINT
    return ReturnKind.UNKNOWN


def _kept(
    returned: Returned,
    report: reports.DeliveryReport | reports.FeedbackReport | None,
    outcome: ReturnOutcome,
    now: datetime.datetime,
    *,
    matched: ReturnedMessage | None = None,
    feedback_ids: Sequence[str] = (),
) -> StoredReturn:
    return StoredReturn(
        kind=str(_kind(report)),
        outcome=str(outcome),
        mail_from=returned.mail_from,
        recipients=list(returned.recipients),
        peer_ip=returned.peer_ip,
        raw=returned.raw,
        received_at=now,
        matched=matched,
        feedback_ids=list(feedback_ids),
    )


def _mail(matched: ReturnedMessage) -> dict[str, Any]:
    if matched.mail is not None:
        return matched.mail
    destination = [a for values in matched.destination.values() for a in values]
    return mail_objects.bare_mail(matched, matched.source, destination)


def _bounced_before(uow: UnitOfWork, message_id: str) -> set[str]:
    """The recipients of ``message_id`` that a recorded DSN already bounced, lower-cased."""
    bounced = set()
    for raw in uow.returns.recorded_raws(message_id, str(ReturnKind.BOUNCE)):
        earlier = reports.read(raw)
        if isinstance(earlier, reports.DeliveryReport):
            bounced |= {r.address.lower() for r in earlier.recipients if is_failure(r.action)}
    return bounced


def _repeats(report: reports.DeliveryReport, already: set[str]) -> bool:
    """Whether every failed recipient of ``report`` was bounced before (and it has some)."""
    failed = [r.address.lower() for r in report.recipients if is_failure(r.action)]
    return bool(failed) and all(address in already for address in failed)


def _bounces(
    report: reports.DeliveryReport,
    matched: ReturnedMessage,
    now: datetime.datetime,
    *,
    already: set[str],
) -> list[records.Record]:
    """One Bounce per bounce type and sub-type among the failed recipients (as one send's
    outcomes are grouped); recipients that were delayed, delivered or relayed are no bounce,
    nor are those a DSN recorded before already bounced (``already``)."""
    grouped: dict[tuple[str, str], list[records.BouncedRecipient]] = {}
    remote_ip: str | None = None
    for recipient in report.recipients:
        if not is_failure(recipient.action) or recipient.address.lower() in already:
            continue
        kind = classify(recipient.status)
        grouped.setdefault((kind.bounce_type, kind.sub_type), []).append(
            records.BouncedRecipient(
                email_address=recipient.address,
                action=(recipient.action or "failed").lower(),
                status=status_code(recipient.status),
                diagnostic_code=recipient.diagnostic_code,
            )
        )
        remote_ip = remote_ip or recipient.remote_mta_ip
    mail = _mail(matched)
    events = []
    for (bounce_type, sub_type), bounced in grouped.items():
        event = records.bounce(
            mail,
            bounce_type=bounce_type,
            bounce_sub_type=sub_type,
            recipients=bounced,
            at=now,
            feedback_id=new_feedback_id(now),
            with_dsn=report.reporting_mta is not None,
            reporting_mta=report.reporting_mta or records.REPORTING_MTA,
            remote_mta_ip=remote_ip,
        )
        events.append(event)
    return events


def _complaint(
    report: reports.FeedbackReport, matched: ReturnedMessage, now: datetime.datetime
) -> records.Record:
    """complainedRecipients: the report's Original-Rcpt-To; a redacted report (none) names
    every recipient of the message, as SES lists all that may have complained."""
    mail = _mail(matched)
    recipients = report.original_recipients or list(mail.get("destination", []))
    return records.complaint(
        mail,
        recipients=recipients,
        at=now,
        feedback_id=new_feedback_id(now),
        feedback_type=report.feedback_type,
        user_agent=report.user_agent,
        arrival_date=report.arrival_date,
    )


def _body(event: records.Record) -> dict[str, Any]:
    body: dict[str, Any] = event["bounce" if event["eventType"] == "Bounce" else "complaint"]
    return body


def _record(
    uow: UnitOfWork,
    matched: ReturnedMessage,
    events: list[records.Record],
    now: datetime.datetime,
) -> None:
    """The events for the set's destinations, the identity's notifications and forwarding,
    the suppression list and the message's status: what a send's own outcomes get."""
    configuration_set = None
    if matched.configuration_set is not None:
        try:
            configuration_set = uow.configuration_sets.get(matched.configuration_set)
        except ConfigurationSetNotFound:
            configuration_set = None  # deleted since the send: no destinations left
    if configuration_set is not None:
        uow.outbox.add_events(
            matched.message_id,
            configuration_set.name,
            records.routed(configuration_set, events),
            now,
        )
    else:
        uow.outbox.add_unpublished(matched.message_id, events, now)
    mail = _mail(matched)
    identity = _identity(uow, mail)
    if identity is not None:
        identity_notifications.record_for_send(
            uow, identity, mail_objects.facts(matched, mail, source=matched.source), events, now
        )
    reasons = effective_reasons(
        configuration_set, [str(r) for r in account_service.settings(uow).suppressed_reasons]
    )
    for event in events:
        body = _body(event)
        if event["eventType"] == "Bounce":
            if body["bounceType"] != "Permanent":
                continue
            reason = SuppressionReason.BOUNCE
            addresses = [r["emailAddress"] for r in body["bouncedRecipients"]]
        else:
            reason = SuppressionReason.COMPLAINT
            addresses = [r["emailAddress"] for r in body["complainedRecipients"]]
        if str(reason) not in reasons:
            continue
        for address in addresses:
            account_service.suppress(
                uow, address, reason, matched.message_id, body["feedbackId"], now
            )
    complained = any(event["eventType"] == "Complaint" for event in events)
    uow.deliveries.set_message_statuses({matched.message_id: COMPLAINED if complained else BOUNCED})


def _identity(uow: UnitOfWork, mail: dict[str, Any]) -> EmailIdentity | None:
    """The sending identity, named by the mail object's sourceArn (``...:identity/NAME``)."""
    arn = str(mail.get("sourceArn", ""))
    _, marker, name = arn.partition(":identity/")
    return uow.identities.find(name) if marker and name else None
