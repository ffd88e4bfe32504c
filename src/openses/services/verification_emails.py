"""Verification emails (issue 20): custom verification email templates, the mail that
SendCustomVerificationEmail and SES's own identity verification send, and the link in it.

The mail is kept among the messages and, in relay and mx mode, joins the delivery queue like
any sent message; its link (``/_openses/v/{token}``, signed with the tracking keys) verifies the
address when followed within 24 hours. A custom verification email sent with a configuration
set publishes the set's events (Send, then Delivery, or the delivery queue's outcome).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from openses.domain.configuration_set import ConfigurationSet
from openses.domain.errors import (
    CustomVerificationEmailTemplateLimitExceeded,
    FromEmailAddressNotVerified,
)
from openses.domain.identity import EmailIdentity, VerificationStatus
from openses.domain.mailbox import address_of
from openses.domain.verification_template import (
    LINK_LIFETIME,
    MAX_TEMPLATES,
    CustomVerificationEmailTemplate,
    check_name,
)
from openses.events import records
from openses.mail import raw as raw_mail
from openses.mail import verification as mail
from openses.services import identities, limits, messages, paging
from openses.services.outbound import Outbound
from openses.store.unit_of_work import UnitOfWork
from openses.tracking import tokens
from openses.tracking.links import Tracker

VERIFY_PATH = "/_openses/v/"
# Status of a verification email among the messages, whatever its delivery's outcome; not a
# send, so it uses no quota.
VERIFICATION = "verification"


# -- templates ------------------------------------------------------------------------------


def create_template(uow: UnitOfWork, template: CustomVerificationEmailTemplate) -> None:
    with uow:
        _check_sender(uow, template.from_email_address)
        limits.check_room(
            uow.verification_templates, MAX_TEMPLATES, CustomVerificationEmailTemplateLimitExceeded
        )
        uow.verification_templates.add(template)
        uow.commit()


def get_template(uow: UnitOfWork, name: str) -> CustomVerificationEmailTemplate:
    with uow:
        return uow.verification_templates.get(name)


def update_template(
    uow: UnitOfWork,
    name: str,
    *,
    from_email_address: str | None,
    subject: str | None,
    content: str | None,
    success_redirection_url: str | None,
    failure_redirection_url: str | None,
) -> None:
    """The members given replace the stored ones; the others stay (developer guide)."""
    with uow:
        template = uow.verification_templates.get(name, for_update=True)
        if from_email_address is not None:
            template.from_email_address = from_email_address
        if subject is not None:
            template.subject = subject
        if content is not None:
            template.content = content
        if success_redirection_url is not None:
            template.success_redirection_url = success_redirection_url
        if failure_redirection_url is not None:
            template.failure_redirection_url = failure_redirection_url
        template.check()
        if from_email_address is not None:
            _check_sender(uow, from_email_address)
        uow.verification_templates.save(template)
        uow.commit()


def delete_template(uow: UnitOfWork, name: str) -> None:
    with uow:
        uow.verification_templates.remove(name)
        uow.commit()


#: The custom verification email templates in name order, without their tags.
list_page: paging.PageReader[CustomVerificationEmailTemplate] = paging.page_reader(
    lambda uow: uow.verification_templates, check=check_name, key=paging.name_of
)


def _check_sender(uow: UnitOfWork, sender: str) -> EmailIdentity:
    """The verified identity ``sender`` sends as."""
    identity = identities.sending_identity(uow, address_of(sender))
    if identity is None:
        raise FromEmailAddressNotVerified(sender)
    return identity


# -- sending --------------------------------------------------------------------------------


def send_custom(
    uow: UnitOfWork,
    tracker: Tracker,
    outbound: Outbound,
    *,
    address: str,
    template_name: str,
    configuration_set_name: str | None,
    verified: bool,
    now: datetime.datetime,
) -> str:
    """SendCustomVerificationEmail: adds the address as an identity (Pending, or verified at
    once under auto-verification) and mails it the template's email. Returns the message id."""
    with uow:
        template = uow.verification_templates.get(template_name)
        configuration_set = (
            uow.configuration_sets.get(configuration_set_name)
            if configuration_set_name is not None
            else None
        )
        sender = _check_sender(uow, template.from_email_address)
        _ensure_identity(uow, address, verified=verified, now=now)
        link = _link(
            tracker,
            uow,
            address,
            now,
            success_url=template.success_redirection_url,
            failure_url=template.failure_redirection_url,
        )
        message_id, id_header = messages.new_id_header(uow, now)
        raw = mail.custom(
            sender=template.from_email_address,
            to=address,
            subject=template.subject,
            content=template.content,
            link=link,
            message_id_header=id_header,
            at=now,
        )
        _send(
            uow,
            outbound,
            Outgoing(message_id, raw, template.from_email_address, address, template.subject),
            identity=sender,
            configuration_set=configuration_set,
            now=now,
        )
        uow.commit()
    return message_id


