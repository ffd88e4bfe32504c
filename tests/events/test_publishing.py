"""End to end: sends through boto3, events published by the dispatcher to moto's SNS, Firehose,
CloudWatch and EventBridge and to a Pinpoint stand-in, then read back at the peer."""

from __future__ import annotations

import datetime
import json
from collections import Counter
from typing import Any

import httpx
import pytest

from tests.events.conftest import PinpointStub
from tests.events.peerside import (
    collect,
    default_bus_arn,
    eventually,
    firehose_to_s3,
    rule_to_queue,
    s3_lines,
    topic_with_queue,
)
from tests.events_schema import schema_errors
from tests.peer import AwsPeer
from tests.support import LiveServer, unique

SIM = "simulator.amazonses.com"
SIMULATOR = ["success", "bounce", "ooto", "complaint", "suppressionlist"]
VALIDATION = "Successfully validated SNS topic for Amazon SES event publishing."
SUBJECT = "Amazon SES Email Event Notification"


def recorded_events(server: LiveServer, message_id: str) -> list[dict[str, Any]]:
    response = httpx.get(f"{server.url}/_openses/messages/{message_id}")
    assert response.status_code == 200, response.text
    events: list[dict[str, Any]] = response.json()["events"]
    return events


def key(record: dict[str, Any]) -> tuple[str, str]:
    return record["mail"]["messageId"], record["eventType"]


