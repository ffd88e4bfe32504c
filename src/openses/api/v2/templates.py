"""SES v2 email-template operations (``/v2/email/templates``)."""

from __future__ import annotations

from openses.api import email_templates as shared
from openses.api.context import RequestContext
from openses.api.registry import Output, Wire, operation
from openses.api.v2 import shapes
from openses.domain.message import MAX_V2_MESSAGE_BYTES
from openses.protocol.models import V2
from openses.services import paging
from openses.services import templates as service


@operation(V2, "CreateEmailTemplate")
def create_email_template(
    context: RequestContext,
    *,
    template_name: str,
    template_content: Wire,
    tags: list[Wire] | None = None,
) -> Output:
    return shared.create(
        context,
        template_name,
        subject=template_content.get("Subject"),
        text=template_content.get("Text"),
        html=template_content.get("Html"),
        tags=shapes.tags(tags or []),
    )


@operation(V2, "GetEmailTemplate")
def get_email_template(context: RequestContext, *, template_name: str) -> Output:
    template = service.get(context.reading(), template_name)
    return {
        "TemplateName": template.name,
        "TemplateContent": shared.parts(template, "Subject", "Text", "Html"),
        "Tags": shapes.tags_wire(template.tags),
    }


@operation(V2, "UpdateEmailTemplate")
def update_email_template(
    context: RequestContext, *, template_name: str, template_content: Wire
) -> Output:
    service.update(
        context.writing(),
        template_name,
        subject=template_content.get("Subject"),
        text=template_content.get("Text"),
        html=template_content.get("Html"),
    )
    return {}


@operation(V2, "DeleteEmailTemplate")
def delete_email_template(context: RequestContext, *, template_name: str) -> Output:
    service.delete(context.writing(), template_name)
    return {}


@operation(V2, "ListEmailTemplates")
def list_email_templates(
    context: RequestContext, *, next_token: str | None = None, page_size: int | None = None
) -> Output:
    size = paging.page_size(
        page_size, default=shared.DEFAULT_PAGE_SIZE, maximum=shared.MAX_PAGE_SIZE
    )
    return shared.list_metadata(context, next_token, size, name_member="TemplateName")


@operation(V2, "TestRenderEmailTemplate", renders=True)
def test_render_email_template(
    context: RequestContext, *, template_name: str, template_data: str
) -> Output:
    return shared.preview(context, template_name, template_data, max_size=MAX_V2_MESSAGE_BYTES)
