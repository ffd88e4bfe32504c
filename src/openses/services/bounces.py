"""Bounces of received mail: SendBounce, and a receipt rule's Bounce action. Either builds a
DSN (mail/dsn.py) to the received message's sender and sends it through openses' own send
path, so it is captured (and delivered in relay and mx mode) like any send of the account's."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from openses.domain.clock import Clock
from openses.domain.errors import MessageRejected
from openses.domain.message import MAX_V1_MESSAGE_BYTES
from openses.mail import dsn, mime
from openses.services import sending
from openses.services.outbound import CAPTURE, Outbound
from openses.store.unit_of_work import UnitOfWork

# SendBounce's BounceType -> the DSN status SES's guide gives each (RFC 3463 codes).
BOUNCE_STATUS = {
    "DoesNotExist": "5.1.1",
    "MessageTooLarge": "5.3.4",
    "ExceededQuota": "5.2.2",
    "ContentRejected": "5.3.0",
    "Undefined": "5.0.0",
    "TemporaryFailure": "4.0.0",
}
REPORTING_MTA = "inbound-smtp.openses.local"


def send_bounce(
    uow: UnitOfWork,
    *,
    original_message_id: str,
    bounce_sender: str,
    explanation: str | None,
    reporting_mta: str | None,
    arrival_date: datetime.datetime | None,
    extension_fields: Sequence[tuple[str, str]],
    recipients: Sequence[dsn.BouncedRecipient],
    clock: Clock,
    outbound: Outbound = CAPTURE,
) -> str:
    """SendBounce: the received message ``original_message_id`` bounced back to its sender.
    Raises MessageRejected for a message openses did not receive (or no longer keeps) and
    for a bounce sender that is not a verified identity."""
    with uow:
        original = uow.receipt_rules.received(original_message_id)
        if original is None:
            raise MessageRejected(f"Could not find original message: {original_message_id}")
        bounce = dsn.Bounce(
            sender=bounce_sender,
            to=original.source,
            explanation=explanation or "The message could not be delivered.",
            reporting_mta=reporting_mta or REPORTING_MTA,
            arrival_date=arrival_date or original.received_at,
            recipients=recipients,
            original_headers=original.headers,
            extension_fields=extension_fields,
        )
        message_id = send_in(uow, bounce, clock, operation="SendBounce", outbound=outbound)
        uow.commit()
    return message_id


def send_in(
    uow: UnitOfWork, bounce: dsn.Bounce, clock: Clock, *, operation: str, outbound: Outbound
) -> str:
    """Send the DSN inside the caller's unit of work; the send path's errors are its own."""
    email = sending.OutgoingEmail(
        from_address=bounce.sender,
        envelope=mime.Envelope(source=bounce.sender, recipients=[bounce.to]),
        raw_message=dsn.bounce_message(bounce, at=clock()),
        max_size=MAX_V1_MESSAGE_BYTES,
    )
    origin = sending.SendOrigin(operation=operation, source_ip="127.0.0.1", identity="")
    return sending.send_in(uow, email, origin, clock, tracker=None, outbound=outbound)
