"""Sending: accept, check, render, track, build, deliver (capture mode) and record every event.

``send_in`` reads as the pipeline, one named step per line, each step a function below it.
A send runs in one unit of work: the stored message and all of its event records commit
together or not at all, so no message is ever left without its events (see events/records.py).
"""

from __future__ import annotations

import dataclasses
import datetime
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage, Message

from openses import json_text
from openses.domain.clock import Clock
from openses.domain.conditions import Context
from openses.domain.configuration_set import ConfigurationSet
from openses.domain.contact_list import ListManagement
from openses.domain.errors import (
    AccountSendingPaused,
    ConfigurationSetSendingPaused,
    DailyQuotaExceeded,
    MaximumSendingRateExceeded,
    MessageRejected,
    RecipientNotVerified,
    SendingNotAuthorized,
    Throttled,
)
from openses.domain.identity import EmailIdentity
from openses.domain.mailbox import address_of
from openses.domain.message import (
    EICAR,
    MAX_V1_MESSAGE_BYTES,
    InvalidMessage,
    MessageTag,
    check_bulk_count,
    check_header_text,
    check_mailbox,
    check_raw_headers,
    check_recipient_addresses,
    check_recipient_count,
    check_size,
    feedback_id_header,
    new_message_id,
    parse_tags_header,
)
from openses.domain.options import SuppressionReason
from openses.domain.quota import NO_QUOTA, QuotaPolicy
from openses.domain.template import EmailTemplate
from openses.domain.tenant import Tenant
from openses.events import records
from openses.mail import autoreply, mime, raw
from openses.services import account as account_service
from openses.services import (
    condition_keys,
    delegated_sending,
    identities,
    identity_notifications,
    identity_signing,
    list_management,
    messages,
    outcomes,
    quotas,
    reputation_entities,
    templates,
    tenants,
)
from openses.services.outbound import CAPTURE, Outbound
from openses.store.messages import StoredMessage
from openses.store.unit_of_work import UnitOfWork, committed
from openses.tracking import links as tracking

# What AWS answers a send from an account it paused for its reputation (observed, see
# docs/aws-behaviour.md "Reputation and statistics").
PAUSED_BY_REPUTATION = (
    "Sending paused for this account. For more information, please check the inbox of the "
    "email address associated with your AWS account."
)

# Message status of a simulator auto-reply: mail to the sender, not a send of the account's.
AUTO_REPLY = "auto-reply"


@dataclass(frozen=True, slots=True, kw_only=True)
class SendOrigin:
    """Where a send came from, for the ``ses:*`` auto-tags: the operation, the caller's IP
    and identity (the caller itself is protocol.auth.Caller)."""

    operation: str
    source_ip: str
    identity: str
    # issue 18: the caller's principal ARN and the request's condition keys, for a send
    # through another account's identity (services/delegated_sending.py)
    principal: str = ""
    conditions: Context = field(default_factory=dict)
    action: str | None = None  # the IAM action's name where it is not ``operation`` (SMTP)


@dataclass(frozen=True, slots=True, kw_only=True)
class TemplateRequest:
    name: str
    data: str
    inline: EmailTemplate | None = None  # v2 Template.TemplateContent: no stored template


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
    list_management: ListManagement | None = None  # v2 SendEmail's ListManagementOptions
    tenant_name: str | None = None  # v2's TenantName (issue 20)
    # issue 18: SourceArn / FromArn / FromEmailAddressIdentityArn, another account's identity
    identity_arn: str | None = None
    # v2 ConfigurationOverrides.Tracking (issue 20)
    tracking_overrides: tracking.TrackingOverrides | None = None


