"""GetMessageInsights and GetEmailAddressInsights (SES v2) through boto3, on SQLite and
PostgreSQL: a message's events per destination from openses' own records, and an address's
checks against syntax, DNS (a DNS server on loopback), the simulator and the suppression list."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from openses.config import Settings
from tests.dns_server import Zone, dns_server
from tests.support import (
    LiveServer,
    database_url,
    error_tuple,
    fresh_account,
    serve_in_thread,
    strip_metadata,
    unique,
)

Client = Any
SIMPLE = {"Simple": {"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "Hello"}}}}
SUCCESS = "success@simulator.amazonses.com"
BOUNCE = "bounce@simulator.amazonses.com"
COMPLAINT = "complaint@simulator.amazonses.com"


@pytest.fixture(scope="module")
def dns_live(
    backend: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LiveServer, Zone]]:
    """A server whose DNS look-ups go to a DNS server on loopback."""
    with (
        dns_server() as (zone, port),
        database_url(backend, str(tmp_path_factory.mktemp("insights"))) as url,
    ):
        settings = Settings(
            database_url=url,
            validate_destinations=False,
            dispatch_events=False,
            dns_servers=(("127.0.0.1", port),),
        )
        with serve_in_thread(settings) as live:
            yield live, zone


@pytest.fixture
def client(dns_live: tuple[LiveServer, Zone]) -> Client:
    return dns_live[0].client("sesv2", access_key=fresh_account())


@pytest.fixture
def sender(client: Client) -> str:
    domain = f"{unique('insights')}.example.com"
    client.create_email_identity(EmailIdentity=domain)
    return f"news@{domain}"


def _types(insight: dict[str, Any]) -> list[str]:
    return [event["Type"] for event in insight["Events"]]


def test_message_insights_per_destination(client: Client, sender: str) -> None:
    client.create_configuration_set(ConfigurationSetName="insights")
    before = datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=1)
    message_id = client.send_email(
        FromEmailAddress=sender,
        Destination={"ToAddresses": [SUCCESS, BOUNCE], "CcAddresses": [COMPLAINT]},
        Content=SIMPLE,
        ConfigurationSetName="insights",
        EmailTags=[{"Name": "campaign", "Value": "launch"}],
    )["MessageId"]

    found = strip_metadata(client.get_message_insights(MessageId=message_id))
    insights = found.pop("Insights")
    assert found == {
        "MessageId": message_id,
        "FromEmailAddress": sender,
        "Subject": "Hi",
        "EmailTags": [{"Name": "campaign", "Value": "launch"}],
    }
    assert [i["Destination"] for i in insights] == [SUCCESS, BOUNCE, COMPLAINT]
    assert _types(insights[0]) == ["SEND", "DELIVERY"]
    assert _types(insights[1]) == ["SEND", "BOUNCE"]
    assert insights[1]["Events"][1]["Details"] == {
        "Bounce": {
            "BounceType": "PERMANENT",
            "BounceSubType": "General",
            "DiagnosticCode": "smtp; 550 5.1.1 user unknown",
        }
    }
    assert _types(insights[2]) == ["SEND", "DELIVERY", "COMPLAINT"]
    assert insights[2]["Events"][2]["Details"] == {"Complaint": {"ComplaintFeedbackType": "abuse"}}
    for insight in insights:
        for event in insight["Events"]:
            assert event["Timestamp"] >= before


def test_message_insights_without_a_configuration_set(client: Client, sender: str) -> None:
    """Insights come from VDM, which sees every message of the account: a message sent
    without a configuration set has its delivery events too (no OPEN or CLICK: nothing
    tracks them without a set)."""
    message_id = client.send_email(
        FromEmailAddress=sender,
        Destination={"ToAddresses": ["someone@example.net", BOUNCE], "CcAddresses": [COMPLAINT]},
        Content=SIMPLE,
    )["MessageId"]
    found = client.get_message_insights(MessageId=message_id)
    assert [(i["Destination"], _types(i)) for i in found["Insights"]] == [
        ("someone@example.net", ["SEND", "DELIVERY"]),
        (BOUNCE, ["SEND", "BOUNCE"]),
        (COMPLAINT, ["SEND", "DELIVERY", "COMPLAINT"]),
    ]
    assert found["Insights"][1]["Events"][1]["Details"]["Bounce"]["BounceType"] == "PERMANENT"
    assert found["EmailTags"] == []


def test_message_insights_of_another_account_or_none(
    client: Client, sender: str, dns_live: tuple[LiveServer, Zone]
) -> None:
    message_id = client.send_email(
        FromEmailAddress=sender, Destination={"ToAddresses": [SUCCESS]}, Content=SIMPLE
    )["MessageId"]
    stranger = dns_live[0].client("sesv2", access_key=fresh_account())
    for asking, wanted in ((stranger, message_id), (client, "0100000000000000-missing-000000")):
        with pytest.raises(ClientError) as raised:
            asking.get_message_insights(MessageId=wanted)
        assert error_tuple(raised) == (
            "NotFoundException",
            f"Message {wanted} does not exist.",
            404,
        )


def _verdicts(client: Client, address: str) -> dict[str, str]:
    validation = client.get_email_address_insights(EmailAddress=address)["MailboxValidation"]
    verdicts = {k: v["ConfidenceVerdict"] for k, v in validation["Evaluations"].items()}
    verdicts["IsValid"] = validation["IsValid"]["ConfidenceVerdict"]
    return verdicts


def _expected(**changed: str) -> dict[str, str]:
    base = {
        "IsValid": "MEDIUM",
        "HasValidSyntax": "HIGH",
        "HasValidDnsRecords": "HIGH",
        "MailboxExists": "MEDIUM",
        "IsRoleAddress": "LOW",
        "IsDisposable": "LOW",
        "IsRandomInput": "LOW",
    }
    return {**base, **changed}


def test_email_address_insights(client: Client, dns_live: tuple[LiveServer, Zone]) -> None:
    zone = dns_live[1]
    domain = f"{unique('mx')}.example.org"
    zone.mx(domain, 10, f"mx.{domain}")

    assert _verdicts(client, f"jane@{domain}") == _expected()
    assert _verdicts(client, f"postmaster@{domain}") == _expected(IsRoleAddress="HIGH")
    # no MX record: the name is unknown to the DNS server
    assert _verdicts(client, f"jane@no-mx-{domain}") == _expected(
        IsValid="LOW", HasValidDnsRecords="LOW"
    )
    assert _verdicts(client, SUCCESS) == _expected(IsValid="HIGH", MailboxExists="HIGH")
    assert _verdicts(client, BOUNCE) == _expected(IsValid="LOW", MailboxExists="LOW")
    assert _verdicts(client, "not an address") == _expected(
        IsValid="LOW", HasValidSyntax="LOW", HasValidDnsRecords="LOW", MailboxExists="LOW"
    )

    # an address on the account's suppression list did not take mail
    client.put_suppressed_destination(EmailAddress=f"gone@{domain}", Reason="BOUNCE")
    assert _verdicts(client, f"gone@{domain}") == _expected(IsValid="LOW", MailboxExists="LOW")
