"""Reputation entity use cases (SES v2): the account's tenants, email identities and
configuration sets, their customer-managed sending status and reputation policy, and the rule
that a DISABLED entity does not send (``check_send``, inside the sender's unit of work).

A tenant keeps its status and policy on its own row (its SendingStatus); an identity's or a
configuration set's are a stored document keyed by the resource's ARN, absent until changed.
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass
from typing import Any

from openses.domain import reputation_entity as rules
from openses.domain import tenant as tenant_rules
from openses.domain.errors import InvalidInput, NotFound
from openses.domain.reputation_entity import ReputationEntity, ResourceSendingPaused
from openses.domain.tags import ResourceArn
from openses.domain.tenant import SendingStatus, Tenant
from openses.services import paging
from openses.services import tags as tag_service
from openses.services.paging import Page
from openses.store.documents import StoredDocument
from openses.store.unit_of_work import UnitOfWork

KIND = "reputation-entity"
# Listing reads every entity of the account and region: fine for the thousands a self-hosted
# account has, and bounded.
_MAX_LISTED = 100_000


@dataclass(frozen=True, slots=True, kw_only=True)
class EntityFilter:
    entity_type: str | None = None
    reputation_impact: str | None = None
    sending_status: SendingStatus | None = None
    reference_prefix: str | None = None

    def matches(self, entity: ReputationEntity) -> bool:
        # openses has no reputation findings, so no entity has a ReputationImpact.
        return (
            (self.entity_type is None or self.entity_type == rules.RESOURCE)
            and self.reputation_impact is None
            and (self.sending_status is None or entity.aggregate_status is self.sending_status)
            and (
                self.reference_prefix is None or entity.reference.startswith(self.reference_prefix)
            )
        )


def list_entities(
    uow: UnitOfWork, entity_filter: EntityFilter, *, next_token: str | None, page_size: int
) -> Page[ReputationEntity]:
    after = paging.start_key(next_token, _any_key)
    with uow:
        found = _all(uow)
    matching = sorted((e for e in found if entity_filter.matches(e)), key=lambda e: e.reference)
    return paging.page_after(matching, after, page_size, lambda e: e.reference)


def get_entity(uow: UnitOfWork, entity_type: str, reference: str) -> ReputationEntity:
    with uow:
        return _entity(uow, entity_type, reference)


def update_status(
    uow: UnitOfWork,
    entity_type: str,
    reference: str,
    status: SendingStatus,
    now: datetime.datetime,
) -> None:
    _change(uow, entity_type, reference, now, {"Status": str(status), "Updated": now.isoformat()})


def update_policy(
    uow: UnitOfWork, entity_type: str, reference: str, policy: str, now: datetime.datetime
) -> None:
    tenant_rules.check_policy(policy)
    _change(uow, entity_type, reference, now, {"Policy": policy})


def check_send(uow: UnitOfWork, identity: str, configuration_set: str | None) -> None:
    """A send through a DISABLED identity or configuration set is refused, as SES refuses an
    entity whose aggregate status is DISABLED."""
    identity_arn = _arn(uow, "identity", identity)
    set_arn = _arn(uow, "configuration-set", configuration_set) if configuration_set else ""
    for arn, document in uow.documents.documents_named(KIND, identity_arn, set_arn).items():
        if document.get("Status") == SendingStatus.DISABLED:
            raise ResourceSendingPaused(arn)


# -- helpers -------------------------------------------------------------------------------------


def _all(uow: UnitOfWork) -> list[ReputationEntity]:
    documents = {d.name: d for d in uow.documents.ordered(KIND, after=None, limit=_MAX_LISTED)}
    found = [_of_tenant(t) for t in uow.tenants.ordered(after=None)]
    for identity in uow.identities.list(after=None, limit=_MAX_LISTED):
        arn = _arn(uow, "identity", identity.name)
        found.append(_of_resource(arn, documents.get(arn), identity.created_at))
    for name in uow.configuration_sets.list(after=None, limit=_MAX_LISTED):
        arn = _arn(uow, "configuration-set", name)
        found.append(_of_resource(arn, documents.get(arn), None))
    return found


def _entity(uow: UnitOfWork, entity_type: str, reference: str) -> ReputationEntity:
    if entity_type != rules.RESOURCE:
        raise InvalidInput(f"Reputation entity type {entity_type} is not supported.")
    tenant = uow.tenants.find_by_arn(reference)
    if tenant is not None:
        return _of_tenant(tenant)
    missing = NotFound(f"Reputation entity {reference} does not exist.")
    try:
        arn = tag_service.existing_resource(uow, reference)
    except (NotFound, InvalidInput):
        raise missing from None
    if arn.resource_type not in rules.RESOURCE_TYPES:
        raise missing
    since = uow.identities.get(arn.name).created_at if arn.resource_type == "identity" else None
    return _of_resource(str(arn), uow.documents.get(KIND, str(arn)), since)


def _change(
    uow: UnitOfWork,
    entity_type: str,
    reference: str,
    now: datetime.datetime,
    changed: dict[str, Any],
) -> None:
    with uow:
        # The model gives the Update operations no NotFoundException: an unknown entity is a
        # bad request there.
        try:
            entity = _entity(uow, entity_type, reference)
        except NotFound as missing:
            raise InvalidInput(missing.message) from None
        tenant = uow.tenants.find_by_arn(entity.reference)
        if tenant is not None:
            uow.tenants.save(
                _tenant_changed(uow.tenants.get(tenant.name, for_update=True), changed)
            )
        else:
            current = uow.documents.get(KIND, entity.reference)
            document = {**(current.document if current else {}), **changed}
            uow.documents.put(KIND, entity.reference, document, now)
        uow.commit()


def _tenant_changed(tenant: Tenant, changed: dict[str, Any]) -> Tenant:
    if "Status" in changed:
        return dataclasses.replace(
            tenant,
            sending_status=SendingStatus(changed["Status"]),
            status_updated_at=datetime.datetime.fromisoformat(changed["Updated"]),
        )
    return dataclasses.replace(tenant, reputation_policy=changed["Policy"])


def _of_tenant(tenant: Tenant) -> ReputationEntity:
    return ReputationEntity(
        reference=tenant.arn,
        customer_status=tenant.sending_status,
        status_updated_at=tenant.status_updated_at,
        policy=tenant.reputation_policy,
        since=tenant.created_at,
    )


def _of_resource(
    arn: str, stored: StoredDocument | None, since: datetime.datetime | None
) -> ReputationEntity:
    document = stored.document if stored is not None else {}
    updated = document.get("Updated")
    return ReputationEntity(
        reference=arn,
        customer_status=SendingStatus(document.get("Status", SendingStatus.ENABLED)),
        status_updated_at=datetime.datetime.fromisoformat(updated) if updated else None,
        policy=document.get("Policy"),
        since=since,
    )


def _arn(uow: UnitOfWork, resource_type: str, name: str) -> str:
    return str(ResourceArn(uow.region, uow.account_id, resource_type, name))


def _any_key(key: str) -> None:
    if not key:
        raise InvalidInput("empty key")
