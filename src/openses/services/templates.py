"""Email-template use cases, shared by v1 and v2, and template rendering for the send path."""

from __future__ import annotations

import datetime
import uuid

from openses.domain.errors import (
    InvalidRenderingParameter,
    InvalidTemplate,
    MissingRenderingAttribute,
    RefusedRenderingParameter,
    TemplateLimitExceeded,
)
from openses.domain.message import MAX_V2_MESSAGE_BYTES, InvalidMessage
from openses.domain.tags import check as check_tags
from openses.domain.template import (
    EmailTemplate,
    RenderedContent,
    check_name,
    check_template_size,
    parse_template_data,
)
from openses.mail import mime
from openses.services import limits, paging
from openses.store.unit_of_work import UnitOfWork


def create(uow: UnitOfWork, template: EmailTemplate, *, limit: int | None = None) -> None:
    check_template_size(template)
    template.compile()
    check_tags(template.tags)
    with uow:
        if limit is not None:  # AWS: 10,000 a region (issue 18)
            limits.check_room(uow.templates, limit, TemplateLimitExceeded)
        uow.templates.add(template)
        uow.commit()


def get(uow: UnitOfWork, name: str) -> EmailTemplate:
    with uow:
        return uow.templates.get(name)


def get_template(uow: UnitOfWork, name: str) -> EmailTemplate:
    """The stored template, inside a unit of work the caller has already entered.

    Raises TemplateNotFound."""
    return uow.templates.get(name)


def update(
    uow: UnitOfWork, name: str, *, subject: str | None, text: str | None, html: str | None
) -> None:
    """Replace all three parts; the name, creation time and tags stay."""
    with uow:
        template = uow.templates.get(name)
        template.subject, template.text, template.html = subject, text, html
        check_template_size(template)
        template.compile()
        uow.templates.save(template)
        uow.commit()


def delete(uow: UnitOfWork, name: str) -> None:
    with uow:
        uow.templates.remove(name)
        uow.commit()


#: The templates in name order, without their tags.
list_page: paging.PageReader[EmailTemplate] = paging.page_reader(
    lambda uow: uow.templates, check=check_name, key=paging.name_of
)


def render(
    uow: UnitOfWork, name: str, template_data: str, *, max_size: int = MAX_V2_MESSAGE_BYTES
) -> RenderedContent:
    """Render a stored template. Raises TemplateNotFound, InvalidRenderingParameter (data that is
    not a JSON object), MissingRenderingAttribute, InvalidTemplate and InvalidMessage (a
    rendering beyond ``max_size`` or the step budget)."""
    data = parse_template_data(template_data)
    with uow:
        template = uow.templates.get(name)
    return template.render(data, max_size=max_size)


def render_for_send(
    uow: UnitOfWork,
    name: str,
    template_data: str,
    *,
    max_size: int = MAX_V2_MESSAGE_BYTES,
    inline: EmailTemplate | None = None,
) -> RenderedContent | str:
    """Inside the caller's unit of work: the rendered parts, or the message of the rendering
    failure that SES reports as a Rendering Failure event instead of refusing the call.

    Raises TemplateNotFound, which SES does refuse the call for, and InvalidMessage for data
    no send can use (RefusedRenderingParameter) and renderings beyond the budget."""
    template = inline if inline is not None else uow.templates.get(name)
    try:
        return template.render(parse_template_data(template_data), max_size=max_size)
    except RefusedRenderingParameter as error:
        raise InvalidMessage(error.message) from None
    except (InvalidRenderingParameter, MissingRenderingAttribute, InvalidTemplate) as error:
        return error.message


def preview(
    uow: UnitOfWork,
    name: str,
    template_data: str,
    *,
    now: datetime.datetime,
    max_size: int = MAX_V2_MESSAGE_BYTES,
) -> str:
    """TestRender(Email)Template: the whole MIME message the template renders to.

    SES renders a preview with no sender or recipients, so the message has no From or To."""
    rendered = render(uow, name, template_data, max_size=max_size)
    content = mime.Content(subject=rendered.subject, text=rendered.text, html=rendered.html)
    message_id = mime.ses_message_id_header(_preview_id(now), uow.region)
    message = mime.build(mime.Envelope(source=""), content, message_id_header=message_id, date=now)
    del message["From"]
    return message.as_string()


def _preview_id(now: datetime.datetime) -> str:
    return f"{int(now.timestamp() * 1000):016x}-{uuid.uuid4()}-000000"