def send_plain(
    uow: UnitOfWork, tracker: Tracker, outbound: Outbound, address: str, now: datetime.datetime
) -> None:
    """SES's own verification email for an email-address identity left Pending."""
    with uow:
        link = _link(tracker, uow, address, now)
        message_id, id_header = messages.new_id_header(uow, now)
        subject, raw = mail.plain(
            to=address, link=link, region=uow.region, message_id_header=id_header, at=now
        )
        _send(
            uow,
            outbound,
            Outgoing(message_id, raw, mail.SENDER, address, subject),
            identity=None,
            configuration_set=None,
            now=now,
        )
        uow.commit()


def _ensure_identity(
    uow: UnitOfWork, address: str, *, verified: bool, now: datetime.datetime
) -> None:
    if uow.identities.find(address, for_update=True) is None:
        status = VerificationStatus.SUCCESS if verified else VerificationStatus.PENDING
        uow.identities.add(EmailIdentity(name=address, created_at=now, verification_status=status))


def _link(
    tracker: Tracker,
    uow: UnitOfWork,
    address: str,
    now: datetime.datetime,
    *,
    success_url: str = "",
    failure_url: str = "",
) -> str:
    key = tracker.keyring.signing_key()
    if key is None:  # the tracker made sure of a key at start-up (tracking/links.py)
        raise RuntimeError("no tracking key to sign a verification link with")
    claims = tokens.VerificationClaims(
        account_id=uow.account_id,
        region=uow.region,
        address=address,
        issued_at=int(now.timestamp()),
        success_url=success_url,
        failure_url=failure_url,
    )
    return tracker.public_url + VERIFY_PATH + tokens.sign_verification(claims, key)


@dataclass(frozen=True, slots=True)
class Outgoing:
    message_id: str
    raw: bytes
    sender: str
    to: str
    subject: str


def _send(
    uow: UnitOfWork,
    outbound: Outbound,
    email: Outgoing,
    *,
    identity: EmailIdentity | None,
    configuration_set: ConfigurationSet | None,
    now: datetime.datetime,
) -> None:
    """Keep the mail among the messages; in relay and mx mode queue it for delivery, as SES
    sends it (in capture mode it is delivered at once). With a configuration set, its Send
    (and in capture mode its Delivery) go to the set's destinations; the delivery queue records
    the rest. No open or click tracking (developer guide FAQ Q8)."""
    facts = records.MailFacts(
        accepted_at=now,
        source=email.sender,
        source_arn=None,
        account_id=uow.account_id,
        message_id=email.message_id,
        destination=[email.to],
        headers=[(name, str(value)) for name, value in raw_mail.parse(email.raw).items()],
        tags={},
    )
    mail_record = records.mail_object(facts)
    messages.capture(
        uow,
        message_id=email.message_id,
        raw=email.raw,
        source=email.sender,
        to=email.to,
        subject=email.subject,
        status=VERIFICATION,
        now=now,
        configuration_set=configuration_set.name if configuration_set is not None else None,
        mail=mail_record,
    )
    events = [records.send(mail_record)]
    if not outbound.real:
        events.append(
            records.delivery(mail_record, recipients=[email.to], at=now, processing_millis=0)
        )
    if configuration_set is not None:
        uow.outbox.add_events(
            email.message_id, configuration_set.name, records.routed(configuration_set, events), now
        )
    else:
        uow.outbox.add_unpublished(email.message_id, events, now)
    if outbound.real:
        outbound.enqueue(
            uow,
            message_id=email.message_id,
            identity=identity,
            configuration_set=configuration_set,
            recipients=[email.to],
            accepted_at=now,
        )


# -- the link -------------------------------------------------------------------------------


def expired(claims: tokens.VerificationClaims, now: datetime.datetime) -> bool:
    issued = datetime.datetime.fromtimestamp(claims.issued_at, datetime.UTC)
    return not issued <= now < issued + LINK_LIFETIME


def confirm(uow: UnitOfWork, address: str, now: datetime.datetime) -> None:
    """The link was followed in time: the address is verified (and added again if it was
    deleted since the mail went out)."""
    with uow:
        identity = uow.identities.find(address, for_update=True)
        if identity is None:
            uow.identities.add(
                EmailIdentity(
                    name=address, created_at=now, verification_status=VerificationStatus.SUCCESS
                )
            )
        elif not identity.verified:
            identity.verify()
            uow.identities.save(identity)
        uow.commit()
