"""Message shapes that v1 and v2 spell the same way: Destination, tags, the send's origin."""

from __future__ import annotations

from typing import Any

from openses.api.context import RequestContext
from openses.domain.message import MessageTag
from openses.mail import mime
from openses.services import sending

Wire = dict[str, Any]


def origin(context: RequestContext, operation_name: str) -> sending.SendOrigin:
    return sending.SendOrigin(
        operation=operation_name, source_ip=context.source_ip, identity=context.access_key
    )


def envelope(source: str, destination: Wire | None, reply_to: list[str] | None) -> mime.Envelope:
    destination = destination or {}
    return mime.Envelope(
        source=source,
        to=destination.get("ToAddresses", []),
        cc=destination.get("CcAddresses", []),
        bcc=destination.get("BccAddresses", []),
        reply_to=reply_to or [],
    )


def tags(wire: list[Wire] | None) -> list[MessageTag]:
    return [MessageTag(tag["Name"], tag["Value"]) for tag in wire or []]


def send(context: RequestContext, operation_name: str, email: sending.OutgoingEmail) -> Wire:
    """Run one send for an API call and answer with its MessageId."""
    origin_ = origin(context, operation_name)
    message_id = sending.send(context.writing(), email, origin_, context.clock, context.outbound)
    return {"MessageId": message_id}
