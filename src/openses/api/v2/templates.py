"""SES v2 email-template operations (``/v2/email/templates``)."""

from __future__ import annotations

from typing import Any

from openses.api.context import RequestContext
from openses.api.registry import operation
from openses.api.v2 import shapes
from openses.domain.message import MAX_V2_MESSAGE_BYTES
from openses.domain.template import EmailTemplate
from openses.protocol.models import V2
from openses.services import paging
from openses.services import templates as service

Output = dict[str, Any]
Wire = dict[str, Any]
# The model documents PageSize as 1-100. The default is not documented: 10 as in v1 (GUESS).
DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 100


@operation(V2, "CreateEmailTemplate")
def create_email_template(
    context: RequestContext,
    *,
    template_name: str,
    template_content: Wire,
    tags: list[Wire] | None = None,
) -> Output:
    template = EmailTemplate(
        name=template_name,
        created_at=context.clock(),
        subject=template_content.get("Subject"),
        text=template_content.get("Text"),
        html=template_content.get("Html"),
        tags=shapes.tags(tags or []),
    )
    service.create(context.writing(), template, limit=context.settings.max_templates)
    return {}


@operation(V2, "GetEmailTemplate")
def get_email_template(context: RequestContext, *, template_name: str) -> Output:
    template = service.get(context.reading(), template_name)
    content = {"Subject": template.subject, "Text": template.text, "Html": template.html}
    return {
        "TemplateName": template.name,
        "TemplateContent": {key: value for key, value in content.items() if value is not None},
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
    size = paging.page_size(page_size, default=DEFAULT_PAGE_SIZE, maximum=MAX_PAGE_SIZE)
    page = service.list_page(context.reading(), next_token=next_token, page_size=size)
    return {
        "TemplatesMetadata": [
            {"TemplateName": t.name, "CreatedTimestamp": t.created_at} for t in page.templates
        ],
        "NextToken": page.next_token,
    }


@operation(V2, "TestRenderEmailTemplate", renders=True)
def test_render_email_template(
    context: RequestContext, *, template_name: str, template_data: str
) -> Output:
    rendered = service.preview(
        context.reading(),
        template_name,
        template_data,
        now=context.clock(),
        max_size=MAX_V2_MESSAGE_BYTES,
    )
    return {"RenderedTemplate": rendered}
