"""SES v2 sending operations: SendEmail and SendBulkEmail."""

from __future__ import annotations

from typing import Any

from openses.api import message_shapes
from openses.api.context import RequestContext
from openses.api.registry import operation
from openses.domain.contact_list import ListManagement
from openses.domain.message import MAX_V2_MESSAGE_BYTES
from openses.mail import mime
from openses.protocol.models import V2
from openses.services import sending

Wire = dict[str, Any]


def _headers(headers: list[Wire] | None) -> list[tuple[str, str]]:
    return [(h["Name"], h["Value"]) for h in headers or []]


def _attachments(attachments: list[Wire] | None) -> list[mime.Attachment]:
    return [
        mime.Attachment(
            file_name=a["FileName"],
            content=a["RawContent"],
            content_type=a.get("ContentType"),
            disposition=a.get("ContentDisposition", "ATTACHMENT"),
            content_id=a.get("ContentId"),
            description=a.get("ContentDescription"),
        )
        for a in attachments or []
    ]


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
) -> Wire:
    envelope = message_shapes.envelope(from_email_address or "", destination, reply_to_addresses)
    email = sending.OutgoingEmail(
        max_size=MAX_V2_MESSAGE_BYTES,
        from_address=from_email_address,
        envelope=envelope,
        configuration_set_name=configuration_set_name,
        tags=message_shapes.tags(email_tags),
        list_management=_list_management(list_management_options),
        tenant_name=tenant_name,
        identity_arn=from_email_address_identity_arn,
        **_content(content),
    )
    return message_shapes.send_one(context, "SendEmail", email)


def _list_management(options: Wire | None) -> ListManagement | None:
    if options is None:
        return None
    return ListManagement(options["ContactListName"], options.get("TopicName"))


def _content(content: Wire) -> dict[str, Any]:
    if "Raw" in content:
        return {"raw_message": content["Raw"]["Data"]}
    if "Template" in content:
        template = content["Template"]
        return {
            "template": sending.TemplateRequest(
                name=template.get("TemplateName", ""), data=template.get("TemplateData", "{}")
            ),
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
) -> Wire:
    template = default_content.get("Template", {})
    default_data = template.get("TemplateData", "{}")
    emails = []
    for entry in bulk_email_entries:
        replacement = (
            entry.get("ReplacementEmailContent", {})
            .get("ReplacementTemplate", {})
            .get("ReplacementTemplateData")
        )
        emails.append(
            sending.OutgoingEmail(
                max_size=MAX_V2_MESSAGE_BYTES,
                from_address=from_email_address,
                envelope=message_shapes.envelope(
                    from_email_address or "", entry["Destination"], reply_to_addresses
                ),
                template=sending.TemplateRequest(
                    name=template.get("TemplateName", ""),
                    data=sending.merge_template_data(default_data, replacement),
                ),
                content=mime.Content(headers=_headers(entry.get("ReplacementHeaders"))),
                configuration_set_name=configuration_set_name,
                tags=message_shapes.tags(default_email_tags)
                + message_shapes.tags(entry.get("ReplacementTags")),
                tenant_name=tenant_name,
                identity_arn=from_email_address_identity_arn,
            )
        )
    results = message_shapes.send_many(context, "SendBulkEmail", emails)
    return {
        "BulkEmailEntryResults": [
            {"Status": "SUCCESS", "MessageId": r.message_id}
            if r.message_id
            else {"Status": r.status_v2, "Error": r.error}
            for r in results
        ]
    }
