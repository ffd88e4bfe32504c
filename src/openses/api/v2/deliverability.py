"""SES v2 deliverability dashboard (``/v2/email/deliverability-dashboard...``) and VDM
recommendations (``/v2/email/vdm/recommendations``). The options and test reports are stored
and returned (services/stored_features.py); campaigns, blacklist listings and recommendations
come from AWS's own measurements, which openses does not have, so they are empty."""

from __future__ import annotations

import datetime
import uuid

from openses.api.context import RequestContext
from openses.api.registry import Output, Wire, operation
from openses.api.v2 import shapes
from openses.domain.errors import InvalidInput, NotFound
from openses.protocol.models import V2
from openses.services import stored_features as service
from openses.store.documents import StoredDocument

COMPLETED = "COMPLETED"


@operation(V2, "PutDeliverabilityDashboardOption", stored_only=True)
def put_deliverability_dashboard_option(
    context: RequestContext,
    *,
    dashboard_enabled: bool,
    subscribed_domains: list[Wire] | None = None,
) -> Output:
    domains = [
        {**domain, "SubscriptionStartDate": _iso(domain.get("SubscriptionStartDate"))}
        for domain in subscribed_domains or []
    ]
    document = {"DashboardEnabled": dashboard_enabled, "SubscribedDomains": domains}
    service.put_dashboard(context.writing(), document, context.clock())
    return {}


@operation(V2, "GetDeliverabilityDashboardOptions", stored_only=True)
def get_deliverability_dashboard_options(context: RequestContext) -> Output:
    found = service.get_dashboard(context.reading())
    enabled = bool(found and found.document["DashboardEnabled"])
    domains = found.document["SubscribedDomains"] if found and enabled else []
    return {
        "DashboardEnabled": enabled,
        "AccountStatus": "ACTIVE" if enabled else "DISABLED",
        "ActiveSubscribedDomains": [
            {**d, "SubscriptionStartDate": _parsed(d.get("SubscriptionStartDate"))} for d in domains
        ],
        "PendingExpirationSubscribedDomains": [],
    }


@operation(V2, "CreateDeliverabilityTestReport", stored_only=True)
def create_deliverability_test_report(
    context: RequestContext,
    *,
    from_email_address: str,
    content: Wire,
    report_name: str | None = None,
    tags: list[Wire] | None = None,
) -> Output:
    report_id = uuid.uuid4().hex
    subject = content.get("Simple", {}).get("Subject", {}).get("Data")
    document = {
        "ReportName": report_name,
        "Subject": subject,
        "FromEmailAddress": from_email_address,
        "Tags": shapes.tags_wire(shapes.tags(tags or [])),
    }
    service.create_test_report(context.writing(), report_id, document, context.clock())
    return {"ReportId": report_id, "DeliverabilityTestStatus": COMPLETED}


@operation(V2, "GetDeliverabilityTestReport", stored_only=True)
def get_deliverability_test_report(context: RequestContext, *, report_id: str) -> Output:
    found = service.get_test_report(context.reading(), report_id)
    return {
        "DeliverabilityTestReport": _report(found),
        "OverallPlacement": {},
        "IspPlacements": [],
        "Tags": found.document["Tags"],
    }


@operation(V2, "ListDeliverabilityTestReports", stored_only=True)
def list_deliverability_test_reports(
    context: RequestContext, *, next_token: str | None = None, page_size: int | None = None
) -> Output:
    size = shapes.page_size(page_size)
    page = service.list_test_reports(context.reading(), next_token=next_token, page_size=size)
    return shapes.page(
        "DeliverabilityTestReports", [_report(d) for d in page.items], page.next_token
    )


@operation(V2, "GetDomainDeliverabilityCampaign", stored_only=True)
def get_domain_deliverability_campaign(context: RequestContext, *, campaign_id: str) -> Output:
    raise NotFound(f"Campaign {campaign_id} does not exist.")


@operation(V2, "ListDomainDeliverabilityCampaigns", stored_only=True)
def list_domain_deliverability_campaigns(
    context: RequestContext,
    *,
    start_date: datetime.datetime,
    end_date: datetime.datetime,
    subscribed_domain: str,
    next_token: str | None = None,
    page_size: int | None = None,
) -> Output:
    if end_date < start_date:
        raise InvalidInput("EndDate must not be before StartDate.")
    shapes.page_size(page_size)  # checked, though there is nothing to page
    return {"DomainDeliverabilityCampaigns": []}


@operation(V2, "GetBlacklistReports", stored_only=True)
def get_blacklist_reports(context: RequestContext, *, blacklist_item_names: list[str]) -> Output:
    return {"BlacklistReport": {name: [] for name in blacklist_item_names}}


@operation(V2, "ListRecommendations", stored_only=True)
def list_recommendations(
    context: RequestContext,
    *,
    filter: dict[str, str] | None = None,
    next_token: str | None = None,
    page_size: int | None = None,
) -> Output:
    shapes.page_size(page_size)  # checked, though there is nothing to page
    return {"Recommendations": []}


def _report(found: StoredDocument) -> Wire:
    return {
        "ReportId": found.name,
        "ReportName": found.document["ReportName"],
        "Subject": found.document["Subject"],
        "FromEmailAddress": found.document["FromEmailAddress"],
        "CreateDate": found.created_at,
        "DeliverabilityTestStatus": COMPLETED,
    }


def _iso(value: datetime.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _parsed(value: str | None) -> datetime.datetime | None:
    return None if value is None else datetime.datetime.fromisoformat(value)
