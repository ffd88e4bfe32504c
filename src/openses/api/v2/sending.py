"""SES v2 sending operations: SendEmail and SendBulkEmail."""

from __future__ import annotations

from typing import Any

from openses.api import message_shapes
from openses.api.context import RequestContext
from openses.api.message_shapes import Sender
from openses.api.registry import Output, Wire, operation
from openses.domain.contact_list import ListManagement
from openses.domain.errors import InvalidInput
from openses.domain.message import MAX_V2_MESSAGE_BYTES
from openses.domain.template import EmailTemplate
from openses.mail import mime
from openses.protocol.models import V2
from openses.services import send_members, sending
from openses.tracking.links import TrackingOverrides


def _headers(headers: list[Wire] | None) -> list[tuple[str, str]]:
    return [(h["Name"], h["Value"]) for h in headers or []]


def _entry_headers(
    default: list[tuple[str, str]], replacement: list[Wire] | None
) -> list[tuple[str, str]]:
    """DefaultContent's headers, each replaced by an entry's header of the same name."""
    replaced = _headers(replacement)
    names = {name.lower() for name, _ in replaced}
    return [(n, v) for n, v in default if n.lower() not in names] + replaced


def _attachments(attachments: list[Wire] | None) -> list[mime.Attachment]:
    return [
        mime.Attachment(
            file_name=a["FileName"],
            content=a["RawContent"],
            content_type=a.get("ContentType"),
            disposition=a.get("ContentDisposition", "ATTACHMENT"),
            content_id=a.get("ContentId"),
            description=a.get("ContentDescription"),
            transfer_encoding=_transfer_encoding(a),
        )
        for a in attachments or []
    ]


def _transfer_encoding(attachment: Wire) -> str:
    encoding = str(attachment.get("ContentTransferEncoding", "BASE64"))
    if encoding == "SEVEN_BIT" and not attachment["RawContent"].isascii():
        raise InvalidInput(
            f"The attachment {attachment['FileName']} is not 7-bit ASCII: it cannot be SEVEN_BIT."
        )
    return encoding


@operation(V2, "SendEmail")
def send_email(
    context: RequestContext,
    *,
    content: Wire,
    from_email_address: str | None = None,
    from_email_address_identity_arn: str | None = None,
    destination: Wire | None = None,
    reply_to_addresses: list[str] | None = None,
    feedback_forwarding_email_address: str | None = None,
    feedback_forwarding_email_address_identity_arn: str | None = None,
    email_tags: list[Wire] | None = None,
    configuration_set_name: str | None = None,
    endpoint_id: str | None = None,
    tenant_name: str | None = None,
    list_management_options: Wire | None = None,
    configuration_overrides: Wire | None = None,
) -> Output:
    sender = _checked_sender(
        context,
        from_address=from_email_address,
        from_arn=from_email_address_identity_arn,
        reply_to=reply_to_addresses,
        feedback_address=feedback_forwarding_email_address,
        feedback_arn=feedback_forwarding_email_address_identity_arn,
        configuration_set_name=configuration_set_name,
        endpoint_id=endpoint_id,
        tenant_name=tenant_name,
        configuration_overrides=configuration_overrides,
    )
    email = sender.email(
        destination,
        message_shapes.tags(email_tags),
        list_management=_list_management(list_management_options),
        **_content(context, content),
    )
    return message_shapes.send_one(context, "SendEmail", email)


def _list_management(options: Wire | None) -> ListManagement | None:
    if options is None:
        return None
    return ListManagement(options["ContactListName"], options.get("TopicName"))


def _checked_sender(
    context: RequestContext,
    *,
    from_address: str | None,
    from_arn: str | None,
    reply_to: list[str] | None,
    feedback_address: str | None,
    feedback_arn: str | None,
    configuration_set_name: str | None,
    endpoint_id: str | None,
    tenant_name: str | None,
    configuration_overrides: Wire | None,
) -> Sender:
    """SendEmail's and SendBulkEmail's members besides the message, honoured or refused, never
    dropped: the identity ARNs and the endpoint are checked here."""
    sender = Sender(
        from_address,
        from_arn,
        reply_to,
        feedback_address,
        feedback_arn,
        configuration_set_name,
        max_size=MAX_V2_MESSAGE_BYTES,
        tenant_name=tenant_name,
        tracking_overrides=_tracking(configuration_overrides),
    )
    sender.check_arns(context)
    if endpoint_id is not None:
        send_members.check_endpoint(context.reading(), endpoint_id)
    return sender


