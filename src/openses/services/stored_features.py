"""Features that need AWS's own infrastructure, stored and returned faithfully (issue 20):
multi-region endpoints, the deliverability dashboard and its test reports, S/MIME certificates
of identities, and the account's delivery and pricing attributes.

openses runs in one place and measures no inbox placement, so these hold what the caller set
and report no data of their own (docs/aws-behaviour.md, "Tenants, insights and the remaining
sesv2 operations"). Documents are the request's JSON as sent (``Document``), which is why a
wire-like dict reaches this module.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from openses.domain import identity as identity_rules
from openses.domain.errors import AlreadyExists, InvalidInput, MessageRejected, NotFound
from openses.domain.identity import IdentityKind
from openses.services import identities, paging
from openses.services.paging import Page
from openses.store.documents import StoredDocument
from openses.store.unit_of_work import UnitOfWork

Document = dict[str, Any]

MULTI_REGION_ENDPOINT = "multi-region-endpoint"
TEST_REPORT = "deliverability-test-report"
DASHBOARD = "deliverability-dashboard"
CERTIFICATE = "identity-certificate"
ACCOUNT = "account-attributes"

_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-[0-9]")
_CERTIFICATE_ARN = re.compile(r"arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[A-Za-z0-9-]+")


def _page(
    uow: UnitOfWork, kind: str, next_token: str | None, page_size: int
) -> Page[StoredDocument]:
    return paging.read_page(
        uow,
        next_token,
        page_size,
        check=_key,
        fetch=lambda after, limit: uow.documents.ordered(kind, after=after, limit=limit),
        key=paging.name_of,
    )


def _stored(uow: UnitOfWork, kind: str, name: str, missing: str) -> StoredDocument:
    """The stored document of ``kind`` named ``name``; NotFound with ``missing`` when none is."""
    with uow:
        found = uow.documents.get(kind, name)
    if found is None:
        raise NotFound(missing)
    return found


def _key(key: str) -> None:
    if not key:
        raise InvalidInput("empty key")


# -- multi-region endpoints ----------------------------------------------------------------------


def create_endpoint(
    uow: UnitOfWork, name: str, endpoint_id: str, secondary: list[str], now: datetime.datetime
) -> Document:
    """The primary region is the caller's; exactly one other region is the secondary (the
    RoutesDetails documentation)."""
    if len(secondary) != 1:
        raise InvalidInput("RoutesDetails must contain exactly one route configuration.")
    region = secondary[0]
    if _REGION.fullmatch(region) is None:
        raise InvalidInput(f"Region {region} is not a valid AWS Region.")
    if region == uow.region:
        raise InvalidInput("The secondary region must differ from the primary region.")
    document = {"EndpointId": endpoint_id, "Regions": [uow.region, region]}
    with uow:
        if not uow.documents.add(MULTI_REGION_ENDPOINT, name, document, now):
            raise AlreadyExists(f"Multi-region endpoint {name} already exists.")
        uow.commit()
    return document


def get_endpoint(uow: UnitOfWork, name: str) -> StoredDocument:
    return _stored(
        uow, MULTI_REGION_ENDPOINT, name, f"Multi-region endpoint {name} does not exist."
    )


def delete_endpoint(uow: UnitOfWork, name: str) -> None:
    with uow:
        if not uow.documents.remove(MULTI_REGION_ENDPOINT, name):
            raise NotFound(f"Multi-region endpoint {name} does not exist.")
        uow.commit()


def list_endpoints(
    uow: UnitOfWork, *, next_token: str | None, page_size: int
) -> Page[StoredDocument]:
    return _page(uow, MULTI_REGION_ENDPOINT, next_token, page_size)


# -- deliverability dashboard and test reports ---------------------------------------------------


def put_dashboard(uow: UnitOfWork, document: Document, now: datetime.datetime) -> None:
    with uow:
        uow.documents.put(DASHBOARD, "", document, now)
        uow.commit()


def get_dashboard(uow: UnitOfWork) -> StoredDocument | None:
    with uow:
        return uow.documents.get(DASHBOARD, "")


def create_test_report(
    uow: UnitOfWork, report_id: str, document: Document, now: datetime.datetime
) -> None:
    """A test report from a verified sender, COMPLETED at once and with no placement data:
    openses has no seed mailboxes at the mailbox providers."""
    address = str(document["FromEmailAddress"])
    with uow:
        if identities.sending_identity(uow, address) is None:
            raise MessageRejected(
                "Email address is not verified. The following identities failed the check in "
                f"region {uow.region.upper()}: {address}"
            )
        uow.documents.add(TEST_REPORT, report_id, document, now)
        uow.commit()


def get_test_report(uow: UnitOfWork, report_id: str) -> StoredDocument:
    missing = f"Deliverability test report {report_id} does not exist."
    return _stored(uow, TEST_REPORT, report_id, missing)


def list_test_reports(
    uow: UnitOfWork, *, next_token: str | None, page_size: int
) -> Page[StoredDocument]:
    return _page(uow, TEST_REPORT, next_token, page_size)


# -- S/MIME certificates of identities -----------------------------------------------------------


def associate_certificate(
    uow: UnitOfWork,
    identity_name: str,
    from_address: str | None,
    certificate_arn: str,
    now: datetime.datetime,
) -> None:
    if _CERTIFICATE_ARN.fullmatch(certificate_arn) is None:
        raise InvalidInput(f"Certificate ARN {certificate_arn} is not an ACM certificate ARN.")
    with uow:
        address = _certificate_address(uow, identity_name, from_address)
        document = {"FromAddress": address, "CertificateArn": certificate_arn}
        if not uow.documents.add(CERTIFICATE, f"{identity_name}\n{address}", document, now):
            raise AlreadyExists(f"A certificate is already associated with {address}.")
        uow.commit()


def disassociate_certificate(uow: UnitOfWork, identity_name: str, from_address: str | None) -> None:
    with uow:
        address = _certificate_address(uow, identity_name, from_address)
        if not uow.documents.remove(CERTIFICATE, f"{identity_name}\n{address}"):
            raise NotFound(f"No certificate is associated with {address}.")
        uow.commit()


def list_certificates(
    uow: UnitOfWork, identity_name: str, *, next_token: str | None, page_size: int
) -> Page[StoredDocument]:
    after = paging.start_key(next_token, _key)
    with uow:
        uow.identities.get(identity_name)
        found = uow.documents.ordered(
            CERTIFICATE, after=after or f"{identity_name}\n", limit=page_size + 1
        )
    mine = [d for d in found if d.name.startswith(f"{identity_name}\n")]
    return paging.split(mine, page_size, paging.name_of)


def _certificate_address(uow: UnitOfWork, identity_name: str, from_address: str | None) -> str:
    """A domain identity's certificate is for an address in the domain or a subdomain; an
    email identity's for the address itself (the AssociateEmailIdentityCertificate docs)."""
    found = uow.identities.get(identity_name)
    if found.kind is IdentityKind.EMAIL_ADDRESS:
        if from_address is not None and not identity_rules.same_address(from_address, found.name):
            raise InvalidInput("FromAddress must match the email address identity.")
        return found.name
    domain = found.name.lower()
    if from_address is None:
        raise InvalidInput("FromAddress is required for a domain identity.")
    address_domain = from_address.rpartition("@")[2].lower()
    if address_domain != domain and not address_domain.endswith("." + domain):
        raise InvalidInput(f"FromAddress {from_address} is not in the domain {found.name}.")
    return from_address


# -- the account's delivery and pricing attributes -----------------------------------------------


def put_account_attribute(
    uow: UnitOfWork, name: str, document: Document, now: datetime.datetime
) -> None:
    with uow:
        uow.documents.put(ACCOUNT, name, document, now)
        uow.commit()


def account_attributes(uow: UnitOfWork) -> dict[str, Document]:
    with uow:
        found = uow.documents.ordered(ACCOUNT, after=None, limit=100)
    return {d.name: d.document for d in found}
