"""Sending: accept, check, render, store, deliver (capture mode) and record every event.

A send runs in one unit of work: the stored message and all of its event records commit
together or not at all, so no message is ever left without its events (see events/records.py).
"""

from __future__ import annotations

import dataclasses
import datetime
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage, Message

from openses.domain.clock import Clock
from openses.domain.configuration_set import ConfigurationSet
from openses.domain.errors import (
    AccountSendingPaused,
    ConfigurationSetSendingPaused,
    MessageRejected,
)
from openses.domain.mailbox import address_of
from openses.domain.message import (
    EICAR,
    MAX_V1_MESSAGE_BYTES,
    InvalidMessage,
    MessageTag,
    check_bulk_count,
    check_recipient_addresses,
    check_recipient_count,
    check_size,
    feedback_id_header,
    new_message_id,
    parse_tags_header,
)
from openses.events import records
from openses.mail import autoreply, mime, raw
from openses.services import account as account_service
from openses.services import identities, identity_notifications, messages, outcomes, templates
from openses.services.outbound import CAPTURE, Outbound
from openses.store.messages import StoredMessage
from openses.store.unit_of_work import UnitOfWork
from openses.tracking import links as tracking

# Message status of a simulator auto-reply: mail to the sender, not a send of the account's.
AUTO_REPLY = "auto-reply"


@dataclass(frozen=True, slots=True, kw_only=True)
class SendOrigin:
    """Where a send came from, for the ``ses:*`` auto-tags: the operation, the caller's IP
    and identity (the caller itself is protocol.auth.Caller)."""

    operation: str
    source_ip: str
    identity: str


@dataclass(frozen=True, slots=True, kw_only=True)
class TemplateRequest:
    name: str
    data: str


@dataclass(frozen=True, slots=True, kw_only=True)
class OutgoingEmail:
    """One message as an API call describes it: simple content, raw MIME or a template."""

    from_address: str | None
    envelope: mime.Envelope = field(default_factory=lambda: mime.Envelope(source=""))
    content: mime.Content | None = None
    raw_message: bytes | None = None
    template: TemplateRequest | None = None
    configuration_set_name: str | None = None
    tags: Sequence[MessageTag] = ()
    max_size: int = MAX_V1_MESSAGE_BYTES


def send(
    uow: UnitOfWork,
    email: OutgoingEmail,
    origin: SendOrigin,
    clock: Clock,
    outbound: Outbound = CAPTURE,
) -> str:
    with uow:
        message_id = send_in(uow, email, origin, clock, outbound)
        uow.commit()
    return message_id


