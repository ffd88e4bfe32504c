"""SES v2 reputation entities (``/v2/email/reputation/entities``): the account's tenants,
email identities and configuration sets (services/reputation_entities.py)."""

from __future__ import annotations

from openses.api.context import RequestContext
from openses.api.registry import Output, Wire, operation
from openses.api.v2 import shapes
from openses.domain.reputation_entity import RESOURCE, ReputationEntity
from openses.domain.tenant import SendingStatus
from openses.protocol.models import V2
from openses.services import reputation_entities as service


@operation(V2, "ListReputationEntities")
def list_reputation_entities(
    context: RequestContext,
    *,
    filter: dict[str, str] | None = None,
    next_token: str | None = None,
    page_size: int | None = None,
) -> Output:
    filters = filter or {}
    entity_filter = service.EntityFilter(
        entity_type=filters.get("ENTITY_TYPE"),
        reputation_impact=filters.get("REPUTATION_IMPACT"),
        sending_status=shapes.sending_status_filter(filters),
        reference_prefix=filters.get("ENTITY_REFERENCE_PREFIX"),
    )
    size = shapes.page_size(page_size)
    page = service.list_entities(
        context.reading(), entity_filter, next_token=next_token, page_size=size
    )
    return shapes.page("ReputationEntities", [_wire(e) for e in page.items], page.next_token)


@operation(V2, "GetReputationEntity")
def get_reputation_entity(
    context: RequestContext, *, reputation_entity_reference: str, reputation_entity_type: str
) -> Output:
    entity = service.get_entity(
        context.reading(), reputation_entity_type, reputation_entity_reference
    )
    return {"ReputationEntity": _wire(entity)}


@operation(V2, "UpdateReputationEntityCustomerManagedStatus")
def update_reputation_entity_customer_managed_status(
    context: RequestContext,
    *,
    reputation_entity_type: str,
    reputation_entity_reference: str,
    sending_status: str,
) -> Output:
    service.update_status(
        context.writing(),
        reputation_entity_type,
        reputation_entity_reference,
        SendingStatus(sending_status),
        context.clock(),
    )
    return {}


@operation(V2, "UpdateReputationEntityPolicy")
def update_reputation_entity_policy(
    context: RequestContext,
    *,
    reputation_entity_type: str,
    reputation_entity_reference: str,
    reputation_entity_policy: str,
) -> Output:
    service.update_policy(
        context.writing(),
        reputation_entity_type,
        reputation_entity_reference,
        reputation_entity_policy,
        context.clock(),
    )
    return {}


def _wire(entity: ReputationEntity) -> Wire:
    """openses has no reputation findings: SES's own status is always ENABLED, and the
    aggregate follows the customer-managed status."""
    return {
        "ReputationEntityReference": entity.reference,
        "ReputationEntityType": RESOURCE,
        "ReputationManagementPolicy": entity.policy,
        "CustomerManagedStatus": {
            "Status": entity.customer_status,
            "LastUpdatedTimestamp": entity.status_updated_at,
        },
        "AwsSesManagedStatus": {
            "Status": SendingStatus.ENABLED,
            "LastUpdatedTimestamp": entity.since,
        },
        "SendingStatusAggregate": entity.aggregate_status,
    }
