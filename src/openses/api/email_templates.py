"""What the v1 and v2 email-template operations share once their members are read: the list's
page sizes, creation, the parts as Get answers them, the list's page and the test render."""

from __future__ import annotations

from openses.api.context import RequestContext
from openses.api.registry import Output
from openses.domain.options import Tag
from openses.domain.template import EmailTemplate
from openses.services import templates as service

# ListTemplates' model: MaxItems is 1-100 and 10 when absent. ListEmailTemplates documents
# PageSize as 1-100 but no default: 10 as in v1 (GUESS).
DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 100


def create(
    context: RequestContext,
    name: str,
    subject: str | None,
    text: str | None,
    html: str | None,
    tags: list[Tag] | None = None,
) -> Output:
    """v1 CreateTemplate and v2 CreateEmailTemplate (v2 alone carries tags)."""
    template = EmailTemplate(
        name=name,
        created_at=context.clock(),
        subject=subject,
        text=text,
        html=html,
        tags=tags or [],
    )
    service.create(context.writing(), template, limit=context.settings.max_templates)
    return {}


def parts(template: EmailTemplate, subject: str, text: str, html: str) -> Output:
    """The template's subject, text and HTML under the protocol's member names (v1 SubjectPart,
    TextPart, HtmlPart; v2 Subject, Text, Html); a part the template lacks is left out."""
    members = {subject: template.subject, text: template.text, html: template.html}
    return {name: value for name, value in members.items() if value is not None}


def list_metadata(
    context: RequestContext, next_token: str | None, page_size: int, *, name_member: str
) -> Output:
    """v1 ListTemplates and v2 ListEmailTemplates once the page size is settled; the models
    call a template's name ``Name`` (v1) and ``TemplateName`` (v2)."""
    page = service.list_page(context.reading(), next_token=next_token, page_size=page_size)
    return {
        "TemplatesMetadata": [
            {name_member: t.name, "CreatedTimestamp": t.created_at} for t in page.items
        ],
        "NextToken": page.next_token,
    }


def preview(
    context: RequestContext, template_name: str, template_data: str, *, max_size: int
) -> Output:
    """v1 TestRenderTemplate and v2 TestRenderEmailTemplate, each with its protocol's largest
    message."""
    rendered = service.preview(
        context.reading(), template_name, template_data, now=context.clock(), max_size=max_size
    )
    return {"RenderedTemplate": rendered}