def send_in(
    uow: UnitOfWork,
    email: OutgoingEmail,
    origin: SendOrigin,
    clock: Clock,
    *,
    tracker: tracking.Tracker | None,
    outbound: Outbound = CAPTURE,
    quota: QuotaPolicy = NO_QUOTA,
) -> str:
    """The send itself, inside a unit of work the caller commits (``send`` commits its own).
    Each step may refuse the send with the error AWS gives; the first refusal wins.
    ``outbound`` says whether mail leaves for real, through the delivery queue (issue 15);
    ``quota`` is the sandbox and the sending limits (issues 17 and 18)."""
    accepted_at = clock()
    submission = _accept(email)
    sender = _resolve_sender(uow, email, submission, origin)
    tenant = _check_tenant(uow, email, submission, sender)
    suppressed_reasons = _check_sending(uow, sender)
    # a tenant with its own suppression list: its reasons and entries (issue 20)
    own_list = tenants.suppression_for_send(uow, tenant, submission.recipients, suppressed_reasons)
    quotas.check_recipients(uow, quota, submission.recipients)  # the sandbox's
    message_id = new_message_id(accepted_at)
    draft = _render(uow, email, submission, mime.ses_message_id_header(message_id, uow.region))
    draft = _track(
        tracker, uow, sender.configuration_set, message_id, draft, email.tracking_overrides
    )
    draft, refused = _manage_list(tracker, uow, email, submission, message_id, draft, accepted_at)
    built = _build(uow, email, submission, sender, draft, accepted_at)
    facts = _facts(uow, submission, sender, built, origin, message_id, accepted_at)
    outcome = outcomes.decide(
        uow,
        facts,
        submission.recipients,
        sender.configuration_set,
        suppressed_reasons if own_list is None else own_list.reasons,
        rejected=draft.rendering_error is None and EICAR in built.data,
        rendering_error=_rendering_error(email, draft),
        clock=clock,
        real=outbound.real,
        unsubscribed=refused,
        suppressed=None if own_list is None else own_list.entries,
    )
    _record(uow, email, submission, sender, built, facts, outcome, clock)
    tenants.record_send(uow, tenant, facts.message_id)
    _enqueue(uow, outbound, sender, facts, outcome)
    _take_quota(uow, quota, submission, outcome, accepted_at)
    return message_id


# One send in its own unit of work, committed when the send is accepted.
send = committed(send_in)


@dataclass(frozen=True, slots=True)
class Submission:
    """What the request itself says: the raw message if any (with its headers as submitted),
    the sender, the recipients and the message tags."""

    raw_message: EmailMessage | None
    raw_headers: list[tuple[str, str]]
    source: str
    recipients: list[str]
    tags: list[MessageTag]


def _accept(email: OutgoingEmail) -> Submission:
    submitted = raw.parse(email.raw_message) if email.raw_message is not None else None
    if email.raw_message is not None:
        check_size(len(email.raw_message), email.max_size)
    if submitted is not None:
        check_raw_headers(records.headers_of(submitted))
        if email.envelope.return_path:  # the call's feedback address wins over the header's
            del submitted["Return-Path"]
            submitted["Return-Path"] = email.envelope.return_path
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
    headers = records.headers_of(submitted) if submitted is not None else []
    return Submission(submitted, headers, source, recipients, tags)


@dataclass(frozen=True, slots=True)
class Sender:
    identity: EmailIdentity
    configuration_set: ConfigurationSet | None
    # issue 18: the ARN of another account's identity the send goes through
    delegated_arn: str | None = None


def _resolve_sender(
    uow: UnitOfWork, email: OutgoingEmail, submission: Submission, origin: SendOrigin
) -> Sender:
    """The verified identity the source sends as, and the configuration set: the request's,
    else the raw message's header, else the identity's default (of the sender's own
    identity: another account's identity lends no configuration set)."""
    source, submitted = submission.source, submission.raw_message
    delegated = _delegated_identity(uow, email, submission, origin)
    identity = delegated[0] if delegated else identities.sending_identity(uow, address_of(source))
    if identity is None:
        raise MessageRejected(
            "Email address is not verified. The following identities failed the check in "
            f"region {uow.region.upper()}: {source}"
        )
    set_name = email.configuration_set_name or (
        str(submitted[raw.CONFIGURATION_SET_HEADER])
        if submitted is not None and submitted.get(raw.CONFIGURATION_SET_HEADER)
        else (None if delegated else identity.configuration_set_name)
    )
    configuration_set = uow.configuration_sets.get(set_name) if set_name else None
    return Sender(identity, configuration_set, delegated[1] if delegated else None)


