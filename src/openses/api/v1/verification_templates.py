"""SES v1 custom verification email operations (Query API ``Action=...CustomVerification...``)."""

from __future__ import annotations

import contextlib

from openses.api import verification_emails as shared
from openses.api.context import RequestContext
from openses.api.registry import Output, operation
from openses.domain.errors import CustomVerificationEmailTemplateNotFound
from openses.protocol.models import V1
from openses.services import verification_emails as service


@operation(V1, "CreateCustomVerificationEmailTemplate")
def create_custom_verification_email_template(
    context: RequestContext,
    *,
    template_name: str,
    from_email_address: str,
    template_subject: str,
    template_content: str,
    success_redirection_url: str,
    failure_redirection_url: str,
) -> Output:
    return shared.create_template(
        context,
        template_name,
        from_email_address,
        template_subject,
        template_content,
        success_redirection_url,
        failure_redirection_url,
    )


@operation(V1, "GetCustomVerificationEmailTemplate")
def get_custom_verification_email_template(
    context: RequestContext, *, template_name: str
) -> Output:
    template = service.get_template(context.reading(), template_name)
    return {**shared.metadata(template), "TemplateContent": template.content}


@operation(V1, "UpdateCustomVerificationEmailTemplate")
def update_custom_verification_email_template(
    context: RequestContext,
    *,
    template_name: str,
    from_email_address: str | None = None,
    template_subject: str | None = None,
    template_content: str | None = None,
    success_redirection_url: str | None = None,
    failure_redirection_url: str | None = None,
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


@operation(V1, "DeleteCustomVerificationEmailTemplate")
def delete_custom_verification_email_template(
    context: RequestContext, *, template_name: str
) -> Output:
    """The v1 operation models no errors: a missing template is no error, as v1 DeleteTemplate
    (docs/aws-behaviour.md)."""
    with contextlib.suppress(CustomVerificationEmailTemplateNotFound):
        service.delete_template(context.writing(), template_name)
    return {}


@operation(V1, "ListCustomVerificationEmailTemplates")
def list_custom_verification_email_templates(
    context: RequestContext, *, next_token: str | None = None, max_results: int | None = None
) -> Output:
    size = shared.MAX_PAGE_SIZE if max_results is None else max_results
    return shared.list_templates(context, next_token, size)


@operation(V1, "SendCustomVerificationEmail")
def send_custom_verification_email(
    context: RequestContext,
    *,
    email_address: str,
    template_name: str,
    configuration_set_name: str | None = None,
) -> Output:
    return shared.send(context, email_address, template_name, configuration_set_name)
