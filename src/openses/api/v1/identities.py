"""SES v1 identity operations (Query API ``Action=Verify...``, ``ListIdentities``, ...).

v1 spells verification statuses ``Success``/``Pending`` and identity types ``EmailAddress``/
``Domain``; v1's verify and delete calls are idempotent, unlike their v2 twins.
"""

from __future__ import annotations

from openses.api import verification_emails
from openses.api.context import RequestContext
from openses.api.identities import new_identity
from openses.api.registry import Output, operation
from openses.api.v1 import shapes
from openses.domain.errors import InvalidInput
from openses.domain.identity import (
    EmailIdentity,
    IdentityKind,
    VerificationStatus,
    check_domain,
    check_email_address,
)
from openses.protocol.models import V1
from openses.services import identities as service

MAX_ITEMS = 1000

_KINDS = {"EmailAddress": IdentityKind.EMAIL_ADDRESS, "Domain": IdentityKind.DOMAIN}


def _verify(context: RequestContext, name: str) -> EmailIdentity:
    identity = new_identity(context, name)
    stored = service.ensure(context.writing(), identity, limit=context.settings.max_identities)
    verification_emails.mail_if_pending(context, stored)  # issue 20
    return stored


@operation(V1, "VerifyEmailIdentity")
def verify_email_identity(context: RequestContext, *, email_address: str) -> Output:
    check_email_address(email_address)
    _verify(context, email_address)
    return {}


@operation(V1, "VerifyEmailAddress")
def verify_email_address(context: RequestContext, *, email_address: str) -> Output:
    check_email_address(email_address)
    _verify(context, email_address)
    return {}


@operation(V1, "VerifyDomainIdentity")
def verify_domain_identity(context: RequestContext, *, domain: str) -> Output:
    check_domain(domain)
    identity = _verify(context, domain)
    return {"VerificationToken": identity.verification_token(context.account_id, context.region)}


@operation(V1, "ListIdentities")
def list_identities(
    context: RequestContext,
    *,
    identity_type: str | None = None,
    next_token: str | None = None,
    max_items: int | None = None,
) -> Output:
    size = MAX_ITEMS if max_items is None else max_items
    if not 1 <= size <= MAX_ITEMS:
        raise InvalidInput(f"MaxItems must be between 1 and {MAX_ITEMS}.")
    page = service.list_page(
        context.reading(),
        next_token=next_token,
        page_size=size,
        kind=_KINDS[identity_type] if identity_type else None,
    )
    return {
        "Identities": [identity.name for identity in page.items],
        "NextToken": page.next_token,
    }


@operation(V1, "GetIdentityVerificationAttributes")
def get_identity_verification_attributes(
    context: RequestContext, *, identities: list[str]
) -> Output:
    """Identities never submitted for verification are left out of the answer (AWS CLI
    reference, get-identity-verification-attributes)."""

    def entry(name: str, identity: EmailIdentity) -> Output:
        attributes = {"VerificationStatus": shapes.status_name(identity.verification_status)}
        if identity.kind is IdentityKind.DOMAIN:
            attributes["VerificationToken"] = identity.verification_token(
                context.account_id, context.region
            )
        return attributes

    found = service.find_many(context.reading(), identities)
    return {"VerificationAttributes": shapes.attributes_of(identities, found, entry)}


@operation(V1, "DeleteIdentity")
def delete_identity(context: RequestContext, *, identity: str) -> Output:
    service.discard(context.writing(), identity)
    return {}


@operation(V1, "ListVerifiedEmailAddresses")
def list_verified_email_addresses(context: RequestContext) -> Output:
    """Deprecated in AWS: every verified address identity, in one unpaged answer."""
    addresses: list[str] = []
    next_token: str | None = None
    while True:
        page = service.list_page(
            context.reading(),
            next_token=next_token,
            page_size=MAX_ITEMS,
            kind=IdentityKind.EMAIL_ADDRESS,
            status=VerificationStatus.SUCCESS,
        )
        addresses.extend(identity.name for identity in page.items)
        next_token = page.next_token
        if next_token is None:
            return {"VerifiedEmailAddresses": addresses}


@operation(V1, "DeleteVerifiedEmailAddress")
def delete_verified_email_address(context: RequestContext, *, email_address: str) -> Output:
    service.discard(context.writing(), email_address)
    return {}
