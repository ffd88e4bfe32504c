"""Email-identity use cases, and the sender check of the sending pipeline.

Functions taking ``uow`` open and commit it themselves, except ``sending_identity``, which runs
inside a unit of work the caller has already entered.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from openses.domain import identity as identity_rules
from openses.domain.errors import (
    ConfigurationSetNotFound,
    IdentityLimitExceeded,
    IdentityNotFound,
)
from openses.domain.identity import EmailIdentity, IdentityKind, VerificationStatus
from openses.domain.tags import check as check_tags
from openses.services import limits, paging
from openses.store.signing_keys import SigningKey
from openses.store.unit_of_work import UnitOfWork


def create(
    uow: UnitOfWork,
    identity: EmailIdentity,
    *,
    signing_key: SigningKey | None = None,
    limit: int | None = None,
) -> None:
    """v2 CreateEmailIdentity: a name already held is an error. ``signing_key``: the domain's
    DKIM key (issue 15)."""
    check_tags(identity.tags)
    with uow:
        if identity.configuration_set_name is not None:
            _check_configuration_set(uow, identity.configuration_set_name)
        add_within(uow, identity, limit)
        if signing_key is not None:
            uow.signing_keys.put(identity.name, signing_key)
        uow.commit()


def add_within(uow: UnitOfWork, identity: EmailIdentity, limit: int | None) -> None:
    """Add a new identity unless the account holds ``limit`` already (AWS: 10,000 per
    region); inside the caller's unit of work."""
    if limit is not None:
        limits.check_room(uow.identities, limit, IdentityLimitExceeded)
    uow.identities.add(identity)


def ensure(uow: UnitOfWork, identity: EmailIdentity, *, limit: int | None = None) -> EmailIdentity:
    """v1 Verify*Identity: adding a name already held is no error and restarts verification,
    which under auto-verification completes at once. Returns the stored identity."""
    with uow:
        current = uow.identities.find(identity.name, for_update=True)
        if current is None:
            add_within(uow, identity, limit)
            current = identity
        elif identity.verified and not current.verified:
            current.verify()
            uow.identities.save(current)
        uow.commit()
        return current


def get(uow: UnitOfWork, name: str) -> EmailIdentity:
    with uow:
        return uow.identities.get(name)


def find_many(uow: UnitOfWork, names: Iterable[str]) -> dict[str, EmailIdentity]:
    with uow:
        return uow.identities.find_many(names)


def list_page(
    uow: UnitOfWork,
    *,
    next_token: str | None,
    page_size: int,
    kind: IdentityKind | None = None,
    status: VerificationStatus | None = None,
    name_contains: str | None = None,
) -> paging.Page[EmailIdentity]:
    return paging.read_page(
        uow,
        next_token,
        page_size,
        check=identity_rules.check_name,
        fetch=lambda after, limit: uow.identities.list(
            after=after, limit=limit, kind=kind, status=status, name_contains=name_contains
        ),
        key=paging.name_of,
    )


def delete(uow: UnitOfWork, name: str) -> None:
    with uow:
        uow.identities.remove(name)
        uow.commit()


def discard(uow: UnitOfWork, name: str) -> None:
    """v1 DeleteIdentity: deleting an identity that is not there succeeds."""
    with contextlib.suppress(IdentityNotFound):
        delete(uow, name)


def set_configuration_set(uow: UnitOfWork, name: str, configuration_set_name: str | None) -> None:
    with uow:
        identity = uow.identities.get(name, for_update=True)
        if configuration_set_name is not None:
            _check_configuration_set(uow, configuration_set_name)
        identity.configuration_set_name = configuration_set_name
        uow.identities.save(identity)
        uow.commit()


def mark_verified(uow: UnitOfWork, name: str) -> EmailIdentity:
    """The operator's stand-in for the verification email link or DNS record."""
    with uow:
        identity = uow.identities.get(name, for_update=True)
        identity.verify()
        uow.identities.save(identity)
        uow.commit()
        return identity


def sending_identity(uow: UnitOfWork, address: str) -> EmailIdentity | None:
    """The verified identity that lets this account send from ``address``: the address's own
    identity, else the nearest verified domain (a domain covers its subdomains); None if none.
    The local part must match exactly, domains match in any case. Runs in the caller's entered
    unit of work."""
    if "@" not in address:
        return None
    exact, domains = identity_rules.sending_candidates(address)
    verified = [i for i in uow.identities.find_ignoring_case([exact, *domains]) if i.verified]
    for identity in verified:
        if identity.kind is IdentityKind.EMAIL_ADDRESS and identity_rules.same_address(
            identity.name, address
        ):
            return identity
    by_domain = {i.name.lower(): i for i in verified if i.kind is IdentityKind.DOMAIN}
    for domain in domains:
        if domain in by_domain:
            return by_domain[domain]
    return None


def _check_configuration_set(uow: UnitOfWork, name: str) -> None:
    if not uow.configuration_sets.exists(name):
        raise ConfigurationSetNotFound(name)
