"""What the v1 and v2 custom verification email operations share (issue 20)."""

from __future__ import annotations

from typing import Any

from openses.api.context import RequestContext
from openses.domain.identity import EmailIdentity, IdentityKind, check_email_address
from openses.domain.verification_template import CustomVerificationEmailTemplate
from openses.services import verification_emails as service

Output = dict[str, Any]


def send(
    context: RequestContext,
    email_address: str,
    template_name: str,
    configuration_set_name: str | None,
) -> str:
    """v1 and v2 alike: the message id of the verification email."""
    check_email_address(email_address)
    assert context.tracker is not None, "the composition root gives every request a tracker"
    return service.send_custom(
        context.writing(),
        context.tracker,
        context.outbound,
        address=email_address,
        template_name=template_name,
        configuration_set_name=configuration_set_name,
        verified=context.settings.auto_verify_identities,
        now=context.clock(),
    )


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