def _delegated_identity(
    uow: UnitOfWork, email: OutgoingEmail, submission: Submission, origin: SendOrigin
) -> tuple[EmailIdentity, str] | None:
    """Another account's identity the call names (the parameter wins over the raw message's
    X-SES-SOURCE-ARN, then X-SES-FROM-ARN), when its policies let the caller use it; with its
    ARN, the events' ``mail.sourceArn``."""
    submitted = submission.raw_message
    arn = email.identity_arn
    for header in (raw.SOURCE_ARN_HEADER, raw.FROM_ARN_HEADER):
        if arn is None and submitted is not None and submitted.get(header):
            arn = str(submitted[header]).strip()
    if arn is None:
        return None
    sender = delegated_sending.Delegate(
        principal=origin.principal or f"arn:aws:iam::{uow.account_id}:root",
        action=origin.action or origin.operation,
        conditions=condition_keys.with_message(
            origin.conditions, submission.source, submission.recipients
        ),
    )
    found = delegated_sending.delegated_identity(uow, arn, address_of(submission.source), sender)
    return None if found is None else (found, arn.strip())


def _check_tenant(
    uow: UnitOfWork, email: OutgoingEmail, submission: Submission, sender: Sender
) -> Tenant | None:
    """The identity and set must not be DISABLED reputation entities; the tenant is the call's
    TenantName, else the raw message's X-SES-TENANT-NAME header."""
    submitted = submission.raw_message
    tenant_name = email.tenant_name or (
        str(submitted[raw.TENANT_HEADER]).strip()
        if submitted is not None and submitted.get(raw.TENANT_HEADER)
        else None
    )
    configuration_set = sender.configuration_set
    reputation_entities.check_send(
        uow, sender.identity.name, configuration_set.name if configuration_set else None
    )
    return tenants.check_send(
        uow,
        tenant_name,
        identity=sender.identity.name,
        configuration_set=configuration_set.name if configuration_set else None,
        template=email.template.name if email.template else None,
    )


def _check_sending(uow: UnitOfWork, sender: Sender) -> list[SuppressionReason]:
    """Refuse the send while the account's or the set's sending is paused; answer the account's
    suppressed reasons, which decide the outcome of each recipient."""
    settings = account_service.settings(uow)
    if not settings.sending_enabled:
        raise AccountSendingPaused()
    if uow.reputation.account_paused():  # issue 17: OPENSES_REPUTATION_ENFORCEMENT=aws
        raise MessageRejected(PAUSED_BY_REPUTATION)
    configuration_set = sender.configuration_set
    if configuration_set is not None and not configuration_set.sending_enabled:
        raise ConfigurationSetSendingPaused(configuration_set.name)
    identity_signing.check_mail_from(uow, sender.identity)  # REJECT_MESSAGE
    return list(settings.suppressed_reasons)


@dataclass(frozen=True, slots=True)
class Draft:
    """The message before tracking: a raw message ready to go, or the content to build one
    from (a template's rendering, or nothing when rendering failed)."""

    raw_message: EmailMessage | None
    content: mime.Content
    message_id_header: str
    rendering_error: str | None = None


def _render(
    uow: UnitOfWork, email: OutgoingEmail, submission: Submission, message_id_header: str
) -> Draft:
    if submission.raw_message is not None:
        # A raw message is its own rendering, less the headers SES reads and with SES's
        # Message-ID (set before tracking rewrites its HTML, which keeps the header order).
        raw.strip_ses_headers(submission.raw_message)
        raw.set_message_id(submission.raw_message, message_id_header)
        return Draft(submission.raw_message, mime.Content(), message_id_header)
    content = email.content or mime.Content()
    if email.template is None:
        return Draft(None, content, message_id_header)
    data = email.template.data
    if email.list_management is not None:
        data = list_management.template_data(data)
    rendered = templates.render_for_send(
        uow, email.template.name, data, max_size=email.max_size, inline=email.template.inline
    )
    if isinstance(rendered, str):
        return Draft(None, mime.Content(), message_id_header, rendering_error=rendered)
    content = mime.Content(
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        headers=content.headers,
        attachments=content.attachments,
    )
    return Draft(None, content, message_id_header)


def _track(
    tracker: tracking.Tracker | None,
    uow: UnitOfWork,
    configuration_set: ConfigurationSet | None,
    message_id: str,
    draft: Draft,
    overrides: tracking.TrackingOverrides | None = None,
) -> Draft:
    """Open and click tracking: the set's pixel and links in the HTML (tracking/links.py),
    as the send's overrides change it."""
    if draft.raw_message is not None:
        tracking.track_message(
            tracker, uow, configuration_set, message_id, draft.raw_message, overrides
        )
        return draft
    if draft.content.html is None:
        return draft
    html = tracking.track_html(
        tracker, uow, configuration_set, message_id, draft.content.html, overrides
    )
    return dataclasses.replace(draft, content=dataclasses.replace(draft.content, html=html))