def send_in(
    uow: UnitOfWork,
    email: OutgoingEmail,
    origin: SendOrigin,
    clock: Clock,
    outbound: Outbound = CAPTURE,
) -> str:
    """The send itself, inside a unit of work the caller commits (bulk sends share one).
    ``outbound`` (issue 15) says whether mail leaves for real, through the delivery queue."""
    accepted_at = clock()
    submitted = raw.parse(email.raw_message) if email.raw_message is not None else None
    if email.raw_message is not None:
        check_size(len(email.raw_message), email.max_size)
    tags = list(email.tags)
    if submitted is not None and submitted.get(raw.MESSAGE_TAGS_HEADER):
        tags.extend(parse_tags_header(str(submitted[raw.MESSAGE_TAGS_HEADER])))
    source = email.from_address or (
        str(submitted["From"]) if submitted and submitted["From"] else ""
    )
    if not source:
        raise InvalidMessage("Missing required header 'From'.")
    recipients = _recipients(email, submitted)
    check_recipient_count(len(recipients))
    check_recipient_addresses(recipients)
    if submitted is not None and email.envelope.recipients:
        # The headers' recipients are checked too when Destinations names the envelope.
        check_recipient_addresses(raw.header_addresses(submitted, "To", "Cc", "Bcc"))

    identity = identities.sending_identity(uow, address_of(source))
    if identity is None:
        raise MessageRejected(
            "Email address is not verified. The following identities failed the check in "
            f"region {uow.region.upper()}: {source}"
        )
    set_name = email.configuration_set_name or (
        str(submitted[raw.CONFIGURATION_SET_HEADER])
        if submitted is not None and submitted.get(raw.CONFIGURATION_SET_HEADER)
        else identity.configuration_set_name
    )
    configuration_set = uow.configuration_sets.get(set_name) if set_name else None
    settings = account_service.settings(uow)
    if not settings.sending_enabled:
        raise AccountSendingPaused()
    if configuration_set is not None and not configuration_set.sending_enabled:
        raise ConfigurationSetSendingPaused(configuration_set.name)

    message_id = new_message_id(accepted_at)
    id_header = mime.ses_message_id_header(message_id, uow.region)
    rendering_error: str | None = None
    message: Message
    if submitted is not None:
        submitted_headers = records.headers_of(submitted)
        raw.strip_ses_headers(submitted)
        raw.set_message_id(submitted, id_header)
        tracking.track_message(uow, configuration_set, message_id, submitted)
        message = submitted
    else:
        content = email.content or mime.Content()
        if email.template is not None:
            rendered = templates.render_for_send(uow, email.template.name, email.template.data)
            if isinstance(rendered, str):
                rendering_error, content = rendered, mime.Content()
            else:
                content = mime.Content(
                    subject=rendered.subject,
                    text=rendered.text,
                    html=rendered.html,
                    headers=content.headers,
                    attachments=content.attachments,
                )
        envelope = mime.Envelope(
            source=source,
            to=email.envelope.to,
            cc=email.envelope.cc,
            reply_to=email.envelope.reply_to,
        )
        if content.html is not None:
            html = tracking.track_html(uow, configuration_set, message_id, content.html)
            content = dataclasses.replace(content, html=html)
        message = mime.build(envelope, content, message_id_header=id_header, date=accepted_at)
        submitted_headers = [
            (name, value)
            for name, value in records.headers_of(message)
            if name.lower() not in ("message-id", "date")
        ]

    # SES adds its Feedback-ID on the way out; the events' headers are the submitted ones.
    message["Feedback-ID"] = feedback_id_header(
        tags, uow.region, f"{uow.account_id}:{uow.region}:{identity.name}"
    )
    delivered_bytes = message.as_bytes()
    check_size(len(delivered_bytes), email.max_size)
    facts = records.MailFacts(
        accepted_at=accepted_at,
        source=source,
        source_arn=f"arn:aws:ses:{uow.region}:{uow.account_id}:identity/{identity.name}",
        account_id=uow.account_id,
        message_id=message_id,
        destination=recipients,
        headers=[] if rendering_error is not None else submitted_headers,
        tags=_tags(tags, origin, source, configuration_set),
    )
    outcome = outcomes.decide(
        uow,
        facts,
        recipients,
        configuration_set,
        settings.suppressed_reasons,
        rejected=rendering_error is None and EICAR in delivered_bytes,
        rendering_error=(email.template.name, rendering_error)
        if email.template is not None and rendering_error is not None
        else None,
        clock=clock,
        real=outbound.real,
    )
    uow.messages.add(
        StoredMessage(
            message_id=message_id,
            account_id=uow.account_id,
            region=uow.region,
            configuration_set=configuration_set.name if configuration_set else None,
            source=source,
            destination=_destination(email, submitted, recipients),
            subject=None if rendering_error is not None else _subject(message),
            tags={tag.name: [tag.value] for tag in tags},
            status=outcome.status,
            raw=delivered_bytes if outcome.delivered else None,
            created_at=accepted_at,
            mail=outcome.mail,
        )
    )
    # issue 15: real recipients go into the delivery queue with the message
    outbound.enqueue(
        uow,
        message_id=message_id,
        identity=identity,
        configuration_set=configuration_set,
        recipients=outcome.outgoing,
        accepted_at=accepted_at,
    )
    if configuration_set is not None:
        uow.outbox.add_events(message_id, configuration_set, outcome.records, accepted_at)
    identity_notifications.record_for_send(uow, identity, facts, outcome.records, accepted_at)
    for replier in outcome.auto_repliers:
        _capture_auto_reply(uow, replier, source, message, clock())
    return message_id