def test_every_destination_kind_receives_its_events(
    publishing: LiveServer, peer: AwsPeer, pinpoint: PinpointStub
) -> None:
    sesv2 = publishing.client("sesv2")
    domain = f"{unique('d')}.example.com"
    sesv2.create_email_identity(EmailIdentity=domain)
    name = unique("pub")
    sesv2.create_configuration_set(ConfigurationSetName=name)
    topic = topic_with_queue(peer)
    quiet = topic_with_queue(peer)
    stream = firehose_to_s3(peer)
    bridge_queue = rule_to_queue(peer, name)
    application = unique("app")
    application_arn = f"arn:aws:mobiletargeting:us-east-1:123456789012:apps/{application}"
    dimensions = [
        {
            "DimensionName": "ses:configuration-set",
            "DimensionValueSource": "MESSAGE_TAG",
            "DefaultDimensionValue": "none",
        },
        {
            "DimensionName": "campaign",
            "DimensionValueSource": "MESSAGE_TAG",
            "DefaultDimensionValue": "unset",
        },
        {
            "DimensionName": "X-Team",
            "DimensionValueSource": "EMAIL_HEADER",
            "DefaultDimensionValue": "noteam",
        },
        {
            "DimensionName": "link",
            "DimensionValueSource": "LINK_TAG",
            "DefaultDimensionValue": "nolink",
        },
    ]
    destinations: dict[str, dict[str, Any]] = {
        "sns": {
            "MatchingEventTypes": ["SEND", "BOUNCE", "COMPLAINT", "DELIVERY", "REJECT"],
            "SnsDestination": {"TopicArn": topic.arn},
        },
        "firehose": {
            "MatchingEventTypes": ["BOUNCE", "DELIVERY"],
            "KinesisFirehoseDestination": {
                "IamRoleArn": "arn:aws:iam::123456789012:role/ses-firehose",
                "DeliveryStreamArn": stream.arn,
            },
        },
        "cloudwatch": {
            "MatchingEventTypes": ["SEND", "DELIVERY"],
            "CloudWatchDestination": {"DimensionConfigurations": dimensions},
        },
        "eventbridge": {
            "MatchingEventTypes": ["BOUNCE", "COMPLAINT"],
            "EventBridgeDestination": {"EventBusArn": default_bus_arn()},
        },
        "pinpoint": {
            "MatchingEventTypes": ["SEND"],
            "PinpointDestination": {"ApplicationArn": application_arn},
        },
        "disabled": {
            "Enabled": False,
            "MatchingEventTypes": ["SEND", "BOUNCE", "COMPLAINT", "DELIVERY"],
            "SnsDestination": {"TopicArn": quiet.arn},
        },
    }
    for destination_name, definition in destinations.items():
        sesv2.create_configuration_set_event_destination(
            ConfigurationSetName=name,
            EventDestinationName=destination_name,
            EventDestination={"Enabled": True, **definition},
        )

    records: list[dict[str, Any]] = []
    for local in SIMULATOR:
        message_id = sesv2.send_email(
            FromEmailAddress=f"sender@{domain}",
            Destination={"ToAddresses": [f"{local}@{SIM}"]},
            Content={
                "Simple": {
                    "Subject": {"Data": "Hello"},
                    "Body": {"Text": {"Data": "hi"}},
                    "Headers": [{"Name": "X-Team", "Value": "blue"}],
                }
            },
            EmailTags=[{"Name": "campaign", "Value": "spring"}],
            ConfigurationSetName=name,
        )["MessageId"]
        records.extend(recorded_events(publishing, message_id))
    types = Counter(r["eventType"] for r in records)
    assert types == {"Send": 5, "Delivery": 3, "Bounce": 2, "Complaint": 1}

    def wanted(*event_types: str) -> list[dict[str, Any]]:
        return sorted((r for r in records if r["eventType"] in event_types), key=key)

    # SNS: the validation message first, then one notification per matching event.
    envelopes = collect(
        peer, topic.queue_url, 1 + len(wanted("Send", "Bounce", "Complaint", "Delivery"))
    )
    validation = [e for e in envelopes if e["Message"] == VALIDATION]
    assert len(validation) == 1
    assert "Subject" not in validation[0]
    notifications = [e for e in envelopes if e["Message"] != VALIDATION]
    assert {e["Type"] for e in notifications} == {"Notification"}
    assert {e["Subject"] for e in notifications} == {SUBJECT}
    assert {e["TopicArn"] for e in envelopes} == {topic.arn}
    published = sorted((json.loads(e["Message"]) for e in notifications), key=key)
    assert published == wanted("Send", "Bounce", "Complaint", "Delivery")
    for record in published:
        assert schema_errors(record) == []

    # Firehose: JSON Lines in S3, one record per event.
    lines = eventually(lambda: s3_lines(peer, stream.bucket), lambda got: len(got) >= 5)
    assert sorted((json.loads(line) for line in lines), key=key) == wanted("Bounce", "Delivery")

    # EventBridge: the SES envelope around each record.
    bridged = collect(peer, bridge_queue, 3)
    assert {(e["source"], e["detail-type"]) for e in bridged} == {
        ("aws.ses", "Email Bounced"),
        ("aws.ses", "Email Complaint Received"),
    }
    assert sorted((e["detail"] for e in bridged), key=key) == wanted("Bounce", "Complaint")
    assert Counter(e["detail-type"] for e in bridged) == {
        "Email Bounced": 2,
        "Email Complaint Received": 1,
    }

    # Pinpoint: one _email.send event per Send.
    sent = eventually(lambda: pinpoint.events(application), lambda got: len(got) >= 5)
    assert sorted(e["Attributes"]["message_id"] for e in sent) == sorted(
        r["mail"]["messageId"] for r in wanted("Send")
    )
    assert {e["EventType"] for e in sent} == {"_email.send"}

    # CloudWatch: AWS/SES metrics carrying all four dimensions.
    cloudwatch = peer.client("cloudwatch")
    metric_dimensions = [
        {"Name": "ses:configuration-set", "Value": name},
        {"Name": "campaign", "Value": "spring"},
        {"Name": "X-Team", "Value": "blue"},
        {"Name": "link", "Value": "nolink"},
    ]

    def total(metric: str) -> float:
        now = datetime.datetime.now(datetime.UTC)
        points = cloudwatch.get_metric_statistics(
            Namespace="AWS/SES",
            MetricName=metric,
            Dimensions=metric_dimensions,
            StartTime=now - datetime.timedelta(hours=1),
            EndTime=now + datetime.timedelta(hours=1),
            Period=7200,
            Statistics=["Sum"],
        )["Datapoints"]
        return float(sum(p["Sum"] for p in points))

    assert eventually(lambda: total("Send"), lambda got: got >= 5) == 5.0
    assert eventually(lambda: total("Delivery"), lambda got: got >= 3) == 3.0
    assert total("Bounce") == 0.0
    listed = cloudwatch.list_metrics(
        Namespace="AWS/SES", Dimensions=[{"Name": "ses:configuration-set", "Value": name}]
    )["Metrics"]
    # moto lists a metric once per data point: compare the distinct ones.
    assert sorted({m["MetricName"] for m in listed}) == ["Delivery", "Send"]
    assert {json.dumps(m["Dimensions"], sort_keys=True) for m in listed} == {
        json.dumps(metric_dimensions, sort_keys=True)
    }

    # The disabled destination got only its topic's validation message.
    assert [e["Message"] for e in collect(peer, quiet.queue_url, 1)] == [VALIDATION]

    # No extra deliveries arrived anywhere in the meantime.
    assert len(s3_lines(peer, stream.bucket)) == len(wanted("Bounce", "Delivery"))
    assert collect(peer, topic.queue_url, 0) == []


