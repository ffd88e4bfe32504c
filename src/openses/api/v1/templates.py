"""SES v1 email-template operations (Query API ``Action=...Template``)."""

from __future__ import annotations

import contextlib
from typing import Any

from openses.api.context import RequestContext
from openses.api.registry import operation
from openses.domain.errors import TemplateNotFound
from openses.domain.message import MAX_V1_MESSAGE_BYTES
from openses.domain.template import EmailTemplate
from openses.protocol.models import V1
from openses.services import templates as service

Output = dict[str, Any]
# The model: MaxItems is 1-100, above 100 the page is 100, and 10 is the default.
DEFAULT_MAX_ITEMS = 10
MAX_ITEMS = 100


@operation(V1, "CreateTemplate")
def create_template(context: RequestContext, *, template: dict[str, str]) -> Output:
    new = EmailTemplate(
        name=template["TemplateName"],
        created_at=context.clock(),
        subject=template.get("SubjectPart"),
        text=template.get("TextPart"),
        html=template.get("HtmlPart"),
    )
    service.create(context.writing(), new, limit=context.settings.max_templates)
    return {}


@operation(V1, "GetTemplate")
def get_template(context: RequestContext, *, template_name: str) -> Output:
    found = service.get(context.reading(), template_name)
    parts = {
        "TemplateName": found.name,
        "SubjectPart": found.subject,
        "TextPart": found.text,
        "HtmlPart": found.html,
    }
    return {"Template": {key: value for key, value in parts.items() if value is not None}}


@operation(V1, "UpdateTemplate")
def update_template(context: RequestContext, *, template: dict[str, str]) -> Output:
    service.update(
        context.writing(),
        template["TemplateName"],
        subject=template.get("SubjectPart"),
        text=template.get("TextPart"),
        html=template.get("HtmlPart"),
    )
    return {}


@operation(V1, "DeleteTemplate")
def delete_template(context: RequestContext, *, template_name: str) -> Output:
    """The v1 operation models no errors: deleting a missing template succeeds."""
    with contextlib.suppress(TemplateNotFound):
        service.delete(context.writing(), template_name)
    return {}


@operation(V1, "ListTemplates")
def list_templates(
    context: RequestContext, *, next_token: str | None = None, max_items: int | None = None
) -> Output:
    size = DEFAULT_MAX_ITEMS if max_items is None or max_items < 1 else min(max_items, MAX_ITEMS)
    page = service.list_page(context.reading(), next_token=next_token, page_size=size)
    return {
        "TemplatesMetadata": [
            {"Name": t.name, "CreatedTimestamp": t.created_at} for t in page.templates
        ],
        "NextToken": page.next_token,
    }


@operation(V1, "TestRenderTemplate", renders=True)
def test_render_template(
    context: RequestContext, *, template_name: str, template_data: str
) -> Output:
    rendered = service.preview(
        context.reading(),
        template_name,
        template_data,
        now=context.clock(),
        max_size=MAX_V1_MESSAGE_BYTES,
    )
    return {"RenderedTemplate": rendered}
