"""SES v1 sending operations: SendEmail, SendRawEmail, SendTemplatedEmail,
SendBulkTemplatedEmail."""

from __future__ import annotations

from openses.api import message_shapes
from openses.api.context import RequestContext
from openses.api.message_shapes import Sender
from openses.api.registry import Output, Wire, operation
from openses.mail import mime
from openses.protocol.models import V1
from openses.services import send_members, sending


@operation(V1, "SendEmail")
def send_email(
    context: RequestContext,
    *,
    source: str,
    destination: Wire,
    message: Wire,
    reply_to_addresses: list[str] | None = None,
    return_path: str | None = None,
    source_arn: str | None = None,
    return_path_arn: str | None = None,
    tags: list[Wire] | None = None,
    configuration_set_name: str | None = None,
) -> Output:
    sender = Sender(
        source, source_arn, reply_to_addresses, return_path, return_path_arn, configuration_set_name
    )
    sender.check_arns(context)
    body = message.get("Body", {})
    content = mime.Content(
        subject=message.get("Subject", {}).get("Data"),
        text=body.get("Text", {}).get("Data"),
        html=body.get("Html", {}).get("Data"),
    )
    email = sender.email(destination, message_shapes.tags(tags), content=content)
    return message_shapes.send_one(context, "SendEmail", email)


@operation(V1, "SendRawEmail")
def send_raw_email(
    context: RequestContext,
    *,
    raw_message: Wire,
    source: str | None = None,
    destinations: list[str] | None = None,
    from_arn: str | None = None,
    source_arn: str | None = None,
    return_path_arn: str | None = None,
    tags: list[Wire] | None = None,
    configuration_set_name: str | None = None,
) -> Output:
    message_shapes.check_identity_arns(
        context, (from_arn, source), (source_arn, source), return_path=(return_path_arn, None)
    )
    email = sending.OutgoingEmail(
        from_address=source,
        envelope=mime.Envelope(source=source or "", recipients=destinations or []),
        raw_message=raw_message["Data"],
        configuration_set_name=configuration_set_name,
        identity_arn=source_arn or from_arn,
        tags=message_shapes.tags(tags),
    )
    return message_shapes.send_one(context, "SendRawEmail", email)


@operation(V1, "SendTemplatedEmail")
def send_templated_email(
    context: RequestContext,
    *,
    source: str,
    destination: Wire,
    template: str,
    template_data: str,
    reply_to_addresses: list[str] | None = None,
    return_path: str | None = None,
    source_arn: str | None = None,
    return_path_arn: str | None = None,
    tags: list[Wire] | None = None,
    configuration_set_name: str | None = None,
    template_arn: str | None = None,
) -> Output:
    sender = Sender(
        source, source_arn, reply_to_addresses, return_path, return_path_arn, configuration_set_name
    )
    _check_templated(context, sender, template, template_arn)
    email = sender.email(
        destination,
        message_shapes.tags(tags),
        template=sending.TemplateRequest(name=template, data=template_data),
    )
    return message_shapes.send_one(context, "SendTemplatedEmail", email)


def _check_templated(
    context: RequestContext, sender: Sender, template: str, template_arn: str | None
) -> None:
    """SendTemplatedEmail's and SendBulkTemplatedEmail's ARNs: the sender's, and TemplateArn,
    which must name the template that Template names."""
    sender.check_arns(context)
    if template_arn is not None:
        send_members.template_name(context.reading(), template_arn, template)


@operation(V1, "SendBulkTemplatedEmail")
def send_bulk_templated_email(
    context: RequestContext,
    *,
    source: str,
    template: str,
    default_template_data: str,
    destinations: list[Wire],
    source_arn: str | None = None,
    reply_to_addresses: list[str] | None = None,
    return_path: str | None = None,
    return_path_arn: str | None = None,
    configuration_set_name: str | None = None,
    default_tags: list[Wire] | None = None,
    template_arn: str | None = None,
) -> Output:
    sender = Sender(
        source, source_arn, reply_to_addresses, return_path, return_path_arn, configuration_set_name
    )
    _check_templated(context, sender, template, template_arn)
    emails = [
        sender.email(
            entry["Destination"],
            message_shapes.tags(default_tags) + message_shapes.tags(entry.get("ReplacementTags")),
            template=sending.TemplateRequest(
                name=template,
                data=sending.merge_template_data(
                    default_template_data, entry.get("ReplacementTemplateData")
                ),
            ),
        )
        for entry in destinations
    ]
    results = message_shapes.send_many(context, "SendBulkTemplatedEmail", emails)
    return {"Status": message_shapes.bulk_entries(V1, results)}
