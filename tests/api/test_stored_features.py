"""The sesv2 features that need AWS's own infrastructure, stored and returned through boto3 on
SQLite and PostgreSQL: multi-region endpoints, the deliverability dashboard and test reports,
campaigns, blacklist reports, recommendations, S/MIME certificates and the account's delivery
and pricing attributes."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support import LiveServer, error_tuple, fresh_account, strip_metadata, unique

Client = Any
CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666"


@pytest.fixture
def client(server: LiveServer) -> Client:
    return server.client("sesv2", access_key=fresh_account())


def test_multi_region_endpoints(client: Client) -> None:
    created = strip_metadata(
        client.create_multi_region_endpoint(
            EndpointName="global", Details={"RoutesDetails": [{"Region": "eu-west-1"}]}
        )
    )
    assert created == {"Status": "READY", "EndpointId": created["EndpointId"]}
    got = strip_metadata(client.get_multi_region_endpoint(EndpointName="global"))
    assert isinstance(got.pop("CreatedTimestamp"), datetime.datetime)
    assert isinstance(got.pop("LastUpdatedTimestamp"), datetime.datetime)
    assert got == {
        "EndpointName": "global",
        "EndpointId": created["EndpointId"],
        "Routes": [{"Region": "us-east-1"}, {"Region": "eu-west-1"}],
        "Status": "READY",
    }
    client.create_multi_region_endpoint(
        EndpointName="other", Details={"RoutesDetails": [{"Region": "us-west-2"}]}
    )
    listed = client.list_multi_region_endpoints(PageSize=1)
    assert [(e["EndpointName"], e["Regions"]) for e in listed["MultiRegionEndpoints"]] == [
        ("global", ["us-east-1", "eu-west-1"])
    ]
    rest = client.list_multi_region_endpoints(PageSize=1, NextToken=listed["NextToken"])
    assert [e["EndpointName"] for e in rest["MultiRegionEndpoints"]] == ["other"]

    with pytest.raises(ClientError) as raised:
        client.create_multi_region_endpoint(
            EndpointName="global", Details={"RoutesDetails": [{"Region": "eu-west-1"}]}
        )
    assert error_tuple(raised)[0::2] == ("AlreadyExistsException", 400)
    for routes in ([{"Region": "us-east-1"}], [{"Region": "a"}], []):
        with pytest.raises(ClientError) as raised:
            client.create_multi_region_endpoint(
                EndpointName="bad", Details={"RoutesDetails": routes}
            )
        assert error_tuple(raised)[0::2] == ("BadRequestException", 400)

    assert client.delete_multi_region_endpoint(EndpointName="global")["Status"] == "DELETING"
    with pytest.raises(ClientError) as raised:
        client.get_multi_region_endpoint(EndpointName="global")
    assert error_tuple(raised) == (
        "NotFoundException",
        "Multi-region endpoint global does not exist.",
        404,
    )
    with pytest.raises(ClientError) as raised:
        client.delete_multi_region_endpoint(EndpointName="global")
    assert error_tuple(raised)[0::2] == ("NotFoundException", 404)


def test_deliverability_dashboard(client: Client) -> None:
    assert strip_metadata(client.get_deliverability_dashboard_options()) == {
        "DashboardEnabled": False,
        "AccountStatus": "DISABLED",
        "ActiveSubscribedDomains": [],
        "PendingExpirationSubscribedDomains": [],
    }
    start = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
    domain = {
        "Domain": "example.com",
        "SubscriptionStartDate": start,
        "InboxPlacementTrackingOption": {"Global": True, "TrackedIsps": ["Gmail"]},
    }
    client.put_deliverability_dashboard_option(DashboardEnabled=True, SubscribedDomains=[domain])
    got = strip_metadata(client.get_deliverability_dashboard_options())
    assert got["DashboardEnabled"] is True
    assert got["AccountStatus"] == "ACTIVE"
    assert got["ActiveSubscribedDomains"] == [domain]

    now = datetime.datetime.now(datetime.UTC)
    campaigns = client.list_domain_deliverability_campaigns(
        StartDate=now - datetime.timedelta(days=1), EndDate=now, SubscribedDomain="example.com"
    )
    assert campaigns["DomainDeliverabilityCampaigns"] == []
    with pytest.raises(ClientError) as raised:
        client.get_domain_deliverability_campaign(CampaignId="c-1")
    assert error_tuple(raised) == ("NotFoundException", "Campaign c-1 does not exist.", 404)
    reports = client.get_blacklist_reports(BlacklistItemNames=["192.0.2.10", "example.com"])
    assert reports["BlacklistReport"] == {"192.0.2.10": [], "example.com": []}
    assert client.list_recommendations()["Recommendations"] == []


def test_deliverability_test_reports(client: Client) -> None:
    domain = f"{unique('placement')}.example.com"
    content = {"Simple": {"Subject": {"Data": "Seed"}, "Body": {"Text": {"Data": "Hi"}}}}
    with pytest.raises(ClientError) as raised:
        client.create_deliverability_test_report(FromEmailAddress=f"a@{domain}", Content=content)
    assert error_tuple(raised)[0::2] == ("MessageRejected", 400)

    client.create_email_identity(EmailIdentity=domain)
    created = strip_metadata(
        client.create_deliverability_test_report(
            ReportName="first",
            FromEmailAddress=f"a@{domain}",
            Content=content,
            Tags=[{"Key": "k", "Value": "v"}],
        )
    )
    report_id = created["ReportId"]
    assert created == {"ReportId": report_id, "DeliverabilityTestStatus": "COMPLETED"}
    got = strip_metadata(client.get_deliverability_test_report(ReportId=report_id))
    summary = got["DeliverabilityTestReport"]
    assert isinstance(summary.pop("CreateDate"), datetime.datetime)
    assert got == {
        "DeliverabilityTestReport": {
            "ReportId": report_id,
            "ReportName": "first",
            "Subject": "Seed",
            "FromEmailAddress": f"a@{domain}",
            "DeliverabilityTestStatus": "COMPLETED",
        },
        "OverallPlacement": {},
        "IspPlacements": [],
        "Tags": [{"Key": "k", "Value": "v"}],
    }
    listed = client.list_deliverability_test_reports()["DeliverabilityTestReports"]
    assert [r["ReportId"] for r in listed] == [report_id]
    with pytest.raises(ClientError) as raised:
        client.get_deliverability_test_report(ReportId="nope")
    assert error_tuple(raised)[0::2] == ("NotFoundException", 404)


def test_identity_certificates(client: Client) -> None:
    domain = f"{unique('smime')}.example.com"
    client.create_email_identity(EmailIdentity=domain)
    client.associate_email_identity_certificate(
        EmailIdentity=domain, FromAddress=f"ceo@mail.{domain}", CertificateArn=CERTIFICATE
    )
    listed = client.list_email_identity_certificates(EmailIdentity=domain)["Certificates"]
    assert listed == [
        {"FromAddress": f"ceo@mail.{domain}", "Status": "INACTIVE", "CertificateArn": CERTIFICATE}
    ]
    with pytest.raises(ClientError) as raised:
        client.associate_email_identity_certificate(
            EmailIdentity=domain, FromAddress=f"ceo@mail.{domain}", CertificateArn=CERTIFICATE
        )
    assert error_tuple(raised)[0::2] == ("AlreadyExistsException", 400)
    for from_address, arn in (
        ("ceo@elsewhere.example.net", CERTIFICATE),
        (None, CERTIFICATE),
        (f"a@{domain}", "arn:aws:s3:::a-bucket-of-certificates"),
    ):
        kwargs = {"FromAddress": from_address} if from_address else {}
        with pytest.raises(ClientError) as raised:
            client.associate_email_identity_certificate(
                EmailIdentity=domain, CertificateArn=arn, **kwargs
            )
        assert error_tuple(raised)[0::2] == ("BadRequestException", 400)
    with pytest.raises(ClientError) as raised:
        client.list_email_identity_certificates(EmailIdentity=f"missing.{domain}")
    assert error_tuple(raised)[0::2] == ("NotFoundException", 404)

    client.disassociate_email_identity_certificate(
        EmailIdentity=domain, FromAddress=f"ceo@mail.{domain}"
    )
    assert client.list_email_identity_certificates(EmailIdentity=domain)["Certificates"] == []
    with pytest.raises(ClientError) as raised:
        client.disassociate_email_identity_certificate(
            EmailIdentity=domain, FromAddress=f"ceo@mail.{domain}"
        )
    assert error_tuple(raised)[0::2] == ("NotFoundException", 404)


def test_account_delivery_and_pricing_attributes(client: Client) -> None:
    account = client.get_account()
    assert "DeliveryAttributes" not in account
    assert "PricingAttributes" not in account
    client.put_account_delivery_attributes(SharedPoolDeliveryMode="REGIONAL")
    client.put_account_pricing_attributes(Plan="PRO")
    account = client.get_account()
    assert account["DeliveryAttributes"] == {"SharedPoolDeliveryMode": "REGIONAL"}
    assert account["PricingAttributes"] == {"CurrentPlan": "PRO", "NextPlan": "PRO"}
    client.put_account_delivery_attributes(SharedPoolDeliveryMode="GLOBAL")
    assert client.get_account()["DeliveryAttributes"] == {"SharedPoolDeliveryMode": "GLOBAL"}