def _capture_auto_reply(
    uow: UnitOfWork, replier: str, source: str, original: Message, now: datetime.datetime
) -> None:
    """The simulator's ooto@ answers the sender; in capture mode the reply is captured
    among the messages."""
    message_id, id_header = messages.new_id_header(uow, now)
    reply = autoreply.out_of_office(
        replier=replier,
        to=source,
        original_subject=_subject(original),
        original_message_id_header=str(original["Message-ID"]),
        message_id_header=id_header,
        at=now,
    )
    messages.capture(
        uow,
        message_id=message_id,
        raw=reply.as_bytes(),
        source=replier,
        to=address_of(source),
        subject=str(reply["Subject"]),
        status=AUTO_REPLY,
        now=now,
    )


def merge_template_data(default: str, replacement: str | None) -> str:
    """A bulk destination's replacement data overrides the default data key by key; data that
    is not a JSON object is passed on as it is, for rendering to report."""
    if not replacement:
        return default
    try:
        merged = {**json.loads(default), **json.loads(replacement)}
    except (ValueError, TypeError):
        return replacement
    return json.dumps(merged)


def _recipients(email: OutgoingEmail, submitted: EmailMessage | None) -> list[str]:
    listed = email.envelope.all_recipients()
    if listed or submitted is None:
        return listed
    return raw.header_addresses(submitted, "To", "Cc", "Bcc")


def _destination(
    email: OutgoingEmail, submitted: EmailMessage | None, recipients: list[str]
) -> dict[str, list[str]]:
    if submitted is not None:
        to = raw.header_addresses(submitted, "To")
        cc = raw.header_addresses(submitted, "Cc")
        bcc = [r for r in recipients if r not in to and r not in cc]
        return {"to": to, "cc": cc, "bcc": bcc}
    envelope = email.envelope
    return {
        "to": list(envelope.to),
        "cc": list(envelope.cc),
        "bcc": list(envelope.bcc),
    }


def _subject(message: Message) -> str | None:
    subject = message.get("Subject")
    return None if subject is None else records.decoded_header(str(subject))


def _tags(
    tags: Sequence[MessageTag],
    origin: SendOrigin,
    source: str,
    configuration_set: ConfigurationSet | None,
) -> dict[str, list[str]]:
    auto: dict[str, list[str]] = {"ses:operation": [origin.operation]}
    if configuration_set is not None:
        auto["ses:configuration-set"] = [configuration_set.name]
    auto["ses:source-ip"] = [origin.source_ip]
    domain = address_of(source).rpartition("@")[2]
    if domain:
        auto["ses:from-domain"] = [domain.lower()]
    auto["ses:caller-identity"] = [origin.identity]
    for tag in tags:
        auto[tag.name] = [tag.value]
    return auto


@dataclass(frozen=True, slots=True)
class BulkResult:
    message_id: str | None
    status_v1: str = "Success"
    status_v2: str = "SUCCESS"
    error: str | None = None


def send_bulk(
    uow: UnitOfWork,
    emails: Sequence[OutgoingEmail],
    origin: SendOrigin,
    clock: Clock,
    outbound: Outbound = CAPTURE,
) -> list[BulkResult]:
    """Each destination is its own send: a bad one fails alone while the others go out.
    Request-wide problems (unknown set or template, unverified sender, paused sending) still
    fail the whole call, as in AWS, and so does a call with more than 50 destinations."""
    check_bulk_count(len(emails))
    results = []
    for email in emails:
        try:
            results.append(BulkResult(send(uow, email, origin, clock, outbound)))
        except InvalidMessage as error:
            results.append(
                BulkResult(None, "InvalidParameterValue", "INVALID_PARAMETER", error.message)
            )
    return results
