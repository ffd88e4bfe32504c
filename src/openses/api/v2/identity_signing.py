"""SES v2 DKIM and custom MAIL FROM operations of email identities (issue 15), and the
DkimAttributes and MailFromAttributes that GetEmailIdentity and CreateEmailIdentity answer."""

from __future__ import annotations

from openses.api.context import RequestContext
from openses.api.identities import set_mail_from
from openses.api.registry import Output, Wire, operation
from openses.domain.identity import EmailIdentity, IdentityKind
from openses.domain.signing import DkimOrigin, KeyLength, MailFromBehavior, SigningStatus
from openses.protocol.models import V2
from openses.services import identity_signing as service
from openses.store.signing_keys import SigningKey


def signing_hosted_zone(context: RequestContext) -> str | None:
    """Where Easy DKIM's CNAME records point when OPENSES_DKIM_DOMAIN is set."""
    domain = context.settings.dkim_domain
    return f"dkim.{domain}" if domain else None


def dkim_attributes(context: RequestContext, identity: EmailIdentity) -> Wire:
    dkim = identity.dkim
    if identity.kind is IdentityKind.EMAIL_ADDRESS:
        # An address has no DKIM of its own: a recorded AWS answer (getmoto/moto#9771).
        return {
            "SigningEnabled": bool(dkim.signing_enabled),
            "Status": SigningStatus.NOT_STARTED,
            "SigningAttributesOrigin": DkimOrigin.AWS_SES,
            "NextSigningKeyLength": KeyLength.RSA_1024_BIT,
        }
    if dkim.origin is None:
        return {
            "SigningEnabled": bool(dkim.signing_enabled),
            "Status": SigningStatus.NOT_STARTED,
            "SigningAttributesOrigin": DkimOrigin.AWS_SES,
            "NextSigningKeyLength": dkim.next_key_length,
        }
    wire: Wire = {
        "SigningEnabled": dkim.signing_enabled is not False,
        "Status": dkim.status,
        "Tokens": service.dkim_tokens(identity, context.account_id, context.region),
        "SigningAttributesOrigin": dkim.origin,
    }
    if dkim.origin is DkimOrigin.AWS_SES:
        wire["NextSigningKeyLength"] = dkim.next_key_length
        wire["CurrentSigningKeyLength"] = dkim.current_key_length
        wire["LastKeyGenerationTimestamp"] = dkim.key_generated_at
        zone = signing_hosted_zone(context)
        if zone:
            wire["SigningHostedZone"] = zone
    return wire


def mail_from_attributes(identity: EmailIdentity) -> Wire:
    """Without a custom domain AWS keeps the block with only BehaviorOnMxFailure (floci-io/
    floci#1273, checked against AWS)."""
    mail_from = identity.mail_from
    if mail_from.domain is None:
        return {"BehaviorOnMxFailure": mail_from.behavior}
    return {
        "MailFromDomain": mail_from.domain,
        "MailFromDomainStatus": mail_from.status,
        "BehaviorOnMxFailure": mail_from.behavior,
    }


def creation_key(
    context: RequestContext, identity_name: str, attributes: Wire | None
) -> tuple[DkimOrigin, SigningKey] | None:
    """CreateEmailIdentity: a domain starts with Easy DKIM (or BYODKIM when
    DkimSigningAttributes carry a selector and key); an address starts with none."""
    if identity_name and "@" in identity_name:
        if attributes:
            service.check_dkim_identity(identity_name)
        return None
    attributes = attributes or {}
    byo = bool(attributes.get("DomainSigningSelector") or attributes.get("DomainSigningPrivateKey"))
    origin = attributes.get("DomainSigningAttributesOrigin") or (
        DkimOrigin.EXTERNAL if byo else DkimOrigin.AWS_SES
    )
    request = _dkim_request(origin, attributes)
    return request.origin, service.make_key(request, context.clock())


def _dkim_request(origin: str, attributes: Wire) -> service.DkimRequest:
    """DkimSigningAttributes (CreateEmailIdentity) and SigningAttributes
    (PutEmailIdentityDkimSigningAttributes), which spell their members alike."""
    return service.dkim_request(
        origin,
        selector=attributes.get("DomainSigningSelector"),
        private_key=attributes.get("DomainSigningPrivateKey"),
        next_key_length=attributes.get("NextSigningKeyLength"),
    )


@operation(V2, "PutEmailIdentityDkimAttributes")
def put_email_identity_dkim_attributes(
    context: RequestContext, *, email_identity: str, signing_enabled: bool = False
) -> Output:
    service.set_signing_enabled(context.writing(), email_identity, signing_enabled)
    return {}


# Makes RSA keys: kept off the event loop like a call out (mail/dkim.generate_key).
@operation(V2, "PutEmailIdentityDkimSigningAttributes", calls_out=True)
def put_email_identity_dkim_signing_attributes(
    context: RequestContext,
    *,
    email_identity: str,
    signing_attributes_origin: str,
    signing_attributes: Wire | None = None,
) -> Output:
    request = _dkim_request(signing_attributes_origin, signing_attributes or {})
    outcome = service.put_signing_attributes(
        context.reading(),
        context.writing(),
        email_identity,
        request,
        verified=context.settings.auto_verify_identities,
        now=context.clock(),
        account_id=context.account_id,
    )
    output: Output = {"DkimStatus": outcome.status, "DkimTokens": outcome.tokens}
    zone = signing_hosted_zone(context)
    if zone and request.origin is DkimOrigin.AWS_SES:
        output["SigningHostedZone"] = zone
    return output


@operation(V2, "PutEmailIdentityMailFromAttributes")
def put_email_identity_mail_from_attributes(
    context: RequestContext,
    *,
    email_identity: str,
    mail_from_domain: str | None = None,
    behavior_on_mx_failure: str | None = None,
) -> Output:
    behavior = MailFromBehavior(behavior_on_mx_failure) if behavior_on_mx_failure else None
    return set_mail_from(context, email_identity, mail_from_domain, behavior)
