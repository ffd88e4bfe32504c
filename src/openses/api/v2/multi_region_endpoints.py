"""SES v2 multi-region endpoints (``/v2/email/multi-region-endpoints``), stored and returned
(services/stored_features.py): openses itself runs in one place."""

from __future__ import annotations

import uuid

from openses.api.context import RequestContext
from openses.api.registry import Output, Wire, operation
from openses.api.v2 import shapes
from openses.protocol.models import V2
from openses.services import stored_features as service
from openses.store.documents import StoredDocument

READY = "READY"  # a stored endpoint has nothing to wait for


@operation(V2, "CreateMultiRegionEndpoint", stored_only=True)
def create_multi_region_endpoint(
    context: RequestContext,
    *,
    endpoint_name: str,
    details: Wire,
    tags: list[Wire] | None = None,
) -> Output:
    secondary = [route["Region"] for route in details.get("RoutesDetails", [])]
    endpoint_id = f"{uuid.uuid4().hex[:8]}.{uuid.uuid4().hex[:4]}"
    service.create_endpoint(
        context.writing(), endpoint_name, endpoint_id, secondary, context.clock()
    )
    return {"Status": READY, "EndpointId": endpoint_id}


@operation(V2, "GetMultiRegionEndpoint", stored_only=True)
def get_multi_region_endpoint(context: RequestContext, *, endpoint_name: str) -> Output:
    found = service.get_endpoint(context.reading(), endpoint_name)
    return {
        "EndpointName": found.name,
        "EndpointId": found.document["EndpointId"],
        "Routes": [{"Region": region} for region in found.document["Regions"]],
        "Status": READY,
        "CreatedTimestamp": found.created_at,
        "LastUpdatedTimestamp": found.updated_at,
    }


@operation(V2, "ListMultiRegionEndpoints", stored_only=True)
def list_multi_region_endpoints(
    context: RequestContext, *, next_token: str | None = None, page_size: int | None = None
) -> Output:
    size = shapes.page_size(page_size)
    page = service.list_endpoints(context.reading(), next_token=next_token, page_size=size)
    return shapes.page("MultiRegionEndpoints", [_summary(d) for d in page.items], page.next_token)


@operation(V2, "DeleteMultiRegionEndpoint", stored_only=True)
def delete_multi_region_endpoint(context: RequestContext, *, endpoint_name: str) -> Output:
    service.delete_endpoint(context.writing(), endpoint_name)
    return {"Status": "DELETING"}


def _summary(found: StoredDocument) -> Wire:
    return {
        "EndpointName": found.name,
        "Status": READY,
        "EndpointId": found.document["EndpointId"],
        "Regions": found.document["Regions"],
        "CreatedTimestamp": found.created_at,
        "LastUpdatedTimestamp": found.updated_at,
    }
