"""Identities that sign and return (issue 15): DKIM set-up (Easy DKIM and BYODKIM), signing
switches, the custom MAIL FROM domain, and the two checks of the send path (MAIL FROM's
REJECT_MESSAGE and the DKIM signature).

Easy DKIM keys are made outside any transaction (a 2048-bit key takes a tenth of a second);
callers keep the functions that make keys off the event loop.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from email.message import Message

from openses.domain import identity as identity_rules
from openses.domain.errors import InvalidInput, MailFromDomainNotVerified
from openses.domain.identity import EmailIdentity, IdentityKind
from openses.domain.mailbox import address_of
from openses.domain.signing import (
    DkimOrigin,
    KeyLength,
    MailFromBehavior,
    MailFromSettings,
    SigningStatus,
    check_mail_from_domain,
    check_selector,
    key_length_of,
)
from openses.mail import dkim
from openses.services import identities
from openses.store.signing_keys import SigningKey
from openses.store.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True, kw_only=True)
class DkimRequest:
    """DkimSigningAttributes as CreateEmailIdentity or PutEmailIdentityDkimSigningAttributes
    give them."""

    origin: DkimOrigin = DkimOrigin.AWS_SES
    selector: str | None = None
    private_key: str | None = None  # base64 DER (BYODKIM)
    next_key_length: KeyLength | None = None


@dataclass(frozen=True, slots=True)
class DkimOutcome:
    status: SigningStatus
    tokens: list[str]


def dkim_request(
    origin: str,
    *,
    selector: str | None = None,
    private_key: str | None = None,
    next_key_length: str | None = None,
) -> DkimRequest:
    """Checks what the wire gave: AWS_SES or EXTERNAL (replicated origins are not offered),
    and BYODKIM's selector and key."""
    if origin not in DkimOrigin.__members__:
        # GUESS: openses does not replicate keys between regions (DEED).
        raise InvalidInput(
            f"SigningAttributesOrigin {origin} is not supported: use AWS_SES or EXTERNAL."
        )
    kind = DkimOrigin(origin)
    if kind is DkimOrigin.EXTERNAL:
        check_selector(selector)
        if not private_key:
            raise InvalidInput(
                "DomainSigningPrivateKey is required when SigningAttributesOrigin is EXTERNAL."
            )
    return DkimRequest(
        origin=kind,
        selector=selector,
        private_key=private_key,
        next_key_length=KeyLength(next_key_length) if next_key_length else None,
    )


def make_key(request: DkimRequest, now: datetime.datetime) -> SigningKey:
    """BYODKIM's key read from the request, or a new Easy DKIM key of the asked length."""
    if request.origin is DkimOrigin.EXTERNAL:
        assert request.private_key is not None
        external = dkim.read_external_key(request.private_key)
        return SigningKey(
            selector=request.selector,
            private_key_pem=external.private_key_pem,
            bits=external.bits,
            created_at=now,
        )
    length = request.next_key_length or KeyLength.RSA_2048_BIT
    return SigningKey(
        selector=None,
        private_key_pem=dkim.generate_key(length.bits),
        bits=length.bits,
        created_at=now,
    )


def check_dkim_identity(identity_name: str) -> None:
    if identity_rules.kind_of(identity_name) is not IdentityKind.DOMAIN:
        # GUESS: AWS's wording is unrecorded; DKIM keys belong to domains.
        raise InvalidInput(
            f"DKIM signing attributes can only be set for a domain identity, not <{identity_name}>."
        )


def start_dkim(
    identity: EmailIdentity, key: SigningKey, origin: DkimOrigin, *, verified: bool
) -> None:
    identity.dkim.start(
        origin,
        verified=verified,
        now=key.created_at,
        key_length=key_length_of(key.bits) if origin is DkimOrigin.AWS_SES else None,
        selector=key.selector if origin is DkimOrigin.EXTERNAL else None,
    )


def needs_new_key(identity: EmailIdentity, request: DkimRequest) -> bool:
    """BYODKIM always brings a key; Easy DKIM makes one when it starts or when the asked key
    length differs from the current key's."""
    current = identity.dkim
    if request.origin is DkimOrigin.EXTERNAL or current.origin is not DkimOrigin.AWS_SES:
        return True
    return (
        request.next_key_length is not None
        and request.next_key_length is not current.current_key_length
    )


