"""Tenants, their resource associations, sends naming a tenant (TenantName, or the raw
message's X-SES-TENANT-NAME over v1 and SMTP), and tenants as reputation entities, through
boto3 and smtplib, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError

from tests.smtp.support import captured, message, message_id_of
from tests.smtp.test_submission import send, starttls
from tests.support import (
    LiveServer,
    authorization,
    error_tuple,
    fresh_account,
    strip_metadata,
    unique,
)

Client = Any


@pytest.fixture
def account_id() -> str:
    return fresh_account()


@pytest.fixture
def client(server: LiveServer, account_id: str) -> Client:
    """A v2 client of a fresh account: its tenant listings start empty."""
    return server.client("sesv2", access_key=account_id)


def _arn(account_id: str, kind: str, name: str) -> str:
    return f"arn:aws:ses:us-east-1:{account_id}:{kind}/{name}"


def test_create_get_list_delete_tenant(client: Client, account_id: str) -> None:
    created = strip_metadata(
        client.create_tenant(
            TenantName="acme",
            Tags=[{"Key": "team", "Value": "mail"}],
            SuppressionAttributes={"SuppressedReasons": ["BOUNCE"], "SuppressionScope": "TENANT"},
        )
    )
    tenant_id = created["TenantId"]
    assert isinstance(created["CreatedTimestamp"], datetime.datetime)
    expected = {
        "TenantName": "acme",
        "TenantId": tenant_id,
        "TenantArn": f"arn:aws:ses:us-east-1:{account_id}:tenant/acme/{tenant_id}",
        "CreatedTimestamp": created["CreatedTimestamp"],
        "Tags": [{"Key": "team", "Value": "mail"}],
        "SendingStatus": "ENABLED",
        "SuppressionAttributes": {"SuppressedReasons": ["BOUNCE"], "SuppressionScope": "TENANT"},
    }
    assert created == expected
    assert strip_metadata(client.get_tenant(TenantName="acme")) == {"Tenant": expected}

    client.create_tenant(TenantName="beta")
    listed = client.list_tenants()
    assert [t["TenantName"] for t in listed["Tenants"]] == ["acme", "beta"]
    assert listed["Tenants"][0] == {
        "TenantName": "acme",
        "TenantId": tenant_id,
        "TenantArn": expected["TenantArn"],
        "CreatedTimestamp": created["CreatedTimestamp"],
        "SendingStatus": "ENABLED",
    }
    assert "NextToken" not in listed
    named = client.list_tenants(Filter={"TENANT_NAME_CONTAINS": "et"})["Tenants"]
    assert [t["TenantName"] for t in named] == ["beta"]
    first = client.list_tenants(PageSize=1)
    assert [t["TenantName"] for t in first["Tenants"]] == ["acme"]
    second = client.list_tenants(PageSize=1, NextToken=first["NextToken"])
    assert [t["TenantName"] for t in second["Tenants"]] == ["beta"]
    assert "NextToken" not in second

    # the tenant's tags are those of its ARN
    assert client.list_tags_for_resource(ResourceArn=expected["TenantArn"])["Tags"] == [
        {"Key": "team", "Value": "mail"}
    ]

    client.tag_resource(ResourceArn=expected["TenantArn"], Tags=[{"Key": "tier", "Value": "1"}])
    client.untag_resource(ResourceArn=expected["TenantArn"], TagKeys=["team"])
    assert client.get_tenant(TenantName="acme")["Tenant"]["Tags"] == [{"Key": "tier", "Value": "1"}]
    with pytest.raises(ClientError) as raised:
        client.tag_resource(
            ResourceArn=expected["TenantArn"][:-4] + "0000", Tags=[{"Key": "k", "Value": "v"}]
        )
    assert error_tuple(raised)[0::2] == ("NotFoundException", 404)

    client.delete_tenant(TenantName="acme")
    with pytest.raises(ClientError) as raised:
        client.get_tenant(TenantName="acme")
    assert error_tuple(raised) == ("NotFoundException", "Tenant acme does not exist.", 404)
    assert [t["TenantName"] for t in client.list_tenants()["Tenants"]] == ["beta"]


def test_tenant_errors(client: Client) -> None:
    client.create_tenant(TenantName="dup")
    with pytest.raises(ClientError) as raised:
        client.create_tenant(TenantName="dup")
    assert error_tuple(raised) == ("AlreadyExistsException", "Tenant dup already exists.", 400)
    with pytest.raises(ClientError) as raised:
        client.create_tenant(TenantName="bad name!")
    assert error_tuple(raised)[0::2] == ("BadRequestException", 400)
    with pytest.raises(ClientError) as raised:
        client.create_tenant(TenantName="x" * 65)
    assert error_tuple(raised)[0::2] == ("BadRequestException", 400)
    with pytest.raises(ClientError) as raised:
        client.delete_tenant(TenantName="nobody")
    assert error_tuple(raised) == ("NotFoundException", "Tenant nobody does not exist.", 404)
    with pytest.raises(ClientError) as raised:
        client.list_tenants(Filter={"SENDING_STATUS": "SOMETIMES"})
    assert error_tuple(raised)[0::2] == ("BadRequestException", 400)
    assert [t["TenantName"] for t in client.list_tenants()["Tenants"]] == ["dup"]


def test_resource_associations(client: Client, account_id: str) -> None:
    domain = f"{unique('tenant')}.example.com"
    client.create_email_identity(EmailIdentity=domain)
    client.create_configuration_set(ConfigurationSetName="shared-set")
    client.create_email_template(
        TemplateName="welcome", TemplateContent={"Subject": "Hi", "Text": "Hello"}
    )
    identity_arn = _arn(account_id, "identity", domain)
    set_arn = _arn(account_id, "configuration-set", "shared-set")
    template_arn = _arn(account_id, "template", "welcome")
    client.create_tenant(TenantName="one")
    client.create_tenant(TenantName="two")
    for arn in (identity_arn, set_arn, template_arn):
        client.create_tenant_resource_association(TenantName="one", ResourceArn=arn)
    client.create_tenant_resource_association(TenantName="two", ResourceArn=set_arn)

    resources = client.list_tenant_resources(TenantName="one")["TenantResources"]
    assert resources == sorted(
        [
            {"ResourceType": "EMAIL_IDENTITY", "ResourceArn": identity_arn},
            {"ResourceType": "CONFIGURATION_SET", "ResourceArn": set_arn},
            {"ResourceType": "EMAIL_TEMPLATE", "ResourceArn": template_arn},
        ],
        key=lambda r: r["ResourceArn"],
    )
    only_templates = client.list_tenant_resources(
        TenantName="one", Filter={"RESOURCE_TYPE": "EMAIL_TEMPLATE"}
    )["TenantResources"]
    assert only_templates == [{"ResourceType": "EMAIL_TEMPLATE", "ResourceArn": template_arn}]

    sharing = client.list_resource_tenants(ResourceArn=set_arn)["ResourceTenants"]
    assert [(t["TenantName"], t["ResourceArn"]) for t in sharing] == [
        ("one", set_arn),
        ("two", set_arn),
    ]
    assert sharing[0]["TenantId"] == client.get_tenant(TenantName="one")["Tenant"]["TenantId"]
    assert isinstance(sharing[0]["AssociatedTimestamp"], datetime.datetime)

    with pytest.raises(ClientError) as raised:
        client.create_tenant_resource_association(TenantName="one", ResourceArn=set_arn)
    assert error_tuple(raised)[0::2] == ("AlreadyExistsException", 400)
    with pytest.raises(ClientError) as raised:
        client.create_tenant_resource_association(
            TenantName="one", ResourceArn=_arn(account_id, "configuration-set", "missing")
        )
    assert error_tuple(raised)[0::2] == ("NotFoundException", 404)
    with pytest.raises(ClientError) as raised:
        client.create_tenant_resource_association(TenantName="nobody", ResourceArn=set_arn)
    assert error_tuple(raised) == ("NotFoundException", "Tenant nobody does not exist.", 404)
    with pytest.raises(ClientError) as raised:
        client.create_tenant_resource_association(TenantName="one", ResourceArn="not-an-arn")
    assert error_tuple(raised)[0::2] == ("BadRequestException", 400)

    client.delete_tenant_resource_association(TenantName="one", ResourceArn=set_arn)
    with pytest.raises(ClientError) as raised:
        client.delete_tenant_resource_association(TenantName="one", ResourceArn=set_arn)
    assert error_tuple(raised)[0::2] == ("NotFoundException", 404)
    sharing = client.list_resource_tenants(ResourceArn=set_arn)["ResourceTenants"]
    assert [t["TenantName"] for t in sharing] == ["two"]

    # deleting a tenant removes its associations
    client.delete_tenant(TenantName="two")
    assert client.list_resource_tenants(ResourceArn=set_arn)["ResourceTenants"] == []


def _send(client: Client, sender: str, **kwargs: Any) -> str:
    content = kwargs.pop(
        "Content", {"Simple": {"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "Hello"}}}}
    )
    response = client.send_email(
        FromEmailAddress=sender,
        Destination={"ToAddresses": ["success@simulator.amazonses.com"]},
        Content=content,
        **kwargs,
    )
    message_id: str = response["MessageId"]
    return message_id


def test_send_with_a_tenant_uses_only_its_resources(client: Client, account_id: str) -> None:
    domain = f"{unique('tenant')}.example.com"
    sender = f"news@{domain}"
    client.create_email_identity(EmailIdentity=domain)
    client.create_configuration_set(ConfigurationSetName="tenant-set")
    client.create_email_template(
        TemplateName="tenant-template", TemplateContent={"Subject": "Hi", "Text": "Hello"}
    )
    client.create_tenant(TenantName="shop")
    identity_arn = _arn(account_id, "identity", domain)
    set_arn = _arn(account_id, "configuration-set", "tenant-set")
    template_arn = _arn(account_id, "template", "tenant-template")

    with pytest.raises(ClientError) as raised:
        _send(client, sender, TenantName="shop")
    assert error_tuple(raised) == (
        "BadRequestException",
        f"Resource {identity_arn} is not associated with tenant shop.",
        400,
    )
    client.create_tenant_resource_association(TenantName="shop", ResourceArn=identity_arn)
    assert _send(client, sender, TenantName="shop")

    with pytest.raises(ClientError) as raised:
        _send(client, sender, TenantName="shop", ConfigurationSetName="tenant-set")
    assert error_tuple(raised)[1] == f"Resource {set_arn} is not associated with tenant shop."
    client.create_tenant_resource_association(TenantName="shop", ResourceArn=set_arn)
    assert _send(client, sender, TenantName="shop", ConfigurationSetName="tenant-set")

    template = {"Template": {"TemplateName": "tenant-template", "TemplateData": "{}"}}
    with pytest.raises(ClientError) as raised:
        _send(client, sender, TenantName="shop", Content=template)
    assert error_tuple(raised)[1] == (
        f"Resource {template_arn} is not associated with tenant shop."
    )
    client.create_tenant_resource_association(TenantName="shop", ResourceArn=template_arn)
    assert _send(client, sender, TenantName="shop", Content=template)

    # bulk sends check the same resources
    bulk = client.send_bulk_email(
        FromEmailAddress=sender,
        DefaultContent=template,
        BulkEmailEntries=[{"Destination": {"ToAddresses": ["success@simulator.amazonses.com"]}}],
        TenantName="shop",
    )
    assert bulk["BulkEmailEntryResults"][0]["Status"] == "SUCCESS"

    with pytest.raises(ClientError) as raised:
        _send(client, sender, TenantName="nobody")
    assert error_tuple(raised) == ("NotFoundException", "Tenant nobody does not exist.", 404)
    # without a tenant, nothing about tenants applies
    assert _send(client, sender)


def test_a_disabled_tenant_cannot_send(client: Client, account_id: str) -> None:
    domain = f"{unique('tenant')}.example.com"
    client.create_email_identity(EmailIdentity=domain)
    tenant_arn = client.create_tenant(TenantName="paused")["TenantArn"]
    client.create_tenant_resource_association(
        TenantName="paused", ResourceArn=_arn(account_id, "identity", domain)
    )
    client.update_reputation_entity_customer_managed_status(
        ReputationEntityType="RESOURCE",
        ReputationEntityReference=tenant_arn,
        SendingStatus="DISABLED",
    )
    assert client.get_tenant(TenantName="paused")["Tenant"]["SendingStatus"] == "DISABLED"
    with pytest.raises(ClientError) as raised:
        _send(client, f"a@{domain}", TenantName="paused")
    assert error_tuple(raised) == (
        "SendingPausedException",
        "Sending is paused for tenant paused.",
        400,
    )
    client.update_reputation_entity_customer_managed_status(
        ReputationEntityType="RESOURCE",
        ReputationEntityReference=tenant_arn,
        SendingStatus="REINSTATED",
    )
    assert _send(client, f"a@{domain}", TenantName="paused")


def test_tenants_are_reputation_entities(client: Client) -> None:
    created = client.create_tenant(TenantName="rep")
    arn = created["TenantArn"]
    client.create_tenant(TenantName="other")

    entity = client.get_reputation_entity(
        ReputationEntityType="RESOURCE", ReputationEntityReference=arn
    )["ReputationEntity"]
    assert entity == {
        "ReputationEntityReference": arn,
        "ReputationEntityType": "RESOURCE",
        "CustomerManagedStatus": {
            "Status": "ENABLED",
            "LastUpdatedTimestamp": created["CreatedTimestamp"],
        },
        "AwsSesManagedStatus": {
            "Status": "ENABLED",
            "LastUpdatedTimestamp": created["CreatedTimestamp"],
        },
        "SendingStatusAggregate": "ENABLED",
    }

    policy = "arn:aws:ses:us-east-1:aws:reputation-policy/strict"
    client.update_reputation_entity_policy(
        ReputationEntityType="RESOURCE",
        ReputationEntityReference=arn,
        ReputationEntityPolicy=policy,
    )
    client.update_reputation_entity_customer_managed_status(
        ReputationEntityType="RESOURCE", ReputationEntityReference=arn, SendingStatus="DISABLED"
    )
    entity = client.get_reputation_entity(
        ReputationEntityType="RESOURCE", ReputationEntityReference=arn
    )["ReputationEntity"]
    assert entity["ReputationManagementPolicy"] == policy
    assert entity["CustomerManagedStatus"]["Status"] == "DISABLED"
    assert entity["SendingStatusAggregate"] == "DISABLED"

    listed = client.list_reputation_entities()["ReputationEntities"]
    assert sorted(e["ReputationEntityReference"] for e in listed) == sorted(
        [arn, client.get_tenant(TenantName="other")["Tenant"]["TenantArn"]]
    )
    disabled = client.list_reputation_entities(Filter={"SENDING_STATUS": "DISABLED"})
    assert [e["ReputationEntityReference"] for e in disabled["ReputationEntities"]] == [arn]
    by_prefix = client.list_reputation_entities(Filter={"ENTITY_REFERENCE_PREFIX": arn[:-3]})
    assert [e["ReputationEntityReference"] for e in by_prefix["ReputationEntities"]] == [arn]
    high = client.list_reputation_entities(Filter={"REPUTATION_IMPACT": "HIGH"})
    assert high["ReputationEntities"] == []

    with pytest.raises(ClientError) as raised:
        client.update_reputation_entity_policy(
            ReputationEntityType="RESOURCE",
            ReputationEntityReference=arn,
            ReputationEntityPolicy="arn:aws:ses:us-east-1:aws:reputation-policy/lenient",
        )
    assert error_tuple(raised)[0::2] == ("BadRequestException", 400)
    with pytest.raises(ClientError) as raised:
        client.get_reputation_entity(
            ReputationEntityType="RESOURCE", ReputationEntityReference=arn + "x"
        )
    assert error_tuple(raised) == (
        "NotFoundException",
        f"Reputation entity {arn}x does not exist.",
        404,
    )
    with pytest.raises(ClientError) as raised:
        client.update_reputation_entity_customer_managed_status(
            ReputationEntityType="RESOURCE",
            ReputationEntityReference=arn + "x",
            SendingStatus="ENABLED",
        )
    assert error_tuple(raised) == (
        "BadRequestException",
        f"Reputation entity {arn}x does not exist.",
        400,
    )


def test_tenant_suppression_attributes(client: Client) -> None:
    client.create_tenant(TenantName="quiet")
    assert "SuppressionAttributes" not in client.get_tenant(TenantName="quiet")["Tenant"]
    client.put_tenant_suppression_attributes(
        TenantName="quiet", SuppressedReasons=["BOUNCE", "COMPLAINT"], SuppressionScope="TENANT"
    )
    assert client.get_tenant(TenantName="quiet")["Tenant"]["SuppressionAttributes"] == {
        "SuppressedReasons": ["BOUNCE", "COMPLAINT"],
        "SuppressionScope": "TENANT",
    }
    with pytest.raises(ClientError) as raised:
        client.put_tenant_suppression_attributes(TenantName="nobody", SuppressedReasons=[])
    assert error_tuple(raised)[0::2] == ("NotFoundException", 404)


def test_suppression_list_operations_naming_a_tenant(client: Client) -> None:
    """A tenant without its own list (no SuppressionScope, or ACCOUNT) uses the account's."""
    client.create_tenant(TenantName="uses-account")
    client.put_suppressed_destination(
        EmailAddress="gone@example.net", Reason="BOUNCE", TenantName="uses-account"
    )
    listed = client.list_suppressed_destinations()["SuppressedDestinationSummaries"]
    assert [e["EmailAddress"] for e in listed] == ["gone@example.net"]
    got = client.get_suppressed_destination(
        EmailAddress="gone@example.net", TenantName="uses-account"
    )
    assert got["SuppressedDestination"]["Reason"] == "BOUNCE"
    with pytest.raises(ClientError) as raised:
        client.delete_suppressed_destination(EmailAddress="gone@example.net", TenantName="nobody")
    assert error_tuple(raised) == ("NotFoundException", "Tenant nobody does not exist.", 404)