def _manage_list(
    tracker: tracking.Tracker | None,
    uow: UnitOfWork,
    email: OutgoingEmail,
    submission: Submission,
    message_id: str,
    draft: Draft,
    now: datetime.datetime,
) -> tuple[Draft, set[str]]:
    """List management (services/list_management.py): the unsubscribed recipients, and SES's
    List-Unsubscribe headers and unsubscribe URL."""
    options = list_management.options_of(email.list_management, submission.raw_headers)
    if options is None:
        return draft, set()
    managed = list_management.apply(
        uow,
        tracker,
        options,
        submission.recipients,
        message_id,
        draft.raw_message,
        draft.content,
        datetime.datetime.now(datetime.UTC),
    )
    return dataclasses.replace(draft, content=managed.content), managed.refused


@dataclass(frozen=True, slots=True)
class Built:
    message: Message
    data: bytes
    # the headers as submitted, which the events report, and the subject for the messages
    headers: list[tuple[str, str]]
    subject: str | None


def _build(
    uow: UnitOfWork,
    email: OutgoingEmail,
    submission: Submission,
    sender: Sender,
    draft: Draft,
    accepted_at: datetime.datetime,
) -> Built:
    message: Message
    if draft.raw_message is not None:
        message, headers = draft.raw_message, submission.raw_headers
    else:
        envelope = mime.Envelope(
            source=submission.source,
            to=email.envelope.to,
            cc=email.envelope.cc,
            bcc=email.envelope.bcc,
            reply_to=email.envelope.reply_to,
            return_path=email.envelope.return_path,
        )
        _check_header_texts(envelope, draft.content)
        message = mime.build(
            envelope, draft.content, message_id_header=draft.message_id_header, date=accepted_at
        )
        headers = [
            (name, value)
            for name, value in records.headers_of(message)
            if name.lower() not in ("message-id", "date")
        ]
    # SES adds its Feedback-ID on the way out; the events' headers are the submitted ones.
    message["Feedback-ID"] = feedback_id_header(
        submission.tags, uow.region, f"{uow.account_id}:{uow.region}:{sender.identity.name}"
    )
    data = identity_signing.signed_bytes(uow, sender.identity, message)  # DKIM
    check_size(len(data), email.max_size)
    if draft.rendering_error is not None:
        return Built(message, data, [], None)
    return Built(message, data, headers, _subject(message))


def _facts(
    uow: UnitOfWork,
    submission: Submission,
    sender: Sender,
    built: Built,
    origin: SendOrigin,
    message_id: str,
    accepted_at: datetime.datetime,
) -> records.MailFacts:
    return records.MailFacts(
        accepted_at=accepted_at,
        source=submission.source,
        source_arn=sender.delegated_arn
        or f"arn:aws:ses:{uow.region}:{uow.account_id}:identity/{sender.identity.name}",
        account_id=uow.account_id,
        message_id=message_id,
        destination=submission.recipients,
        headers=built.headers,
        tags=_tags(submission.tags, origin, submission.source, sender.configuration_set),
    )


def _rendering_error(email: OutgoingEmail, draft: Draft) -> tuple[str, str] | None:
    if email.template is None or draft.rendering_error is None:
        return None
    return email.template.name, draft.rendering_error


def _take_quota(
    uow: UnitOfWork,
    quota: QuotaPolicy,
    submission: Submission,
    outcome: outcomes.Outcome,
    accepted_at: datetime.datetime,
) -> None:
    """Last, so that the counters are held only until the commit: a message that used quota
    (as SentLast24Hours counts them) takes its recipients from the send rate and the 24-hour
    quota, or the whole send is refused."""
    if outcome.status in account_service.SENT_STATUSES:
        recipients = quotas.counted_recipients(submission.recipients)
        quotas.take(uow, quota, recipients, accepted_at)


def _enqueue(
    uow: UnitOfWork,
    outbound: Outbound,
    sender: Sender,
    facts: records.MailFacts,
    outcome: outcomes.Outcome,
) -> None:
    """Recipients that go out for real join the delivery queue, in this unit of work."""
    outbound.enqueue(
        uow,
        message_id=facts.message_id,
        identity=sender.identity,
        configuration_set=sender.configuration_set,
        recipients=outcome.outgoing,
        accepted_at=facts.accepted_at,
    )