def put_signing_attributes(
    uow_read: UnitOfWork,
    uow_write: UnitOfWork,
    name: str,
    request: DkimRequest,
    *,
    verified: bool,
    now: datetime.datetime,
    account_id: str,
) -> DkimOutcome:
    """v2 PutEmailIdentityDkimSigningAttributes. A new Easy DKIM key takes effect at once
    (AWS rotates later: docs/aws-behaviour.md)."""
    with uow_read:
        identity = uow_read.identities.get(name)
    check_dkim_identity(identity.name)
    key = make_key(request, now) if needs_new_key(identity, request) else None
    with uow_write:
        identity = uow_write.identities.get(name, for_update=True)
        if key is not None:
            start_dkim(identity, key, request.origin, verified=verified)
            uow_write.signing_keys.put(name, key)
        elif request.next_key_length is not None:
            identity.dkim.next_key_length = request.next_key_length
        uow_write.identities.save(identity)
        uow_write.commit()
    return DkimOutcome(identity.dkim.status, dkim_tokens(identity, account_id, uow_write.region))


def verify_domain_dkim(
    uow_read: UnitOfWork,
    uow_write: UnitOfWork,
    new_identity: EmailIdentity,
    *,
    verified: bool,
    account_id: str,
    limit: int | None = None,
) -> list[str]:
    """v1 VerifyDomainDkim: adds the domain if it is not there, and starts Easy DKIM unless the
    domain has DKIM already (Easy or BYODKIM). Returns the tokens."""
    name = new_identity.name
    with uow_read:
        current = uow_read.identities.find(name)
    key = None
    if current is None or not current.dkim.set_up:
        key = make_key(DkimRequest(), new_identity.created_at)
    with uow_write:
        identity = uow_write.identities.find(name, for_update=True)
        if identity is None:
            identity = new_identity
            identities.add_within(uow_write, identity, limit)
        if key is not None and not identity.dkim.set_up:
            start_dkim(identity, key, DkimOrigin.AWS_SES, verified=verified)
            uow_write.signing_keys.put(name, key)
        uow_write.identities.save(identity)
        uow_write.commit()
    return dkim_tokens(identity, account_id, uow_write.region)


def set_signing_enabled(uow: UnitOfWork, name: str, enabled: bool) -> None:
    """v2 PutEmailIdentityDkimAttributes, v1 SetIdentityDkimEnabled. An address may turn
    signing on only when its domain has DKIM (SetIdentityDkimEnabled's API reference)."""
    with uow:
        identity = uow.identities.get(name, for_update=True)
        if enabled and identity.kind is IdentityKind.EMAIL_ADDRESS:
            domain = nearest_domain_identity(uow, identity.name, verified_only=False)
            if domain is None or not domain.dkim.set_up:
                # GUESS: AWS's wording is unrecorded.
                raise InvalidInput(
                    f"DKIM signing can be enabled for <{identity.name}> only once its domain "
                    "is set up for DKIM."
                )
        identity.dkim.signing_enabled = enabled
        uow.identities.save(identity)
        uow.commit()


def dkim_tokens(identity: EmailIdentity, account_id: str, region: str) -> list[str]:
    """Easy DKIM's three CNAME tokens, BYODKIM's selector, or none."""
    if identity.dkim.origin is DkimOrigin.AWS_SES:
        return identity.dkim_tokens(account_id, region)
    if identity.dkim.origin is DkimOrigin.EXTERNAL and identity.dkim.selector:
        return [identity.dkim.selector]
    return []


def signing_selector(identity: EmailIdentity, account_id: str, region: str) -> str | None:
    """The selector openses signs with: Easy DKIM's first token, or BYODKIM's selector."""
    tokens = dkim_tokens(identity, account_id, region)
    return tokens[0] if tokens else None


# -- custom MAIL FROM ----------------------------------------------------------------------------


