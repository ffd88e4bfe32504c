"""SES v1 Easy DKIM and custom MAIL FROM operations (issue 15): VerifyDomainDkim,
GetIdentityDkimAttributes, SetIdentityDkimEnabled, SetIdentityMailFromDomain,
GetIdentityMailFromDomainAttributes. v1 spells statuses and behaviours in CamelCase."""

from __future__ import annotations

from openses.api.context import RequestContext
from openses.api.identities import new_identity, set_mail_from
from openses.api.registry import Output, operation
from openses.api.v1 import shapes
from openses.domain.identity import EmailIdentity, IdentityKind, check_domain
from openses.domain.signing import V1_BEHAVIOR_NAMES, V1_BEHAVIORS, SigningStatus
from openses.protocol.models import V1
from openses.services import identities as identity_service
from openses.services import identity_signing as service


# Makes an RSA key: kept off the event loop like a call out (mail/dkim.generate_key).
@operation(V1, "VerifyDomainDkim", calls_out=True)
def verify_domain_dkim(context: RequestContext, *, domain: str) -> Output:
    """Adds the domain to the account's identities if it is not there (API reference)."""
    check_domain(domain)
    identity = new_identity(context, domain)
    tokens = service.verify_domain_dkim(
        context.reading(),
        context.writing(),
        identity,
        verified=context.settings.auto_verify_identities,
        account_id=context.account_id,
        limit=context.settings.max_identities,
    )
    return {"DkimTokens": tokens}


@operation(V1, "GetIdentityDkimAttributes")
def get_identity_dkim_attributes(context: RequestContext, *, identities: list[str]) -> Output:
    """Identities the account does not have are left out, as in
    GetIdentityVerificationAttributes (GUESS). An address answers its domain's tokens."""
    uow = context.reading()

    def entry(name: str, identity: EmailIdentity) -> Output:
        attributes: Output
        if identity.kind is IdentityKind.DOMAIN:
            attributes = {
                "DkimEnabled": identity.dkim.set_up and identity.dkim.signing_enabled is not False,
                "DkimVerificationStatus": shapes.status_name(identity.dkim.status),
            }
            tokens = service.dkim_tokens(identity, context.account_id, context.region)
        else:
            attributes = {
                "DkimEnabled": bool(identity.dkim.signing_enabled),
                "DkimVerificationStatus": shapes.status_name(SigningStatus.NOT_STARTED),
            }
            domain = service.nearest_domain_identity(uow, name, verified_only=False)
            tokens = (
                service.dkim_tokens(domain, context.account_id, context.region)
                if domain is not None
                else []
            )
        if tokens:
            attributes["DkimTokens"] = tokens
        return attributes

    with uow:
        found = uow.identities.find_many(identities)
        return {"DkimAttributes": shapes.attributes_of(identities, found, entry)}


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
    behavior = V1_BEHAVIORS[behavior_on_mx_failure] if behavior_on_mx_failure else None
    return set_mail_from(context, identity, mail_from_domain, behavior)


@operation(V1, "GetIdentityMailFromDomainAttributes")
def get_identity_mail_from_domain_attributes(
    context: RequestContext, *, identities: list[str]
) -> Output:
    """Only identities with a custom MAIL FROM domain have an entry: the entry's
    MailFromDomain and MailFromDomainStatus are required members (botocore ses; GUESS)."""

    def entry(name: str, identity: EmailIdentity) -> Output | None:
        if identity.mail_from.domain is None:
            return None
        return {
            "MailFromDomain": identity.mail_from.domain,
            "MailFromDomainStatus": shapes.status_name(identity.mail_from.status),
            "BehaviorOnMXFailure": V1_BEHAVIOR_NAMES[identity.mail_from.behavior],
        }

    found = identity_service.find_many(context.reading(), identities)
    return {"MailFromDomainAttributes": shapes.attributes_of(identities, found, entry)}