def _tracking(overrides: Wire | None) -> TrackingOverrides | None:
    """ConfigurationOverrides.Tracking: ENABLED or DISABLED wins over the set's tracking."""
    tracking = (overrides or {}).get("Tracking")
    if not tracking:
        return None

    def status(name: str) -> bool | None:
        value = tracking.get(name)
        return None if value is None else value == "ENABLED"

    return TrackingOverrides(
        opens=status("OpenTrackingEnabled"), clicks=status("ClickTrackingEnabled")
    )


def _template(context: RequestContext, template: Wire, data: str) -> sending.TemplateRequest:
    """By name, by ARN (the same template when both are given) or inline (TemplateContent)."""
    name = template.get("TemplateName")
    arn = template.get("TemplateArn")
    if arn is not None:
        name = send_members.template_name(context.reading(), arn, name)
    inline = template.get("TemplateContent")
    if inline is not None:
        if name is not None:
            raise InvalidInput("Give either a template's name or ARN, or its content.")
        return sending.TemplateRequest(
            name=INLINE,
            data=data,
            inline=EmailTemplate(
                name=INLINE,
                created_at=context.clock(),
                subject=inline.get("Subject"),
                text=inline.get("Text"),
                html=inline.get("Html"),
            ),
        )
    return sending.TemplateRequest(name=name or "", data=data)


# The name an inline template's Rendering Failure events carry (GUESS).
INLINE = "inline"


def _content(context: RequestContext, content: Wire) -> dict[str, Any]:
    if "Raw" in content:
        return {"raw_message": content["Raw"]["Data"]}
    if "Template" in content:
        template = content["Template"]
        return {
            "template": _template(context, template, template.get("TemplateData", "{}")),
            "content": mime.Content(
                headers=_headers(template.get("Headers")),
                attachments=_attachments(template.get("Attachments")),
            ),
        }
    simple = content.get("Simple", {})
    body = simple.get("Body", {})
    return {
        "content": mime.Content(
            subject=simple.get("Subject", {}).get("Data"),
            text=body.get("Text", {}).get("Data"),
            html=body.get("Html", {}).get("Data"),
            headers=_headers(simple.get("Headers")),
            attachments=_attachments(simple.get("Attachments")),
        )
    }


@operation(V2, "SendBulkEmail")
def send_bulk_email(
    context: RequestContext,
    *,
    default_content: Wire,
    bulk_email_entries: list[Wire],
    from_email_address: str | None = None,
    from_email_address_identity_arn: str | None = None,
    reply_to_addresses: list[str] | None = None,
    feedback_forwarding_email_address: str | None = None,
    feedback_forwarding_email_address_identity_arn: str | None = None,
    default_email_tags: list[Wire] | None = None,
    configuration_set_name: str | None = None,
    endpoint_id: str | None = None,
    tenant_name: str | None = None,
    configuration_overrides: Wire | None = None,
) -> Output:
    sender = _checked_sender(
        context,
        from_address=from_email_address,
        from_arn=from_email_address_identity_arn,
        reply_to=reply_to_addresses,
        feedback_address=feedback_forwarding_email_address,
        feedback_arn=feedback_forwarding_email_address_identity_arn,
        configuration_set_name=configuration_set_name,
        endpoint_id=endpoint_id,
        tenant_name=tenant_name,
        configuration_overrides=configuration_overrides,
    )
    template = default_content.get("Template", {})
    default_data = template.get("TemplateData", "{}")
    default_headers = _headers(template.get("Headers"))
    attachments = _attachments(template.get("Attachments"))
    emails = []
    for entry in bulk_email_entries:
        replacement = (
            entry.get("ReplacementEmailContent", {})
            .get("ReplacementTemplate", {})
            .get("ReplacementTemplateData")
        )
        emails.append(
            sender.email(
                entry["Destination"],
                message_shapes.tags(default_email_tags)
                + message_shapes.tags(entry.get("ReplacementTags")),
                template=_template(
                    context, template, sending.merge_template_data(default_data, replacement)
                ),
                content=mime.Content(
                    headers=_entry_headers(default_headers, entry.get("ReplacementHeaders")),
                    attachments=attachments,
                ),
            )
        )
    results = message_shapes.send_many(context, "SendBulkEmail", emails)
    return {"BulkEmailEntryResults": message_shapes.bulk_entries(V2, results)}
