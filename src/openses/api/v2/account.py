"""SES v2 account operations (``/v2/email/account``) and the account suppression list
(``/v2/email/suppression/addresses``)."""

from __future__ import annotations

import datetime
from typing import Any

from openses.api.context import RequestContext
from openses.api.registry import operation
from openses.domain.errors import TenantNotFound
from openses.domain.options import FeatureStatus, SuppressionReason, VdmAttributes, VdmOptions
from openses.domain.suppression import SuppressedDestination
from openses.protocol.models import V2
from openses.services import account as service
from openses.services import dedicated_ips, paging, reputation

Output = dict[str, Any]
Wire = dict[str, Any]
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


def _no_tenants(tenant_name: str | None) -> None:
    # openses has no tenants yet, so any named tenant is unknown.
    if tenant_name is not None:
        raise TenantNotFound(tenant_name)


@operation(V2, "GetAccount")
def get_account(context: RequestContext) -> Output:
    settings, quota = service.overview(context.reading(), context.clock())
    # issue 15: PutAccountDedicatedIpWarmupAttributes' switch
    auto_warmup = dedicated_ips.auto_warmup_enabled(context.reading())
    # issue 17: reputation enforcement and the VDM attributes
    standing = reputation.standing(context.reading())
    vdm = reputation.vdm_attributes(context.reading())
    return {
        "DedicatedIpAutoWarmupEnabled": auto_warmup,
        "EnforcementStatus": standing.status,
        "ProductionAccessEnabled": False,
        "SendQuota": {
            "Max24HourSend": quota.max_24_hour_send,
            "MaxSendRate": quota.max_send_rate,
            "SentLast24Hours": quota.sent_last_24_hours,
        },
        "SendingEnabled": settings.sending_enabled and not standing.sending_paused,
        "SuppressionAttributes": {"SuppressedReasons": list(settings.suppressed_reasons)},
        "VdmAttributes": _vdm_wire(vdm) if vdm is not None else None,
    }


@operation(V2, "PutAccountVdmAttributes")
def put_account_vdm_attributes(context: RequestContext, *, vdm_attributes: Wire) -> Output:
    engagement = vdm_attributes.get("DashboardAttributes", {}).get("EngagementMetrics")
    shared = vdm_attributes.get("GuardianAttributes", {}).get("OptimizedSharedDelivery")
    attributes = VdmAttributes(
        vdm_enabled=FeatureStatus(vdm_attributes["VdmEnabled"]),
        options=VdmOptions(
            engagement_metrics=FeatureStatus(engagement) if engagement else None,
            optimized_shared_delivery=FeatureStatus(shared) if shared else None,
        ),
    )
    reputation.put_vdm_attributes(context.writing(), attributes)
    return {}


def _vdm_wire(attributes: VdmAttributes) -> Wire:
    wire: Wire = {"VdmEnabled": attributes.vdm_enabled}
    options = attributes.options
    if options.engagement_metrics:
        wire["DashboardAttributes"] = {"EngagementMetrics": options.engagement_metrics}
    if options.optimized_shared_delivery:
        wire["GuardianAttributes"] = {"OptimizedSharedDelivery": options.optimized_shared_delivery}
    return wire


@operation(V2, "PutAccountSendingAttributes")
def put_account_sending_attributes(
    context: RequestContext, *, sending_enabled: bool = False
) -> Output:
    service.set_sending_enabled(context.writing(), sending_enabled)
    return {}


@operation(V2, "PutAccountSuppressionAttributes")
def put_account_suppression_attributes(
    context: RequestContext,
    *,
    suppressed_reasons: list[str] | None = None,
    validation_attributes: Wire | None = None,
) -> Output:
    # ValidationAttributes (Auto Validation thresholds) are accepted but not stored.
    reasons = [SuppressionReason(r) for r in suppressed_reasons or []]
    service.set_suppressed_reasons(context.writing(), reasons)
    return {}


@operation(V2, "PutSuppressedDestination")
def put_suppressed_destination(
    context: RequestContext, *, email_address: str, reason: str, tenant_name: str | None = None
) -> Output:
    _no_tenants(tenant_name)
    service.put_suppressed_destination(
        context.writing(), email_address, SuppressionReason(reason), context.clock()
    )
    return {}


@operation(V2, "GetSuppressedDestination")
def get_suppressed_destination(
    context: RequestContext, *, email_address: str, tenant_name: str | None = None
) -> Output:
    _no_tenants(tenant_name)
    entry = service.get_suppressed_destination(context.reading(), email_address)
    attributes = {"MessageId": entry.message_id, "FeedbackId": entry.feedback_id}
    return {
        "SuppressedDestination": {
            **_summary(entry),
            "Attributes": attributes if entry.message_id or entry.feedback_id else None,
        }
    }


@operation(V2, "DeleteSuppressedDestination")
def delete_suppressed_destination(
    context: RequestContext, *, email_address: str, tenant_name: str | None = None
) -> Output:
    _no_tenants(tenant_name)
    service.delete_suppressed_destination(context.writing(), email_address)
    return {}


@operation(V2, "ListSuppressedDestinations")
def list_suppressed_destinations(
    context: RequestContext,
    *,
    tenant_name: str | None = None,
    reasons: list[str] | None = None,
    start_date: datetime.datetime | None = None,
    end_date: datetime.datetime | None = None,
    next_token: str | None = None,
    page_size: int | None = None,
) -> Output:
    _no_tenants(tenant_name)
    size = paging.page_size(page_size, default=DEFAULT_PAGE_SIZE, maximum=MAX_PAGE_SIZE)
    page = service.list_suppressed_destinations(
        context.reading(),
        reasons=[SuppressionReason(r) for r in reasons or []],
        start=start_date,
        end=end_date,
        next_token=next_token,
        page_size=size,
    )
    return {
        "SuppressedDestinationSummaries": [_summary(entry) for entry in page.destinations],
        "NextToken": page.next_token,
    }


def _summary(entry: SuppressedDestination) -> Wire:
    return {
        "EmailAddress": entry.email_address,
        "Reason": entry.reason,
        "LastUpdateTime": entry.last_update_time,
    }
