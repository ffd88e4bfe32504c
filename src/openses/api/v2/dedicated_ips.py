"""SES v2 dedicated IP pool and dedicated IP operations (``/v2/email/dedicated-ip-pools``,
``/v2/email/dedicated-ips``, ``/v2/email/account/dedicated-ips/warmup``)."""

from __future__ import annotations

from openses.api.context import RequestContext
from openses.api.registry import Output, Wire, operation
from openses.api.v2 import shapes
from openses.domain.dedicated_ip import DedicatedIp, DedicatedIpPool, ScalingMode
from openses.protocol.models import V2
from openses.services import dedicated_ips as service


@operation(V2, "CreateDedicatedIpPool")
def create_dedicated_ip_pool(
    context: RequestContext,
    *,
    pool_name: str,
    tags: list[Wire] | None = None,
    scaling_mode: str | None = None,
) -> Output:
    pool = DedicatedIpPool(
        name=pool_name,
        scaling_mode=ScalingMode(scaling_mode or ScalingMode.STANDARD),
        tags=shapes.tags(tags or []),
    )
    service.create_pool(context.writing(), pool, now=context.clock())
    return {}


@operation(V2, "GetDedicatedIpPool")
def get_dedicated_ip_pool(context: RequestContext, *, pool_name: str) -> Output:
    pool = service.get_pool(context.reading(), pool_name)
    return {"DedicatedIpPool": {"PoolName": pool.name, "ScalingMode": pool.scaling_mode}}


@operation(V2, "ListDedicatedIpPools")
def list_dedicated_ip_pools(
    context: RequestContext, *, next_token: str | None = None, page_size: int | None = None
) -> Output:
    size = shapes.page_size(page_size)
    page = service.list_pools(context.reading(), next_token=next_token, page_size=size)
    return shapes.page("DedicatedIpPools", page.items, page.next_token)


@operation(V2, "DeleteDedicatedIpPool")
def delete_dedicated_ip_pool(context: RequestContext, *, pool_name: str) -> Output:
    service.delete_pool(context.writing(), pool_name, context.settings.dedicated_ips)
    return {}


@operation(V2, "PutDedicatedIpPoolScalingAttributes")
def put_dedicated_ip_pool_scaling_attributes(
    context: RequestContext, *, pool_name: str, scaling_mode: str
) -> Output:
    service.put_scaling_mode(context.writing(), pool_name, ScalingMode(scaling_mode))
    return {}


@operation(V2, "GetDedicatedIps")
def get_dedicated_ips(
    context: RequestContext,
    *,
    pool_name: str | None = None,
    next_token: str | None = None,
    page_size: int | None = None,
) -> Output:
    size = shapes.page_size(page_size)
    page = service.list_ips(
        context.reading(),
        context.settings.dedicated_ips,
        pool_name=pool_name,
        next_token=next_token,
        page_size=size,
    )
    return shapes.page("DedicatedIps", [_ip_wire(ip) for ip in page.items], page.next_token)


@operation(V2, "GetDedicatedIp")
def get_dedicated_ip(context: RequestContext, *, ip: str) -> Output:
    found = service.get_ip(context.reading(), context.settings.dedicated_ips, ip)
    return {"DedicatedIp": _ip_wire(found)}


@operation(V2, "PutDedicatedIpInPool")
def put_dedicated_ip_in_pool(
    context: RequestContext, *, ip: str, destination_pool_name: str
) -> Output:
    service.move_ip(context.writing(), context.settings.dedicated_ips, ip, destination_pool_name)
    return {}


@operation(V2, "PutDedicatedIpWarmupAttributes")
def put_dedicated_ip_warmup_attributes(
    context: RequestContext, *, ip: str, warmup_percentage: int
) -> Output:
    service.set_warmup(context.writing(), context.settings.dedicated_ips, ip, warmup_percentage)
    return {}


@operation(V2, "PutAccountDedicatedIpWarmupAttributes")
def put_account_dedicated_ip_warmup_attributes(
    context: RequestContext, *, auto_warmup_enabled: bool = False
) -> Output:
    service.set_auto_warmup_enabled(context.writing(), auto_warmup_enabled)
    return {}


def _ip_wire(ip: DedicatedIp) -> Wire:
    return {
        "Ip": ip.ip,
        "WarmupStatus": ip.warmup_status,
        "WarmupPercentage": ip.reported_warmup_percentage,
        "PoolName": ip.reported_pool_name,
    }
