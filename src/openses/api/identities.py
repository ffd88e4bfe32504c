"""What the v1 and v2 identity operations share: a new identity as the account's settings make
it, and the custom MAIL FROM domain's setting."""

from __future__ import annotations

from openses.api.context import RequestContext
from openses.api.registry import Output
from openses.domain.identity import EmailIdentity, VerificationStatus
from openses.domain.options import Tag
from openses.domain.signing import MailFromBehavior
from openses.services import identity_signing


def new_identity(
    context: RequestContext,
    name: str,
    *,
    configuration_set_name: str | None = None,
    tags: list[Tag] | None = None,
) -> EmailIdentity:
    """v1 VerifyEmailIdentity, VerifyEmailAddress, VerifyDomainIdentity and VerifyDomainDkim,
    v2 CreateEmailIdentity: verified at once under OPENSES_AUTO_VERIFY_IDENTITIES, else
    pending."""
    verified = context.settings.auto_verify_identities
    return EmailIdentity(
        name=name,
        created_at=context.clock(),
        verification_status=VerificationStatus.SUCCESS if verified else VerificationStatus.PENDING,
        configuration_set_name=configuration_set_name,
        tags=tags or [],
    )


def set_mail_from(
    context: RequestContext,
    identity: str,
    mail_from_domain: str | None,
    behavior: MailFromBehavior | None,
) -> Output:
    """v1 SetIdentityMailFromDomain and v2 PutEmailIdentityMailFromAttributes, once the
    behaviour on MX failure is read (v1 spells it in CamelCase): under
    OPENSES_AUTO_VERIFY_IDENTITIES a new domain is verified at once."""
    identity_signing.set_mail_from(
        context.writing(),
        identity,
        mail_from_domain,
        behavior,
        verified=context.settings.auto_verify_identities,
    )
    return {}
