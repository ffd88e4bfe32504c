"""SES v2 custom verification email operations (``/v2/email/custom-verification-email-templates``,
``/v2/email/outbound-custom-verification-emails``)."""

from __future__ import annotations

from openses.api import verification_emails as shared
from openses.api.context import RequestContext
from openses.api.registry import Output, Wire, operation
from openses.api.v2 import shapes
from openses.protocol.models import V2
from openses.services import paging
from openses.services import verification_emails as service


@operation(V2, "CreateCustomVerificationEmailTemplate")
def create_custom_verification_email_template(
    context: RequestContext,
    *,
    template_name: str,
    from_email_address: str,
    template_subject: str,
    template_content: str,
    success_redirection_url: str,
    failure_redirection_url: str,
    tags: list[Wire] | None = None,
) -> Output:
    return shared.create_template(
        context,
        template_name,
        from_email_address,
        template_subject,
        template_content,
        success_redirection_url,
        failure_redirection_url,
        shapes.tags(tags or []),
    )


@operation(V2, "GetCustomVerificationEmailTemplate")
def get_custom_verification_email_template(
    context: RequestContext, *, template_name: str
) -> Output:
    template = service.get_template(context.reading(), template_name)
    return {
        **shared.metadata(template),
        "TemplateContent": template.content,
        "Tags": shapes.tags_wire(template.tags),
    }


@operation(V2, "UpdateCustomVerificationEmailTemplate")
def update_custom_verification_email_template(
    context: RequestContext,
    *,
    template_name: str,
    from_email_address: str,
    template_subject: str,
    template_content: str,
    success_redirection_url: str,
    failure_redirection_url: str,
) -> Output:
    return shared.update_template(
        context,
        template_name,
        from_email_address,
        template_subject,
        template_content,
        success_redirection_url,
        failure_redirection_url,
    )


@operation(V2, "DeleteCustomVerificationEmailTemplate")
def delete_custom_verification_email_template(
    context: RequestContext, *, template_name: str
) -> Output:
    service.delete_template(context.writing(), template_name)
    return {}


@operation(V2, "ListCustomVerificationEmailTemplates")
def list_custom_verification_email_templates(
    context: RequestContext, *, next_token: str | None = None, page_size: int | None = None
) -> Output:
    size = paging.page_size(page_size, default=shared.MAX_PAGE_SIZE, maximum=shared.MAX_PAGE_SIZE)
    return shared.list_templates(context, next_token, size)


@operation(V2, "SendCustomVerificationEmail")
def send_custom_verification_email(
    context: RequestContext,
    *,
    email_address: str,
    template_name: str,
    configuration_set_name: str | None = None,
) -> Output:
    return shared.send(context, email_address, template_name, configuration_set_name)
