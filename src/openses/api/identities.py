"""What the v1 and v2 identity operations share: a new identity as the account's settings make
it."""

from __future__ import annotations

from openses.api.context import RequestContext
from openses.domain.identity import EmailIdentity, VerificationStatus
from openses.domain.options import Tag


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
