"""Tenant use cases (SES v2): tenants, their resource associations and suppression lists, and
the rule a send naming a tenant must pass (``check_send``); their reputation entities are
services/reputation_entities.py's.

``check_send`` runs inside the sender's unit of work; every other function opens and commits
its own.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
from collections.abc import Collection
from dataclasses import dataclass

from openses.domain import tenant as rules
from openses.domain.errors import InvalidEmailAddress, InvalidInput
from openses.domain.options import SuppressionReason
from openses.domain.suppression import SuppressedDestination, normalize_address
from openses.domain.tags import ResourceArn
from openses.domain.tags import check as check_tags
from openses.domain.tenant import (
    Association,
    ResourceNotInTenant,
    ResourceType,
    SendingStatus,
    SuppressionAttributes,
    SuppressionScope,
    Tenant,
    TenantSendingPaused,
)
from openses.services import paging
from openses.services import tags as tag_service
from openses.services.paging import Page
from openses.store.unit_of_work import UnitOfWork

# -- tenants -------------------------------------------------------------------------------------


def create(uow: UnitOfWork, tenant: Tenant) -> Tenant:
    rules.check_name(tenant.name)
    check_tags(tenant.tags)
    with uow:
        uow.tenants.add(tenant)
        uow.commit()
    return tenant


def get(uow: UnitOfWork, name: str) -> Tenant:
    with uow:
        return uow.tenants.get(name)


def delete(uow: UnitOfWork, name: str) -> None:
    with uow:
        uow.tenants.remove(name)
        uow.commit()


def list_tenants(
    uow: UnitOfWork,
    *,
    name_contains: str | None,
    sending_status: SendingStatus | None,
    next_token: str | None,
    page_size: int,
) -> Page[Tenant]:
    after = paging.start_key(next_token, _any_key)
    with uow:
        found = uow.tenants.ordered(after=after)
    matching = [
        tenant
        for tenant in found
        if (name_contains is None or name_contains in tenant.name)
        and (sending_status is None or tenant.sending_status is sending_status)
    ]
    return paging.split(matching, page_size, paging.name_of)


def put_suppression_attributes(
    uow: UnitOfWork, name: str, attributes: SuppressionAttributes
) -> None:
    with uow:
        tenant = uow.tenants.get(name, for_update=True)
        uow.tenants.save(dataclasses.replace(tenant, suppression=attributes))
        uow.commit()


# -- the tenant's own suppression list -----------------------------------------------------------


def own_list(uow: UnitOfWork, name: str) -> bool:
    """Whether the suppression-list operations naming this tenant act on its own list
    (SuppressionScope TENANT) rather than on the account's."""
    with uow:
        return has_own_list(uow.tenants.get(name))


def has_own_list(tenant: Tenant) -> bool:
    return tenant.suppression is not None and tenant.suppression.scope is SuppressionScope.TENANT


def put_suppressed(
    uow: UnitOfWork, name: str, address: str, reason: SuppressionReason, now: datetime.datetime
) -> None:
    entry = SuppressedDestination(
        email_address=normalize_address(address), reason=reason, last_update_time=now
    )
    with uow:
        uow.tenants.put_suppressed(name, entry)
        uow.commit()


def get_suppressed(uow: UnitOfWork, name: str, address: str) -> SuppressedDestination:
    normalized = normalize_address(address)
    with uow:
        return uow.tenants.get_suppressed(name, normalized)


def delete_suppressed(uow: UnitOfWork, name: str, address: str) -> None:
    normalized = normalize_address(address)
    with uow:
        uow.tenants.remove_suppressed(name, normalized)
        uow.commit()


def list_suppressed(
    uow: UnitOfWork,
    name: str,
    *,
    reasons: Collection[SuppressionReason],
    start: datetime.datetime | None,
    end: datetime.datetime | None,
    next_token: str | None,
    page_size: int,
) -> Page[SuppressedDestination]:
    return paging.read_page(
        uow,
        next_token,
        page_size,
        check=_any_key,
        fetch=lambda after, limit: uow.tenants.list_suppressed(
            name, reasons=reasons, start=start, end=end, after=after, limit=limit
        ),
        key=lambda entry: entry.email_address,
    )


def record_send(uow: UnitOfWork, tenant: Tenant | None, message_id: str) -> None:
    """Inside the sender's unit of work: remember the tenant of a message sent on its behalf."""
    if tenant is not None:
        uow.tenants.record_message(tenant.name, message_id)


