"""SES v1 email-template operations (Query API ``Action=...Template``)."""

from __future__ import annotations

import contextlib

from openses.api import email_templates as shared
from openses.api.context import RequestContext
from openses.api.registry import Output, operation
from openses.domain.errors import TemplateNotFound
from openses.domain.message import MAX_V1_MESSAGE_BYTES
from openses.protocol.models import V1
from openses.services import templates as service


@operation(V1, "CreateTemplate")
def create_template(context: RequestContext, *, template: dict[str, str]) -> Output:
    return shared.create(
        context,
        template["TemplateName"],
        subject=template.get("SubjectPart"),
        text=template.get("TextPart"),
        html=template.get("HtmlPart"),
    )


@operation(V1, "GetTemplate")
def get_template(context: RequestContext, *, template_name: str) -> Output:
    found = service.get(context.reading(), template_name)
    parts = shared.parts(found, "SubjectPart", "TextPart", "HtmlPart")
    return {"Template": {"TemplateName": found.name, **parts}}


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
    """Above the largest page the page is the largest; below 1, the default (the model)."""
    size = (
        shared.DEFAULT_PAGE_SIZE
        if max_items is None or max_items < 1
        else min(max_items, shared.MAX_PAGE_SIZE)
    )
    return shared.list_metadata(context, next_token, size, name_member="Name")


@operation(V1, "TestRenderTemplate", renders=True)
def test_render_template(
    context: RequestContext, *, template_name: str, template_data: str
) -> Output:
    return shared.preview(context, template_name, template_data, max_size=MAX_V1_MESSAGE_BYTES)
