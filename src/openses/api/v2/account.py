"""SES v2 account operations (``/v2/email/account``) and the account suppression list
(``/v2/email/suppression/addresses``)."""

from __future__ import annotations

import datetime
from typing import TypedDict

from openses.api.context import RequestContext
from openses.api.registry import Output, Wire, operation
from openses.api.v2 import account_attributes, shapes
from openses.domain.options import FeatureStatus, SuppressionReason, VdmAttributes
from openses.domain.suppression import SuppressedDestination
from openses.protocol.models import V2
from openses.services import account as service
from openses.services import dedicated_ips, quotas, reputation, tenants


def _tenant_list(context: RequestContext, tenant_name: str | None) -> str | None:
    """The tenant whose own list the call acts on (issue 20): a named tenant must exist, and
    one with SuppressionScope TENANT keeps its own list; otherwise the account's applies."""
    if tenant_name is not None and tenants.own_list(context.reading(), tenant_name):
        return tenant_name
    return None


@operation(V2, "GetAccount")
def get_account(context: RequestContext) -> Output:
    settings, quota = service.overview(context.reading(), context.clock())
    # issue 15: PutAccountDedicatedIpWarmupAttributes' switch
    auto_warmup = dedicated_ips.auto_warmup_enabled(context.reading())
    # issues 17/18: the sandbox, and the limits that follow from it
    access = quotas.account_access(context.reading(), quotas.policy(context.settings))
    # issue 17: reputation enforcement and the VDM attributes
    standing = reputation.standing(context.reading())
    vdm = reputation.vdm_attributes(context.reading())
    return {
        "DedicatedIpAutoWarmupEnabled": auto_warmup,
        "EnforcementStatus": standing.status,
        "ProductionAccessEnabled": access.production_access_enabled,
        "SendQuota": {
            "Max24HourSend": access.limits.max_24_hour_send,
            "MaxSendRate": access.limits.max_send_rate,
            "SentLast24Hours": quota.sent_last_24_hours,
        },
        "SendingEnabled": settings.sending_enabled and not standing.sending_paused,
        "SuppressionAttributes": {"SuppressedReasons": list(settings.suppressed_reasons)},
        **account_attributes.in_get_account(context),  # issue 20
        "Details": access.details,
        "VdmAttributes": _vdm_wire(vdm) if vdm is not None else None,
    }


@operation(V2, "PutAccountDetails")
def put_account_details(
    context: RequestContext,
    *,
    mail_type: str,
    website_url: str,
    contact_language: str | None = None,
    use_case_description: str | None = None,
    additional_contact_email_addresses: list[str] | None = None,
    production_access_enabled: bool | None = None,
) -> Output:
    details: Wire = {"MailType": mail_type, "WebsiteURL": website_url}
    if contact_language is not None:
        details["ContactLanguage"] = contact_language
    if use_case_description is not None:
        details["UseCaseDescription"] = use_case_description
    if additional_contact_email_addresses is not None:
        details["AdditionalContactEmailAddresses"] = additional_contact_email_addresses
    quotas.put_account_details(
        context.writing(),
        quotas.policy(context.settings),
        details,
        production_access=bool(production_access_enabled),
    )
    return {}


@operation(V2, "PutAccountVdmAttributes")
def put_account_vdm_attributes(context: RequestContext, *, vdm_attributes: Wire) -> Output:
    attributes = VdmAttributes(
        vdm_enabled=FeatureStatus(vdm_attributes["VdmEnabled"]),
        options=shapes.vdm_options(vdm_attributes, shapes.VDM_ATTRIBUTES),
    )
    reputation.put_vdm_attributes(context.writing(), attributes)
    return {}


def _vdm_wire(attributes: VdmAttributes) -> Wire:
    return {
        "VdmEnabled": attributes.vdm_enabled,
        **shapes.vdm_wire(attributes.options, shapes.VDM_ATTRIBUTES),
    }


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
    tenant = _tenant_list(context, tenant_name)
    if tenant is not None:
        tenants.put_suppressed(
            context.writing(), tenant, email_address, SuppressionReason(reason), context.clock()
        )
        return {}
    service.put_suppressed_destination(
        context.writing(), email_address, SuppressionReason(reason), context.clock()
    )
    return {}


@operation(V2, "GetSuppressedDestination")
def get_suppressed_destination(
    context: RequestContext, *, email_address: str, tenant_name: str | None = None
) -> Output:
    tenant = _tenant_list(context, tenant_name)
    entry = (
        tenants.get_suppressed(context.reading(), tenant, email_address)
        if tenant is not None
        else service.get_suppressed_destination(context.reading(), email_address)
    )
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
    tenant = _tenant_list(context, tenant_name)
    if tenant is not None:
        tenants.delete_suppressed(context.writing(), tenant, email_address)
        return {}
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
    tenant = _tenant_list(context, tenant_name)
    query = _SuppressedQuery(
        page_size=shapes.page_size(page_size),
        reasons=[SuppressionReason(r) for r in reasons or []],
        start=start_date,
        end=end_date,
        next_token=next_token,
    )
    if tenant is not None:
        page = tenants.list_suppressed(context.reading(), tenant, **query)
    else:
        page = service.list_suppressed_destinations(context.reading(), **query)
    summaries = [_summary(e) for e in page.items]
    return shapes.page("SuppressedDestinationSummaries", summaries, page.next_token)


class _SuppressedQuery(TypedDict):
    """What ListSuppressedDestinations asks of a tenant's own list or of the account's."""

    reasons: list[SuppressionReason]
    start: datetime.datetime | None
    end: datetime.datetime | None
    next_token: str | None
    page_size: int


def _summary(entry: SuppressedDestination) -> Wire:
    return {
        "EmailAddress": entry.email_address,
        "Reason": entry.reason,
        "LastUpdateTime": entry.last_update_time,
    }
