"""Identity notifications and feedback forwarding: the settings use cases, and what a send
leaves behind for them (SNS publications in the outbox, forwarded reports among the captured
messages).

The settings functions open and commit their unit of work; ``record_for_send`` runs inside the
send's own, so notifications commit with the message or not at all.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from openses.domain.errors import InvalidIdentity
from openses.domain.feedback import FeedbackSettings, NotificationType, check_topic_arn
from openses.domain.identity import EmailIdentity
from openses.events import notifications
from openses.events.records import MailFacts, Record
from openses.mail import feedback as forwarding
from openses.services import messages
from openses.store.unit_of_work import UnitOfWork

SNS = "sns"
# Status of a forwarded report among the captured messages; not a send, so it uses no quota.
FORWARDED = "forwarded"


def _locked(uow: UnitOfWork, name: str) -> EmailIdentity:
    identity = uow.identities.find(name, for_update=True)
    if identity is None:
        raise InvalidIdentity(name)
    return identity


def set_topic(
    uow: UnitOfWork,
    name: str,
    kind: NotificationType,
    topic_arn: str | None,
    now: datetime.datetime,
) -> None:
    """A new topic gets SES's one-off confirmation message, through the outbox."""
    check_topic_arn(topic_arn)
    with uow:
        identity = _locked(uow, name)
        previous = identity.feedback.topic(kind)
        identity.feedback = identity.feedback.with_topic(kind, topic_arn)
        uow.identities.save(identity)
        if topic_arn and topic_arn != previous:
            message = notifications.subscription_succeeded(topic_arn, kind, name)
            uow.outbox.add_publication(SNS, _target(topic_arn), message, now)
        uow.commit()


def set_forwarding(uow: UnitOfWork, name: str, enabled: bool, *, require_topics: bool) -> None:
    with uow:
        identity = _locked(uow, name)
        identity.feedback = identity.feedback.with_forwarding(
            enabled, require_topics=require_topics
        )
        uow.identities.save(identity)
        uow.commit()


def set_headers(uow: UnitOfWork, name: str, kind: NotificationType, enabled: bool) -> None:
    with uow:
        identity = _locked(uow, name)
        identity.feedback = identity.feedback.with_headers(kind, enabled)
        uow.identities.save(identity)
        uow.commit()


def settings_of(uow: UnitOfWork, names: Iterable[str]) -> dict[str, FeedbackSettings]:
    """The feedback settings of those of ``names`` that are identities of this account."""
    with uow:
        return {name: i.feedback for name, i in uow.identities.find_many(names).items()}


def record_for_send(
    uow: UnitOfWork,
    identity: EmailIdentity,
    facts: MailFacts,
    records: Sequence[Record],
    now: datetime.datetime,
) -> None:
    """For each Bounce, Complaint and Delivery record of a send: an SNS notification when the
    sending identity has a topic for it, and a forwarded report when feedback forwarding
    applies. Runs in the send's unit of work."""
    settings = identity.feedback
    for record in records:
        kind_name = notifications.notification_type(record)
        if kind_name is None:
            continue
        kind = NotificationType(kind_name)
        topic = settings.topic(kind)
        if topic is not None:
            payload = notifications.notification(
                record, with_headers=kind in settings.headers_included
            )
            uow.outbox.add_publication(
                SNS, _target(topic), payload, now, message_id=facts.message_id
            )
        if settings.forwards(kind):
            _forward(uow, kind, record, facts, now)


def _target(topic_arn: str) -> dict[str, object]:
    return {"topic_arn": topic_arn, "notification": True}


def _forward(
    uow: UnitOfWork,
    kind: NotificationType,
    record: Record,
    facts: MailFacts,
    now: datetime.datetime,
) -> None:
    """Capture mode: the report SES would mail is captured among the messages, addressed to the
    submitted Return-Path, else the sender."""
    to = forwarding.feedback_address(facts.source, facts.headers)
    message_id, id_header = messages.new_id_header(uow, now)
    if kind is NotificationType.BOUNCE:
        sender, subject = forwarding.BOUNCE_SENDER, forwarding.BOUNCE_SUBJECT
        raw = forwarding.bounce_report(
            record["bounce"],
            to=to,
            original_headers=facts.headers,
            message_id_header=id_header,
            at=now,
        )
    else:
        sender, subject = forwarding.COMPLAINT_SENDER, forwarding.COMPLAINT_SUBJECT
        raw = forwarding.complaint_report(
            record["complaint"],
            source=facts.source,
            to=to,
            original_headers=facts.headers,
            message_id_header=id_header,
            at=now,
        )
    messages.capture(
        uow,
        message_id=message_id,
        raw=raw,
        source=sender,
        to=to,
        subject=subject,
        status=FORWARDED,
        now=now,
    )
