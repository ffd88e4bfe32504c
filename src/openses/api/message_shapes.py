"""Message shapes that v1 and v2 spell the same way: Destination, tags, the sender, the send's
origin."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from openses.api.context import RequestContext
from openses.api.registry import Output, Wire
from openses.domain.contact_list import ListManagement
from openses.domain.message import MAX_V1_MESSAGE_BYTES, MessageTag
from openses.mail import mime
from openses.protocol.models import V1
from openses.services import quotas, send_members, sending
from openses.tracking.links import TrackingOverrides


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


@dataclass(frozen=True, slots=True)
class Sender:
    """What a send's members say alike of each of its messages: the sender, its identity ARN,
    the reply-to and return-path addresses (v1 ReturnPath, v2 FeedbackForwardingEmailAddress)
    and the configuration set; v2 adds the largest message, the tenant and the tracking
    overrides. v1 SendEmail, SendTemplatedEmail, SendBulkTemplatedEmail and v2 SendEmail,
    SendBulkEmail check it once, then make one message a destination with ``email``."""

    address: str | None
    identity_arn: str | None
    reply_to: list[str] | None
    return_path: str | None
    return_path_arn: str | None
    configuration_set_name: str | None
    max_size: int = MAX_V1_MESSAGE_BYTES
    tenant_name: str | None = None
    tracking_overrides: TrackingOverrides | None = None

    def check_arns(self, context: RequestContext) -> None:
        """The identity ARN covers the sender; the return path's covers the return path, or
        the sender when there is none."""
        check_identity_arns(
            context,
            (self.identity_arn, self.address),
            return_path=(self.return_path_arn, self.return_path or self.address),
        )

    def email(
        self,
        destination: Wire | None,
        message_tags: list[MessageTag],
        *,
        content: mime.Content | None = None,
        raw_message: bytes | None = None,
        template: sending.TemplateRequest | None = None,
        list_management: ListManagement | None = None,
    ) -> sending.OutgoingEmail:
        return sending.OutgoingEmail(
            max_size=self.max_size,
            from_address=self.address,
            envelope=envelope(self.address or "", destination, self.reply_to, self.return_path),
            content=content,
            raw_message=raw_message,
            template=template,
            configuration_set_name=self.configuration_set_name,
            tags=message_tags,
            list_management=list_management,
            tenant_name=self.tenant_name,
            identity_arn=self.identity_arn,
            tracking_overrides=self.tracking_overrides,
        )


def tags(wire: list[Wire] | None) -> list[MessageTag]:
    return [MessageTag(tag["Name"], tag["Value"]) for tag in wire or []]


def send_one(context: RequestContext, operation_name: str, email: sending.OutgoingEmail) -> Output:
    """One message, in its own unit of work; the reply both protocols give."""
    return {"MessageId": _sender(context, operation_name)(email)}


def send_many(
    context: RequestContext, operation_name: str, emails: list[sending.OutgoingEmail]
) -> list[sending.BulkResult]:
    """A bulk call's messages, one send (and one unit of work) a destination."""
    return sending.send_bulk(emails, _sender(context, operation_name))


def bulk_entries(service: str, results: list[sending.BulkResult]) -> list[Output]:
    """A bulk send's answer, a destination an entry: its message id, or the status and error it
    failed with, each status spelled as the service spells it (v1 Success, v2 SUCCESS)."""
    v1 = service == V1
    return [
        {"Status": "Success" if v1 else "SUCCESS", "MessageId": r.message_id}
        if r.message_id
        else {"Status": r.status_v1 if v1 else r.status_v2, "Error": r.error}
        for r in results
    ]


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