def own_list_of_message(uow: UnitOfWork, message_id: str | None) -> Tenant | None:
    """Inside the caller's unit of work: the tenant with its own suppression list that the
    message was sent on behalf of, if any; its bounces and complaints go to that list."""
    if message_id is None:
        return None
    tenant = uow.tenants.tenant_of_message(message_id)
    return tenant if tenant is not None and has_own_list(tenant) else None


@dataclass(frozen=True, slots=True)
class SendSuppression:
    """What decides a tenant send's suppressed recipients: the tenant's reasons and its list's
    entries for the recipients (keyed as the recipients were given)."""

    reasons: list[SuppressionReason]
    entries: dict[str, SuppressedDestination]


def suppression_for_send(
    uow: UnitOfWork,
    tenant: Tenant | None,
    recipients: Collection[str],
    account_reasons: Collection[SuppressionReason],
) -> SendSuppression | None:
    """None when the account's list applies (no tenant, or one without its own list). A
    tenant's SuppressedReasons, where it has them, replace the account's."""
    if tenant is None or not has_own_list(tenant):
        return None
    normalized: dict[str, str] = {}
    for address in recipients:
        with contextlib.suppress(InvalidEmailAddress):
            normalized[address] = normalize_address(address)
    found = uow.tenants.find_suppressed_among(tenant.name, set(normalized.values()))
    assert tenant.suppression is not None
    reasons = tenant.suppression.suppressed_reasons
    return SendSuppression(
        list(reasons) if reasons is not None else list(account_reasons),
        {address: found[n] for address, n in normalized.items() if n in found},
    )


# -- resource associations -----------------------------------------------------------------------


def associate(uow: UnitOfWork, name: str, resource_arn: str, now: datetime.datetime) -> None:
    with uow:
        uow.tenants.get(name, for_update=True)
        resource_type = _existing_resource(uow, resource_arn)
        uow.tenants.associate(name, resource_type, resource_arn, now)
        uow.commit()


def dissociate(uow: UnitOfWork, name: str, resource_arn: str) -> None:
    with uow:
        uow.tenants.get(name, for_update=True)
        uow.tenants.dissociate(name, resource_arn)
        uow.commit()


def resources_of(
    uow: UnitOfWork,
    name: str,
    *,
    resource_type: ResourceType | None,
    next_token: str | None,
    page_size: int,
) -> Page[Association]:
    after = paging.start_key(next_token, _any_key)
    with uow:
        found = uow.tenants.resources_of(name)
    matching = [a for a in found if resource_type is None or a.resource_type is resource_type]
    return paging.page_after(matching, after, page_size, lambda a: a.resource_arn)


def tenants_of(
    uow: UnitOfWork, resource_arn: str, *, next_token: str | None, page_size: int
) -> Page[Association]:
    after = paging.start_key(next_token, _any_key)
    with uow:
        _existing_resource(uow, resource_arn)
        found = uow.tenants.tenants_of(resource_arn)
    return paging.page_after(found, after, page_size, lambda a: a.tenant_name)


def _existing_resource(uow: UnitOfWork, resource_arn: str) -> ResourceType:
    """The tenant resource type of an identity, configuration set or template of this account
    and region; NotFound when there is no such resource."""
    arn = tag_service.existing_resource(uow, resource_arn)
    return rules.resource_type_of(arn)


# -- sending -------------------------------------------------------------------------------------


def check_send(
    uow: UnitOfWork,
    tenant_name: str | None,
    *,
    identity: str,
    configuration_set: str | None,
    template: str | None,
) -> Tenant | None:
    """A send on behalf of a tenant uses only resources associated with it, and the tenant's
    sending must not be DISABLED (the SendEmail documentation's TenantName). The tenant, if
    the send names one."""
    if tenant_name is None:
        return None
    tenant = uow.tenants.get(tenant_name)
    if not tenant.may_send:
        raise TenantSendingPaused(tenant_name)
    used = [("identity", identity)]
    if configuration_set is not None:
        used.append(("configuration-set", configuration_set))
    if template is not None:
        used.append(("template", template))
    for resource_type, resource_name in used:
        arn = str(ResourceArn(uow.region, uow.account_id, resource_type, resource_name))
        if not uow.tenants.is_associated(tenant_name, arn):
            raise ResourceNotInTenant(tenant_name, arn)
    return tenant


def _any_key(key: str) -> None:
    if not key:
        raise InvalidInput("empty key")
