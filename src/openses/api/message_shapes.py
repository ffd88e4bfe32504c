"""Message shapes that v1 and v2 spell the same way: Destination, tags, the send's origin."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from openses.api.context import RequestContext
from openses.domain.message import MessageTag
from openses.mail import mime
from openses.services import quotas, send_members, sending

Wire = dict[str, Any]


def origin(context: RequestContext, operation_name: str) -> sending.SendOrigin:
    return sending.SendOrigin(
        operation=operation_name,
        source_ip=context.source_ip,
        identity=context.access_key,
        principal=context.principal,
        conditions=context.conditions,
    )


def envelope(
    source: str,
    destination: Wire | None,
    reply_to: list[str] | None,
    return_path: str | None = None,
) -> mime.Envelope:
    destination = destination or {}
    return mime.Envelope(
        source=source,
        to=destination.get("ToAddresses", []),
        cc=destination.get("CcAddresses", []),
        bcc=destination.get("BccAddresses", []),
        reply_to=reply_to or [],
        return_path=return_path,
    )


def check_identity_arns(
    context: RequestContext,
    *senders: tuple[str | None, str | None],
    return_path: tuple[str | None, str | None],
) -> None:
    """Sending authorization's identity ARNs, each with the address it must cover
    (services/send_members.py): the sender's (SourceArn, FromArn) may be another account's,
    which its policies judge; ReturnPathArn must be the caller's own."""
    for arn, address in senders:
        if arn is not None:
            send_members.check_identity_arn(
                context.reading(), arn, address or "", authorized_elsewhere=True
            )
    arn, address = return_path
    if arn is not None:
        send_members.check_identity_arn(context.reading(), arn, address or "")


def tags(wire: list[Wire] | None) -> list[MessageTag]:
    return [MessageTag(tag["Name"], tag["Value"]) for tag in wire or []]


def send_one(context: RequestContext, operation_name: str, email: sending.OutgoingEmail) -> Wire:
    """One message, in its own unit of work; the reply both protocols give."""
    return {"MessageId": _sender(context, operation_name)(email)}


def send_many(
    context: RequestContext, operation_name: str, emails: list[sending.OutgoingEmail]
) -> list[sending.BulkResult]:
    """A bulk call's messages, one send (and one unit of work) a destination."""
    return sending.send_bulk(emails, _sender(context, operation_name))


def _sender(context: RequestContext, operation_name: str) -> Callable[[sending.OutgoingEmail], str]:
    """Sends with the request's store, clock, tracker and outbound, as ``operation_name``."""
    uow = context.writing()
    send_origin = origin(context, operation_name)
    quota = quotas.policy(context.settings)

    def send(email: sending.OutgoingEmail) -> str:
        return sending.send(
            uow,
            email,
            send_origin,
            context.clock,
            tracker=context.tracker,
            outbound=context.outbound,
            quota=quota,
        )

    return send
