"""SES v1 identity operations (Query API ``Action=Verify...``, ``ListIdentities``, ...).

v1 spells verification statuses ``Success``/``Pending`` and identity types ``EmailAddress``/
``Domain``; v1's verify and delete calls are idempotent, unlike their v2 twins.
"""

from __future__ import annotations

from typing import Any

from openses.api import verification_emails
from openses.api.context import RequestContext
from openses.api.registry import operation
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

Output = dict[str, Any]
MAX_ITEMS = 1000

_KINDS = {"EmailAddress": IdentityKind.EMAIL_ADDRESS, "Domain": IdentityKind.DOMAIN}
_STATUS_NAMES = {
    VerificationStatus.PENDING: "Pending",
    VerificationStatus.SUCCESS: "Success",
    VerificationStatus.FAILED: "Failed",
    VerificationStatus.TEMPORARY_FAILURE: "TemporaryFailure",
    VerificationStatus.NOT_STARTED: "NotStarted",
}


def _verify(context: RequestContext, name: str) -> EmailIdentity:
    verified = context.settings.auto_verify_identities
    identity = EmailIdentity(
        name=name,
        created_at=context.clock(),
        verification_status=VerificationStatus.SUCCESS if verified else VerificationStatus.PENDING,
    )
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
        "Identities": [identity.name for identity in page.identities],
        "NextToken": page.next_token,
    }


@operation(V1, "GetIdentityVerificationAttributes")
def get_identity_verification_attributes(
    context: RequestContext, *, identities: list[str]
) -> Output:
    """Identities never submitted for verification are left out of the answer (AWS CLI
    reference, get-identity-verification-attributes)."""
    found = service.find_many(context.reading(), identities)
    attributes: Output = {}
    for name in identities:
        identity = found.get(name)
        if identity is None:
            continue
        entry = {"VerificationStatus": _STATUS_NAMES[identity.verification_status]}
        if identity.kind is IdentityKind.DOMAIN:
            entry["VerificationToken"] = identity.verification_token(
                context.account_id, context.region
            )
        attributes[name] = entry
    return {"VerificationAttributes": attributes}


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
        addresses.extend(identity.name for identity in page.identities)
        next_token = page.next_token
        if next_token is None:
            return {"VerifiedEmailAddresses": addresses}


@operation(V1, "DeleteVerifiedEmailAddress")
def delete_verified_email_address(context: RequestContext, *, email_address: str) -> Output:
    service.discard(context.writing(), email_address)
    return {}