def set_mail_from(
    uow: UnitOfWork,
    name: str,
    mail_from_domain: str | None,
    behavior: MailFromBehavior | None,
    *,
    verified: bool,
) -> None:
    """v2 PutEmailIdentityMailFromAttributes, v1 SetIdentityMailFromDomain. No domain turns
    the custom MAIL FROM off; a new domain is SUCCESS at once under auto-verify, else PENDING
    until the DNS check finds its MX record."""
    with uow:
        identity = uow.identities.get(name, for_update=True)
        current = identity.mail_from
        domain = (
            check_mail_from_domain(identity.name, mail_from_domain) if mail_from_domain else None
        )
        if domain is None:
            status = SigningStatus.PENDING
        elif domain == current.domain:
            status = current.status
        else:
            status = SigningStatus.SUCCESS if verified else SigningStatus.PENDING
        identity.mail_from = MailFromSettings(
            domain=domain,
            status=status,
            behavior=behavior or MailFromBehavior.USE_DEFAULT_VALUE,
        )
        uow.identities.save(identity)
        uow.commit()


def mail_from_identity(uow: UnitOfWork, identity: EmailIdentity) -> EmailIdentity:
    """The identity whose MAIL FROM settings a send uses: the sending identity's own, else, for
    an address, the nearest verified domain identity's that has one (GUESS,
    docs/aws-behaviour.md)."""
    if identity.mail_from.domain is not None or identity.kind is IdentityKind.DOMAIN:
        return identity
    domain = nearest_domain_identity(uow, identity.name, verified_only=True)
    if domain is not None and domain.mail_from.domain is not None:
        return domain
    return identity


def check_mail_from(uow: UnitOfWork, identity: EmailIdentity) -> EmailIdentity:
    """The send path's MAIL FROM rule: REJECT_MESSAGE while the custom domain is not SUCCESS
    fails the send with MailFromDomainNotVerified (SES developer guide, mail-from.md).
    Returns the identity whose MAIL FROM the message leaves with."""
    chosen = mail_from_identity(uow, identity)
    if chosen.mail_from.rejects:
        assert chosen.mail_from.domain is not None
        raise MailFromDomainNotVerified(chosen.name, chosen.mail_from.domain)
    return chosen


# -- DKIM signing on the send path ---------------------------------------------------------------


def signed_bytes(uow: UnitOfWork, identity: EmailIdentity, message: Message) -> bytes:
    """The message's bytes, DKIM-signed when the domain identity of its From address (the
    sending domain identity, or the nearest verified parent domain's for an address identity)
    signs. An address identity with signing turned off is not signed."""
    raw = message.as_bytes()
    signer = _signing_identity(uow, identity, address_of(str(message.get("From") or "")))
    if signer is None:
        return raw
    key = uow.signing_keys.find(signer.name)
    selector = signing_selector(signer, uow.account_id, uow.region)
    if key is None or selector is None:
        return raw
    return dkim.sign(
        raw, domain=signer.name.lower(), selector=selector, private_key_pem=key.private_key_pem
    )


def _signing_identity(
    uow: UnitOfWork, identity: EmailIdentity, from_address: str
) -> EmailIdentity | None:
    address = from_address or identity.name
    domain = address.rpartition("@")[2].lower()
    if identity.kind is IdentityKind.EMAIL_ADDRESS:
        if identity.dkim.signing_enabled is False:
            return None
        signer = nearest_domain_identity(uow, address, verified_only=True)
    elif domain == identity.name.lower() or domain.endswith("." + identity.name.lower()):
        signer = identity
    else:
        signer = nearest_domain_identity(uow, address, verified_only=True)
    return signer if signer is not None and signer.dkim.signs else None


def nearest_domain_identity(
    uow: UnitOfWork, address_or_domain: str, *, verified_only: bool
) -> EmailIdentity | None:
    """The domain identity of an address's domain, or of its nearest parent domain."""
    name = address_or_domain if "@" in address_or_domain else f"postmaster@{address_or_domain}"
    _exact, domains = identity_rules.sending_candidates(name)
    found = {
        i.name.lower(): i
        for i in uow.identities.find_ignoring_case(domains)
        if i.kind is IdentityKind.DOMAIN and (i.verified or not verified_only)
    }
    for domain in domains:
        if domain in found:
            return found[domain]
    return None