def test_a_tenant_with_its_own_suppression_list(client: Client, account_id: str) -> None:
    """SuppressionScope TENANT: the suppression-list operations naming the tenant act on its
    own list, and its sends are checked against that list, with its SuppressedReasons."""
    client.create_tenant(
        TenantName="own",
        SuppressionAttributes={"SuppressedReasons": ["BOUNCE"], "SuppressionScope": "TENANT"},
    )
    client.put_suppressed_destination(
        EmailAddress="Gone@Example.NET", Reason="BOUNCE", TenantName="own"
    )
    client.put_suppressed_destination(
        EmailAddress="angry@example.net", Reason="COMPLAINT", TenantName="own"
    )
    assert client.list_suppressed_destinations()["SuppressedDestinationSummaries"] == []
    own = client.list_suppressed_destinations(TenantName="own")["SuppressedDestinationSummaries"]
    assert [(e["EmailAddress"], e["Reason"]) for e in own] == [
        ("Gone@example.net", "BOUNCE"),
        ("angry@example.net", "COMPLAINT"),
    ]
    page = client.list_suppressed_destinations(TenantName="own", PageSize=1, Reasons=["COMPLAINT"])
    assert [e["EmailAddress"] for e in page["SuppressedDestinationSummaries"]] == [
        "angry@example.net"
    ]
    got = client.get_suppressed_destination(EmailAddress="Gone@example.net", TenantName="own")
    assert got["SuppressedDestination"]["Reason"] == "BOUNCE"
    with pytest.raises(ClientError) as raised:
        client.get_suppressed_destination(EmailAddress="Gone@example.net")
    assert error_tuple(raised)[0::2] == ("NotFoundException", 404)

    domain = f"{unique('tenant')}.example.com"
    client.create_email_identity(EmailIdentity=domain)
    client.create_tenant_resource_association(
        TenantName="own", ResourceArn=_arn(account_id, "identity", domain)
    )
    recipients = ["Gone@example.net", "angry@example.net"]

    def outcomes(**kwargs: Any) -> list[tuple[str, list[str]]]:
        message_id = client.send_email(
            FromEmailAddress=f"a@{domain}",
            Destination={"ToAddresses": recipients},
            Content={"Simple": {"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "Hi"}}}},
            **kwargs,
        )["MessageId"]
        insights = client.get_message_insights(MessageId=message_id)["Insights"]
        return [(i["Destination"], [e["Type"] for e in i["Events"]]) for i in insights]

    client.create_configuration_set(ConfigurationSetName="own-events")
    client.create_tenant_resource_association(
        TenantName="own", ResourceArn=_arn(account_id, "configuration-set", "own-events")
    )
    # only BOUNCE is a suppressed reason of the tenant: the complaint entry does not apply
    assert outcomes(TenantName="own", ConfigurationSetName="own-events") == [
        ("Gone@example.net", ["SEND", "BOUNCE"]),
        ("angry@example.net", ["SEND", "DELIVERY"]),
    ]
    # without the tenant, the account's (empty) list applies
    assert outcomes(ConfigurationSetName="own-events") == [
        ("Gone@example.net", ["SEND", "DELIVERY"]),
        ("angry@example.net", ["SEND", "DELIVERY"]),
    ]

    client.delete_suppressed_destination(EmailAddress="Gone@example.net", TenantName="own")
    with pytest.raises(ClientError) as raised:
        client.delete_suppressed_destination(EmailAddress="Gone@example.net", TenantName="own")
    assert error_tuple(raised)[0::2] == ("NotFoundException", 404)
    assert outcomes(TenantName="own", ConfigurationSetName="own-events") == [
        ("Gone@example.net", ["SEND", "DELIVERY"]),
        ("angry@example.net", ["SEND", "DELIVERY"]),
    ]


def test_raw_mail_names_its_tenant_in_a_header(server: LiveServer, account_id: str) -> None:
    """X-SES-TENANT-NAME in a raw message (v1 SendRawEmail, SMTP) names the tenant as
    TenantName does, and is removed before delivery."""
    ses = server.client("ses", access_key=account_id)
    sesv2 = server.client("sesv2", access_key=account_id)
    domain = f"{unique('tenant')}.example.com"
    sesv2.create_email_identity(EmailIdentity=domain)
    sesv2.create_tenant(TenantName="raw")
    data = message(f"a@{domain}", "X-SES-TENANT-NAME: raw")

    with pytest.raises(ClientError) as raised:
        ses.send_raw_email(RawMessage={"Data": data})
    assert error_tuple(raised) == (
        "InvalidParameterValue",
        f"Resource {_arn(account_id, 'identity', domain)} is not associated with tenant raw.",
        400,
    )
    with starttls(server, user=account_id) as client:
        client.mail(f"a@{domain}")
        client.rcpt("you@example.net")
        assert client.data(data) == (
            554,
            f"Transaction failed: Resource {_arn(account_id, 'identity', domain)} is not "
            "associated with tenant raw.".encode(),
        )

    sesv2.create_tenant_resource_association(
        TenantName="raw", ResourceArn=_arn(account_id, "identity", domain)
    )
    message_id = ses.send_raw_email(RawMessage={"Data": data})["MessageId"]
    raw = httpx.get(
        f"{server.url}/_openses/messages/{message_id}/raw",
        headers={"Authorization": authorization(account_id)},
    ).content
    assert b"X-SES-TENANT-NAME" not in raw
    assert b"Hello over SMTP" in raw
    with starttls(server, user=account_id) as client:
        smtp_id = message_id_of(send(client, f"a@{domain}", ["you@example.net"], data))
    assert captured(server, smtp_id, account_id)["status"] == "delivered"


def test_identities_and_configuration_sets_are_reputation_entities(
    client: Client, account_id: str
) -> None:
    domain = f"{unique('entity')}.example.com"
    client.create_email_identity(EmailIdentity=domain)
    client.create_configuration_set(ConfigurationSetName="entity-set")
    client.create_email_template(
        TemplateName="not-an-entity", TemplateContent={"Subject": "Hi", "Text": "Hello"}
    )
    identity_arn = _arn(account_id, "identity", domain)
    set_arn = _arn(account_id, "configuration-set", "entity-set")
    tenant_arn = client.create_tenant(TenantName="t")["TenantArn"]

    listed = client.list_reputation_entities()["ReputationEntities"]
    assert [e["ReputationEntityReference"] for e in listed] == sorted(
        [identity_arn, set_arn, tenant_arn]
    )
    entity = client.get_reputation_entity(
        ReputationEntityType="RESOURCE", ReputationEntityReference=set_arn
    )["ReputationEntity"]
    assert entity == {
        "ReputationEntityReference": set_arn,
        "ReputationEntityType": "RESOURCE",
        "CustomerManagedStatus": {"Status": "ENABLED"},
        "AwsSesManagedStatus": {"Status": "ENABLED"},
        "SendingStatusAggregate": "ENABLED",
    }
    identity = client.get_reputation_entity(
        ReputationEntityType="RESOURCE", ReputationEntityReference=identity_arn
    )["ReputationEntity"]
    assert isinstance(identity["AwsSesManagedStatus"]["LastUpdatedTimestamp"], datetime.datetime)

    def send(**kwargs: Any) -> str:
        return _send(client, f"a@{domain}", **kwargs)

    for arn, kwargs in ((set_arn, {"ConfigurationSetName": "entity-set"}), (identity_arn, {})):
        client.update_reputation_entity_customer_managed_status(
            ReputationEntityType="RESOURCE", ReputationEntityReference=arn, SendingStatus="DISABLED"
        )
        with pytest.raises(ClientError) as raised:
            send(**kwargs)
        assert error_tuple(raised) == (
            "SendingPausedException",
            f"Sending is paused for resource {arn}.",
            400,
        )
        got = client.get_reputation_entity(
            ReputationEntityType="RESOURCE", ReputationEntityReference=arn
        )["ReputationEntity"]
        assert got["CustomerManagedStatus"]["Status"] == "DISABLED"
        assert isinstance(got["CustomerManagedStatus"]["LastUpdatedTimestamp"], datetime.datetime)
        assert got["SendingStatusAggregate"] == "DISABLED"
        client.update_reputation_entity_customer_managed_status(
            ReputationEntityType="RESOURCE",
            ReputationEntityReference=arn,
            SendingStatus="REINSTATED",
        )
        assert send(**kwargs)

    policy = "arn:aws:ses:us-east-1:aws:reputation-policy/standard"
    client.update_reputation_entity_policy(
        ReputationEntityType="RESOURCE",
        ReputationEntityReference=identity_arn,
        ReputationEntityPolicy=policy,
    )
    got = client.get_reputation_entity(
        ReputationEntityType="RESOURCE", ReputationEntityReference=identity_arn
    )["ReputationEntity"]
    assert (got["ReputationManagementPolicy"], got["CustomerManagedStatus"]["Status"]) == (
        policy,
        "REINSTATED",
    )
    reinstated = client.list_reputation_entities(Filter={"SENDING_STATUS": "ENABLED"})
    assert len(reinstated["ReputationEntities"]) == 3

    template_arn = _arn(account_id, "template", "not-an-entity")
    for reference in (template_arn, _arn(account_id, "identity", "missing.example.com"), "x"):
        with pytest.raises(ClientError) as raised:
            client.get_reputation_entity(
                ReputationEntityType="RESOURCE", ReputationEntityReference=reference
            )
        assert error_tuple(raised) == (
            "NotFoundException",
            f"Reputation entity {reference} does not exist.",
            404,
        )
