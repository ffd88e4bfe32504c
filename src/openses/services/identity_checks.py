"""The DNS check of an identity's DKIM records and custom MAIL FROM domain (issue 15), run by
``POST /_openses/identities/{name}/verify`` when identities do not verify at once.

DKIM: every selector's TXT record (reached directly, or through the CNAME the /dns endpoint
shows) must publish the public key of the key openses holds. MAIL FROM: the domain must have
an MX record. Found: SUCCESS; a definite "no such record" or another key: FAILED; no definite
answer: TEMPORARY_FAILURE. The look-ups run outside any transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from openses.domain.identity import EmailIdentity
from openses.domain.signing import DkimOrigin, SigningStatus
from openses.mail import dkim
from openses.mail.dns_records import DnsRecords, LookupFailed, RecordNotFound
from openses.services import identity_signing
from openses.store.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class CheckResult:
    dkim_status: SigningStatus | None  # None: no DKIM set up
    mail_from_status: SigningStatus | None  # None: no custom MAIL FROM domain


def check(
    uow_read: UnitOfWork, uow_write: UnitOfWork, name: str, records: DnsRecords
) -> CheckResult:
    with uow_read:
        identity = uow_read.identities.get(name)
        key = uow_read.signing_keys.find(name) if identity.dkim.set_up else None
    dkim_status = identity.dkim.status
    if identity.dkim.set_up and key is not None:
        dkim_status = _dkim_status(identity, key.private_key_pem, records, uow_read)
    mail_from_domain = identity.mail_from.domain
    mail_from_status = _mx_status(mail_from_domain, records) if mail_from_domain else None
    with uow_write:
        current = uow_write.identities.get(name, for_update=True)
        if current.dkim.set_up and current.dkim.key_generated_at == identity.dkim.key_generated_at:
            current.dkim.status = dkim_status
        if mail_from_status is not None and current.mail_from.domain == mail_from_domain:
            current.mail_from.status = mail_from_status
        uow_write.identities.save(current)
        uow_write.commit()
    return CheckResult(
        current.dkim.status if current.dkim.set_up else None,
        None if mail_from_status is None else current.mail_from.status,
    )


@dataclass(frozen=True, slots=True)
class DnsRecord:
    name: str
    type: str
    value: str
    purpose: str  # DKIM, MAIL FROM
    published_by: str  # "owner" (the identity's domain) or "operator" (openses' DKIM zone)


def records_to_publish(
    uow: UnitOfWork, name: str, *, dkim_domain: str | None, return_domain: str
) -> list[DnsRecord]:
    """The records that make the identity's DKIM keys and MAIL FROM domain work: Easy DKIM's
    selectors publish openses' public key as TXT records, or, with ``OPENSES_DKIM_DOMAIN``, point
    by CNAME at ``<token>.dkim.<that domain>``, where the operator publishes the TXT records;
    BYODKIM's selector publishes the key by TXT; a custom MAIL FROM domain needs an MX record
    towards the host that receives returns (``return_domain``)."""
    with uow:
        identity = uow.identities.get(name)
        key = uow.signing_keys.find(name) if identity.dkim.set_up else None
    found: list[DnsRecord] = []
    domain = identity.name.lower()
    if key is not None:
        value = dkim.key_record(key.private_key_pem)
        for selector in identity_signing.dkim_tokens(identity, uow.account_id, uow.region):
            owner_name = f"{selector}._domainkey.{domain}"
            if dkim_domain and identity.dkim.origin is DkimOrigin.AWS_SES:
                target = f"{selector}.dkim.{dkim_domain}"
                found.append(DnsRecord(owner_name, "CNAME", target, "DKIM", "owner"))
                found.append(DnsRecord(target, "TXT", value, "DKIM", "operator"))
            else:
                found.append(DnsRecord(owner_name, "TXT", value, "DKIM", "owner"))
    if identity.mail_from.domain:
        found.append(
            DnsRecord(identity.mail_from.domain, "MX", f"10 {return_domain}", "MAIL FROM", "owner")
        )
    return found


def _dkim_status(
    identity: EmailIdentity, private_key_pem: str, records: DnsRecords, uow: UnitOfWork
) -> SigningStatus:
    published = dkim.public_key_base64(private_key_pem)
    domain = identity.name.lower()
    for selector in identity_signing.dkim_tokens(identity, uow.account_id, uow.region):
        try:
            found = records.txt(f"{selector}._domainkey.{domain}")
        except RecordNotFound:
            return SigningStatus.FAILED
        except LookupFailed:
            return SigningStatus.TEMPORARY_FAILURE
        if published not in (dkim.record_key(record) for record in found):
            return SigningStatus.FAILED
    return SigningStatus.SUCCESS


def _mx_status(domain: str, records: DnsRecords) -> SigningStatus:
    try:
        found = records.mx(domain)
    except RecordNotFound:
        return SigningStatus.FAILED
    except LookupFailed:
        return SigningStatus.TEMPORARY_FAILURE
    return SigningStatus.SUCCESS if found else SigningStatus.FAILED
