"""SES v2 tenant operations (``/v2/email/tenants``, ``/v2/email/resources/tenants``,
``/v2/email/tenant/suppression``)."""

from __future__ import annotations

import uuid

from openses.api.context import RequestContext
from openses.api.registry import Output, Wire, operation
from openses.api.v2 import shapes
from openses.domain.tenant import (
    Association,
    ResourceType,
    Tenant,
    suppression_document,
    suppression_from_document,
    tenant_arn,
)
from openses.protocol.models import V2
from openses.services import tenants as service


@operation(V2, "CreateTenant")
def create_tenant(
    context: RequestContext,
    *,
    tenant_name: str,
    tags: list[Wire] | None = None,
    suppression_attributes: Wire | None = None,
) -> Output:
    now = context.clock()
    tenant_id = uuid.uuid4().hex
    tenant = Tenant(
        name=tenant_name,
        tenant_id=tenant_id,
        arn=tenant_arn(context.region, context.account_id, tenant_name, tenant_id),
        created_at=now,
        status_updated_at=now,
        suppression=suppression_from_document(suppression_attributes),
        tags=shapes.tags(tags or []),
    )
    service.create(context.writing(), tenant)
    return _tenant_wire(tenant)


@operation(V2, "GetTenant")
def get_tenant(context: RequestContext, *, tenant_name: str) -> Output:
    return {"Tenant": _tenant_wire(service.get(context.reading(), tenant_name))}


@operation(V2, "ListTenants")
def list_tenants(
    context: RequestContext,
    *,
    filter: dict[str, str] | None = None,
    next_token: str | None = None,
    page_size: int | None = None,
) -> Output:
    filters = filter or {}
    page = service.list_tenants(
        context.reading(),
        name_contains=filters.get("TENANT_NAME_CONTAINS"),
        sending_status=shapes.sending_status_filter(filters),
        next_token=next_token,
        page_size=shapes.page_size(page_size),
    )
    summaries = [
        {
            "TenantName": t.name,
            "TenantId": t.tenant_id,
            "TenantArn": t.arn,
            "CreatedTimestamp": t.created_at,
            "SendingStatus": t.sending_status,
        }
        for t in page.items
    ]
    return shapes.page("Tenants", summaries, page.next_token)


@operation(V2, "DeleteTenant")
def delete_tenant(context: RequestContext, *, tenant_name: str) -> Output:
    service.delete(context.writing(), tenant_name)
    return {}


@operation(V2, "PutTenantSuppressionAttributes")
def put_tenant_suppression_attributes(
    context: RequestContext,
    *,
    tenant_name: str,
    suppressed_reasons: list[str] | None = None,
    suppression_scope: str | None = None,
) -> Output:
    attributes = suppression_from_document(
        {"SuppressedReasons": suppressed_reasons, "SuppressionScope": suppression_scope}
    )
    assert attributes is not None
    service.put_suppression_attributes(context.writing(), tenant_name, attributes)
    return {}


@operation(V2, "CreateTenantResourceAssociation")
def create_tenant_resource_association(
    context: RequestContext, *, tenant_name: str, resource_arn: str
) -> Output:
    service.associate(context.writing(), tenant_name, resource_arn, context.clock())
    return {}


@operation(V2, "DeleteTenantResourceAssociation")
def delete_tenant_resource_association(
    context: RequestContext, *, tenant_name: str, resource_arn: str
) -> Output:
    service.dissociate(context.writing(), tenant_name, resource_arn)
    return {}


@operation(V2, "ListTenantResources")
def list_tenant_resources(
    context: RequestContext,
    *,
    tenant_name: str,
    filter: dict[str, str] | None = None,
    page_size: int | None = None,
    next_token: str | None = None,
) -> Output:
    wanted = (filter or {}).get("RESOURCE_TYPE")
    page = service.resources_of(
        context.reading(),
        tenant_name,
        resource_type=(
            None if wanted is None else shapes.filter_choice(ResourceType, wanted, "resource type")
        ),
        next_token=next_token,
        page_size=shapes.page_size(page_size),
    )
    resources = [
        {"ResourceType": a.resource_type, "ResourceArn": a.resource_arn} for a in page.items
    ]
    return shapes.page("TenantResources", resources, page.next_token)


@operation(V2, "ListResourceTenants")
def list_resource_tenants(
    context: RequestContext,
    *,
    resource_arn: str,
    page_size: int | None = None,
    next_token: str | None = None,
) -> Output:
    size = shapes.page_size(page_size)
    page = service.tenants_of(
        context.reading(), resource_arn, next_token=next_token, page_size=size
    )
    return shapes.page(
        "ResourceTenants", [_resource_tenant(a) for a in page.items], page.next_token
    )


# -- shapes --------------------------------------------------------------------------------------


def _tenant_wire(tenant: Tenant) -> Wire:
    return {
        "TenantName": tenant.name,
        "TenantId": tenant.tenant_id,
        "TenantArn": tenant.arn,
        "CreatedTimestamp": tenant.created_at,
        "Tags": shapes.tags_wire(tenant.tags),
        "SendingStatus": tenant.sending_status,
        "SuppressionAttributes": suppression_document(tenant.suppression),
    }


def _resource_tenant(association: Association) -> Wire:
    return {
        "TenantName": association.tenant_name,
        "TenantId": association.tenant_id,
        "ResourceArn": association.resource_arn,
        "AssociatedTimestamp": association.created_at,
    }
