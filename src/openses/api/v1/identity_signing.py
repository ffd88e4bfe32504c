"""SES v1 Easy DKIM and custom MAIL FROM operations (issue 15): VerifyDomainDkim,
GetIdentityDkimAttributes, SetIdentityDkimEnabled, SetIdentityMailFromDomain,
GetIdentityMailFromDomainAttributes. v1 spells statuses and behaviours in CamelCase."""

from __future__ import annotations

from typing import Any

from openses.api.context import RequestContext
from openses.api.registry import operation
from openses.domain.identity import EmailIdentity, IdentityKind, VerificationStatus, check_domain
from openses.domain.signing import V1_BEHAVIOR_NAMES, V1_BEHAVIORS, SigningStatus
from openses.protocol.models import V1
from openses.services import identities as identity_service
from openses.services import identity_signing as service

Output = dict[str, Any]

_STATUS_NAMES = {
    SigningStatus.PENDING: "Pending",
    SigningStatus.SUCCESS: "Success",
    SigningStatus.FAILED: "Failed",
    SigningStatus.TEMPORARY_FAILURE: "TemporaryFailure",
    SigningStatus.NOT_STARTED: "NotStarted",
}


# Makes an RSA key: kept off the event loop like a call out (mail/dkim.generate_key).
@operation(V1, "VerifyDomainDkim", calls_out=True)
def verify_domain_dkim(context: RequestContext, *, domain: str) -> Output:
    """Adds the domain to the account's identities if it is not there (API reference)."""
    check_domain(domain)
    verified = context.settings.auto_verify_identities
    new_identity = EmailIdentity(
        name=domain,
        created_at=context.clock(),
        verification_status=VerificationStatus.SUCCESS if verified else VerificationStatus.PENDING,
    )
    tokens = service.verify_domain_dkim(
        context.reading(),
        context.writing(),
        new_identity,
        verified=verified,
        account_id=context.account_id,
        limit=context.settings.max_identities,
    )
    return {"DkimTokens": tokens}


@operation(V1, "GetIdentityDkimAttributes")
def get_identity_dkim_attributes(context: RequestContext, *, identities: list[str]) -> Output:
    """Identities the account does not have are left out, as in
    GetIdentityVerificationAttributes (GUESS). An address answers its domain's tokens."""
    uow = context.reading()
    attributes: Output = {}
    with uow:
        found = uow.identities.find_many(identities)
        for name in identities:
            identity = found.get(name)
            if identity is None:
                continue
            entry: dict[str, Any]
            if identity.kind is IdentityKind.DOMAIN:
                entry = {
                    "DkimEnabled": identity.dkim.set_up
                    and identity.dkim.signing_enabled is not False,
                    "DkimVerificationStatus": _STATUS_NAMES[identity.dkim.status],
                }
                tokens = service.dkim_tokens(identity, context.account_id, context.region)
            else:
                entry = {
                    "DkimEnabled": bool(identity.dkim.signing_enabled),
                    "DkimVerificationStatus": _STATUS_NAMES[SigningStatus.NOT_STARTED],
                }
                domain = service.nearest_domain_identity(uow, name, verified_only=False)
                tokens = (
                    service.dkim_tokens(domain, context.account_id, context.region)
                    if domain is not None
                    else []
                )
            if tokens:
                entry["DkimTokens"] = tokens
            attributes[name] = entry
    return {"DkimAttributes": attributes}


@operation(V1, "SetIdentityDkimEnabled")
def set_identity_dkim_enabled(
    context: RequestContext, *, identity: str, dkim_enabled: bool
) -> Output:
    service.set_signing_enabled(context.writing(), identity, dkim_enabled)
    return {}


@operation(V1, "SetIdentityMailFromDomain")
def set_identity_mail_from_domain(
    context: RequestContext,
    *,
    identity: str,
    mail_from_domain: str | None = None,
    behavior_on_mx_failure: str | None = None,
) -> Output:
    service.set_mail_from(
        context.writing(),
        identity,
        mail_from_domain,
        V1_BEHAVIORS[behavior_on_mx_failure] if behavior_on_mx_failure else None,
        verified=context.settings.auto_verify_identities,
    )
    return {}


@operation(V1, "GetIdentityMailFromDomainAttributes")
def get_identity_mail_from_domain_attributes(
    context: RequestContext, *, identities: list[str]
) -> Output:
    """Only identities with a custom MAIL FROM domain have an entry: the entry's
    MailFromDomain and MailFromDomainStatus are required members (botocore ses; GUESS)."""
    found = identity_service.find_many(context.reading(), identities)
    attributes: Output = {}
    for name in identities:
        identity = found.get(name)
        if identity is None or identity.mail_from.domain is None:
            continue
        attributes[name] = {
            "MailFromDomain": identity.mail_from.domain,
            "MailFromDomainStatus": _STATUS_NAMES[identity.mail_from.status],
            "BehaviorOnMXFailure": V1_BEHAVIOR_NAMES[identity.mail_from.behavior],
        }
    return {"MailFromDomainAttributes": attributes}
