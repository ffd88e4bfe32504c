"""What the v1 and v2 custom verification email operations share (issue 20)."""

from __future__ import annotations

from openses.api.context import RequestContext
from openses.api.registry import Output
from openses.domain.identity import EmailIdentity, IdentityKind, check_email_address
from openses.domain.options import Tag
from openses.domain.verification_template import CustomVerificationEmailTemplate
from openses.services import verification_emails as service

# ListCustomVerificationEmailTemplates' page: at least 1 and at most 50 in both API references;
# 50 when absent (v1's reference; v2's, a GUESS).
MAX_PAGE_SIZE = 50


def send(
    context: RequestContext,
    email_address: str,
    template_name: str,
    configuration_set_name: str | None,
) -> Output:
    """v1 and v2 SendCustomVerificationEmail: the verification email's message id."""
    check_email_address(email_address)
    assert context.tracker is not None, "the composition root gives every request a tracker"
    message_id = service.send_custom(
        context.writing(),
        context.tracker,
        context.outbound,
        address=email_address,
        template_name=template_name,
        configuration_set_name=configuration_set_name,
        verified=context.settings.auto_verify_identities,
        now=context.clock(),
    )
    return {"MessageId": message_id}


def metadata(template: CustomVerificationEmailTemplate) -> Output:
    return {
        "TemplateName": template.name,
        "FromEmailAddress": template.from_email_address,
        "TemplateSubject": template.subject,
        "SuccessRedirectionURL": template.success_redirection_url,
        "FailureRedirectionURL": template.failure_redirection_url,
    }


def mail_if_pending(context: RequestContext, identity: EmailIdentity) -> None:
    """SES mails an email-address identity that is not verified yet its verification email
    (v1 VerifyEmailIdentity and VerifyEmailAddress, v2 CreateEmailIdentity); under
    auto-verification there is nothing to verify."""
    if identity.kind is IdentityKind.EMAIL_ADDRESS and not identity.verified:
        assert context.tracker is not None, "the composition root gives every request a tracker"
        service.send_plain(
            context.writing(), context.tracker, context.outbound, identity.name, context.clock()
        )


def create_template(
    context: RequestContext,
    template_name: str,
    from_email_address: str,
    template_subject: str,
    template_content: str,
    success_redirection_url: str,
    failure_redirection_url: str,
    tags: list[Tag] | None = None,
) -> Output:
    """v1 and v2 CreateCustomVerificationEmailTemplate (v2 alone carries tags)."""
    template = CustomVerificationEmailTemplate(
        name=template_name,
        from_email_address=from_email_address,
        subject=template_subject,
        content=template_content,
        success_redirection_url=success_redirection_url,
        failure_redirection_url=failure_redirection_url,
        created_at=context.clock(),
        tags=tags or [],
    )
    service.create_template(context.writing(), template)
    return {}


def update_template(
    context: RequestContext,
    template_name: str,
    from_email_address: str | None,
    template_subject: str | None,
    template_content: str | None,
    success_redirection_url: str | None,
    failure_redirection_url: str | None,
) -> Output:
    """v1 and v2 UpdateCustomVerificationEmailTemplate; None (v1 only) keeps the stored member."""
    service.update_template(
        context.writing(),
        template_name,
        from_email_address=from_email_address,
        subject=template_subject,
        content=template_content,
        success_redirection_url=success_redirection_url,
        failure_redirection_url=failure_redirection_url,
    )
    return {}


def list_templates(context: RequestContext, next_token: str | None, page_size: int) -> Output:
    """v1 and v2 ListCustomVerificationEmailTemplates, once the page size is settled."""
    page = service.list_page(context.reading(), next_token=next_token, page_size=page_size)
    return {
        "CustomVerificationEmailTemplates": [metadata(t) for t in page.items],
        "NextToken": page.next_token,
    }