def _record(
    uow: UnitOfWork,
    email: OutgoingEmail,
    submission: Submission,
    sender: Sender,
    built: Built,
    facts: records.MailFacts,
    outcome: outcomes.Outcome,
    clock: Clock,
) -> None:
    """The message among the captured messages, its events for the set's destinations and
    the identity's notifications, and any simulator auto-reply, all in this unit of work."""
    configuration_set = sender.configuration_set
    uow.messages.add(
        StoredMessage(
            message_id=facts.message_id,
            account_id=uow.account_id,
            region=uow.region,
            configuration_set=configuration_set.name if configuration_set else None,
            source=submission.source,
            destination=_destination(email, submission.raw_message, submission.recipients),
            subject=built.subject,
            tags={tag.name: [tag.value] for tag in submission.tags},
            status=outcome.status,
            raw=built.data if outcome.delivered else None,
            created_at=facts.accepted_at,
            mail=outcome.mail,
        )
    )
    uow.statistics.count(outcome.records, facts.accepted_at)
    if configuration_set is not None:
        uow.outbox.add_events(
            facts.message_id,
            configuration_set.name,
            records.routed(configuration_set, outcome.records),
            facts.accepted_at,
        )
    else:
        uow.outbox.add_unpublished(facts.message_id, outcome.records, facts.accepted_at)
    identity_notifications.record_for_send(
        uow, sender.identity, facts, outcome.records, facts.accepted_at
    )
    for replier in outcome.auto_repliers:
        _capture_auto_reply(uow, replier, submission.source, built.message, clock())


def _check_header_texts(envelope: mime.Envelope, content: mime.Content) -> None:
    """Nothing that becomes a header may end it early (and start another)."""
    check_header_text("Subject", content.subject)
    for address in (envelope.source, *envelope.to, *envelope.cc, *envelope.bcc):
        check_mailbox(address)
    for address in envelope.reply_to:
        check_mailbox(address)
    for name, value in content.headers:
        check_header_text("A header", name + value)
    for attachment in content.attachments:
        for text in (attachment.file_name, attachment.content_id, attachment.description):
            check_header_text("An attachment's file name, content id or description", text)
        check_header_text("An attachment's content type", attachment.content_type)


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
        merged = {**json_text.loads(default), **json_text.loads(replacement)}
    except json_text.UnreadableJson:
        # Data beyond the reader's bounds is passed on for rendering to refuse.
        return replacement if _unreadable(replacement) else default
    except (ValueError, TypeError):
        return replacement
    return json.dumps(merged)


def _unreadable(data: str) -> bool:
    try:
        json_text.loads(data)
    except json_text.UnreadableJson:
        return True
    except ValueError:
        return False
    return False


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
    emails: Sequence[OutgoingEmail], send_one: Callable[[OutgoingEmail], str]
) -> list[BulkResult]:
    """Each destination is its own send: a bad one fails alone while the others go out.
    Request-wide problems (unknown set or template, unverified sender, paused sending) still
    fail the whole call, as in AWS, and so does a call with more than 50 destinations."""
    check_bulk_count(len(emails))
    results = []
    for email in emails:
        try:
            results.append(BulkResult(send_one(email)))
        except InvalidMessage as error:
            results.append(
                BulkResult(None, "InvalidParameterValue", "INVALID_PARAMETER", error.message)
            )
        except SendingNotAuthorized as error:
            # issue 18: a Condition on ses:Recipients may refuse one destination only; once
            # another went out, the refusal is that destination's (decision), else the call's
            if not any(result.message_id for result in results):
                raise
            results.append(BulkResult(None, "MessageRejected", "MESSAGE_REJECTED", error.message))
        except (RecipientNotVerified, Throttled) as error:  # issues 17/18: per destination
            v1, v2 = _BULK_STATUSES[type(error)]
            results.append(BulkResult(None, v1, v2, error.message))
    return results


_BULK_STATUSES: dict[type[Exception], tuple[str, str]] = {
    RecipientNotVerified: ("MessageRejected", "MESSAGE_REJECTED"),
    MaximumSendingRateExceeded: ("AccountThrottled", "ACCOUNT_THROTTLED"),
    DailyQuotaExceeded: ("AccountDailyQuotaExceeded", "ACCOUNT_DAILY_QUOTA_EXCEEDED"),
}