@pytest.mark.parametrize("api", ["v1", "v2"])
def test_missing_sns_topic_is_refused(publishing: LiveServer, peer: AwsPeer, api: str) -> None:
    name = unique("val")
    publishing.client("sesv2").create_configuration_set(ConfigurationSetName=name)
    arn = f"arn:aws:sns:us-east-1:123456789012:{unique('missing')}"
    if api == "v1":
        ses = publishing.client("ses")
        with pytest.raises(ses.exceptions.InvalidSNSDestinationException) as raised:
            ses.create_configuration_set_event_destination(
                ConfigurationSetName=name,
                EventDestination={
                    "Name": "sns",
                    "Enabled": True,
                    "MatchingEventTypes": ["send"],
                    "SNSDestination": {"TopicARN": arn},
                },
            )
        assert raised.value.response["Error"]["Code"] == "InvalidSNSDestination"
    else:
        sesv2 = publishing.client("sesv2")
        with pytest.raises(sesv2.exceptions.BadRequestException) as raised:
            sesv2.create_configuration_set_event_destination(
                ConfigurationSetName=name,
                EventDestinationName="sns",
                EventDestination={
                    "MatchingEventTypes": ["SEND"],
                    "SnsDestination": {"TopicArn": arn},
                },
            )
    assert raised.value.response["Error"]["Message"] == f"SNS topic <{arn}> not found."
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_missing_stream_and_bus_are_refused(publishing: LiveServer) -> None:
    sesv2, ses = publishing.client("sesv2"), publishing.client("ses")
    name = unique("val")
    sesv2.create_configuration_set(ConfigurationSetName=name)
    stream = f"arn:aws:firehose:us-east-1:123456789012:deliverystream/{unique('none')}"
    with pytest.raises(ses.exceptions.InvalidFirehoseDestinationException) as raised:
        ses.create_configuration_set_event_destination(
            ConfigurationSetName=name,
            EventDestination={
                "Name": "firehose",
                "MatchingEventTypes": ["send"],
                "KinesisFirehoseDestination": {
                    "IAMRoleARN": "arn:aws:iam::123456789012:role/r",
                    "DeliveryStreamARN": stream,
                },
            },
        )
    assert raised.value.response["Error"] == {
        "Type": "Sender",
        "Code": "InvalidFirehoseDestination",
        "Message": f"Firehose delivery stream <{stream}> not found.",
    }
    bus = f"arn:aws:events:us-east-1:123456789012:event-bus/{unique('none')}"
    with pytest.raises(sesv2.exceptions.BadRequestException) as raised_v2:
        sesv2.create_configuration_set_event_destination(
            ConfigurationSetName=name,
            EventDestinationName="bridge",
            EventDestination={
                "MatchingEventTypes": ["SEND"],
                "EventBridgeDestination": {"EventBusArn": bus},
            },
        )
    assert (
        raised_v2.value.response["Error"]["Message"] == f"EventBridge event bus <{bus}> not found."
    )
    assert (
        sesv2.get_configuration_set_event_destinations(ConfigurationSetName=name)[
            "EventDestinations"
        ]
        == []
    )


def test_missing_set_is_reported_before_the_target(publishing: LiveServer) -> None:
    sesv2 = publishing.client("sesv2")
    with pytest.raises(sesv2.exceptions.NotFoundException):
        sesv2.create_configuration_set_event_destination(
            ConfigurationSetName=unique("nope"),
            EventDestinationName="sns",
            EventDestination={
                "MatchingEventTypes": ["SEND"],
                "SnsDestination": {"TopicArn": "arn:aws:sns:us-east-1:123456789012:nope"},
            },
        )
