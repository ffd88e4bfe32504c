"""SES v2 configuration-set operations through boto3 against the running app."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.support import (
    assert_recreated_set_starts_empty,
    strip_metadata,
    unique,
    v2_configuration_sets,
)

SNS_TOPIC = "arn:aws:sns:us-east-1:123456789012:events"


@pytest.fixture
def make_set(sesv2: Any) -> Iterator[Callable[..., str]]:
    with v2_configuration_sets(sesv2, "cs") as make:
        yield make


def test_fresh_set_has_aws_defaults(sesv2: Any, make_set: Callable[..., str]) -> None:
    name = make_set()
    assert strip_metadata(sesv2.get_configuration_set(ConfigurationSetName=name)) == {
        "ConfigurationSetName": name,
        "DeliveryOptions": {"TlsPolicy": "OPTIONAL"},
        "ReputationOptions": {"ReputationMetricsEnabled": False},
        "SendingOptions": {"SendingEnabled": True},
        "Tags": [],
    }


def test_create_with_every_option(sesv2: Any, make_set: Callable[..., str]) -> None:
    name = make_set(
        TrackingOptions={"CustomRedirectDomain": "track.example.com", "HttpsPolicy": "REQUIRE"},
        DeliveryOptions={
            "TlsPolicy": "REQUIRE",
            "SendingPoolName": "ses-shared-pool",
            "MaxDeliverySeconds": 600,
        },
        ReputationOptions={"ReputationMetricsEnabled": True},
        SendingOptions={"SendingEnabled": False},
        SuppressionOptions={"SuppressedReasons": ["BOUNCE", "COMPLAINT"]},
        VdmOptions={
            "DashboardOptions": {"EngagementMetrics": "ENABLED"},
            "GuardianOptions": {"OptimizedSharedDelivery": "DISABLED"},
        },
        Tags=[{"Key": "team", "Value": "growth"}, {"Key": "env", "Value": ""}],
    )
    assert strip_metadata(sesv2.get_configuration_set(ConfigurationSetName=name)) == {
        "ConfigurationSetName": name,
        "TrackingOptions": {"CustomRedirectDomain": "track.example.com", "HttpsPolicy": "REQUIRE"},
        "DeliveryOptions": {
            "TlsPolicy": "REQUIRE",
            "SendingPoolName": "ses-shared-pool",
            "MaxDeliverySeconds": 600,
        },
        "ReputationOptions": {"ReputationMetricsEnabled": True},
        "SendingOptions": {"SendingEnabled": False},
        "SuppressionOptions": {"SuppressedReasons": ["BOUNCE", "COMPLAINT"]},
        "VdmOptions": {
            "DashboardOptions": {"EngagementMetrics": "ENABLED"},
            "GuardianOptions": {"OptimizedSharedDelivery": "DISABLED"},
        },
        "Tags": [{"Key": "team", "Value": "growth"}, {"Key": "env", "Value": ""}],
    }


def test_duplicate_name_is_already_exists(sesv2: Any, make_set: Callable[..., str]) -> None:
    name = make_set()
    with pytest.raises(sesv2.exceptions.AlreadyExistsException) as raised:
        sesv2.create_configuration_set(ConfigurationSetName=name)
    assert (
        raised.value.response["Error"]["Message"] == f"Configuration set <{name}> already exists."
    )
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_missing_set_is_not_found(sesv2: Any) -> None:
    name = unique("missing")
    with pytest.raises(sesv2.exceptions.NotFoundException) as raised:
        sesv2.get_configuration_set(ConfigurationSetName=name)
    assert (
        raised.value.response["Error"]["Message"] == f"Configuration set <{name}> does not exist."
    )
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_delete_removes_the_set(sesv2: Any) -> None:
    name = unique("cs")
    sesv2.create_configuration_set(ConfigurationSetName=name)
    sesv2.delete_configuration_set(ConfigurationSetName=name)
    with pytest.raises(sesv2.exceptions.NotFoundException):
        sesv2.get_configuration_set(ConfigurationSetName=name)
    with pytest.raises(sesv2.exceptions.NotFoundException):
        sesv2.delete_configuration_set(ConfigurationSetName=name)


def test_a_set_recreated_after_delete_has_no_old_destinations(sesv2: Any) -> None:
    name = unique("cs")
    sesv2.create_configuration_set(ConfigurationSetName=name)
    sesv2.create_configuration_set_event_destination(
        ConfigurationSetName=name,
        EventDestinationName="metrics",
        EventDestination={
            "Enabled": True,
            "MatchingEventTypes": ["SEND"],
            "CloudWatchDestination": {
                "DimensionConfigurations": [
                    {
                        "DimensionName": "campaign",
                        "DimensionValueSource": "MESSAGE_TAG",
                        "DefaultDimensionValue": "none",
                    }
                ]
            },
        },
    )
    sesv2.delete_configuration_set(ConfigurationSetName=name)
    assert_recreated_set_starts_empty(sesv2, name)


def test_sending_reenabled_is_a_fresh_start(sesv2: Any, make_set: Callable[..., str]) -> None:
    name = make_set()
    before = datetime.datetime.now(datetime.UTC)
    sesv2.put_configuration_set_sending_options(ConfigurationSetName=name, SendingEnabled=False)
    got = sesv2.get_configuration_set(ConfigurationSetName=name)
    assert got["SendingOptions"] == {"SendingEnabled": False}
    assert got["ReputationOptions"] == {"ReputationMetricsEnabled": False}
    sesv2.put_configuration_set_sending_options(ConfigurationSetName=name, SendingEnabled=True)
    got = sesv2.get_configuration_set(ConfigurationSetName=name)
    assert got["SendingOptions"] == {"SendingEnabled": True}
    fresh = got["ReputationOptions"]["LastFreshStart"]
    assert before - datetime.timedelta(seconds=1) <= fresh <= datetime.datetime.now(datetime.UTC)


def test_put_options(sesv2: Any, make_set: Callable[..., str]) -> None:
    name = make_set()
    sesv2.put_configuration_set_delivery_options(
        ConfigurationSetName=name, TlsPolicy="REQUIRE", MaxDeliverySeconds=300
    )
    sesv2.put_configuration_set_tracking_options(
        ConfigurationSetName=name, CustomRedirectDomain="t.example.org", HttpsPolicy="OPTIONAL"
    )
    sesv2.put_configuration_set_reputation_options(
        ConfigurationSetName=name, ReputationMetricsEnabled=True
    )
    sesv2.put_configuration_set_suppression_options(
        ConfigurationSetName=name, SuppressedReasons=["COMPLAINT"]
    )
    sesv2.put_configuration_set_vdm_options(
        ConfigurationSetName=name, VdmOptions={"DashboardOptions": {"EngagementMetrics": "ENABLED"}}
    )
    got = strip_metadata(sesv2.get_configuration_set(ConfigurationSetName=name))
    fresh = got["ReputationOptions"].pop("LastFreshStart")
    assert isinstance(fresh, datetime.datetime)
    assert got == {
        "ConfigurationSetName": name,
        "TrackingOptions": {"CustomRedirectDomain": "t.example.org", "HttpsPolicy": "OPTIONAL"},
        "DeliveryOptions": {"TlsPolicy": "REQUIRE", "MaxDeliverySeconds": 300},
        "ReputationOptions": {"ReputationMetricsEnabled": True},
        "SendingOptions": {"SendingEnabled": True},
        "SuppressionOptions": {"SuppressedReasons": ["COMPLAINT"]},
        "VdmOptions": {"DashboardOptions": {"EngagementMetrics": "ENABLED"}},
        "Tags": [],
    }
    sesv2.put_configuration_set_tracking_options(ConfigurationSetName=name)
    sesv2.put_configuration_set_suppression_options(ConfigurationSetName=name)
    got = sesv2.get_configuration_set(ConfigurationSetName=name)
    assert "TrackingOptions" not in got
    assert "SuppressionOptions" not in got


def test_max_delivery_seconds_out_of_range(
    sesv2: Any, unchecked_sesv2: Any, make_set: Callable[..., str]
) -> None:
    name = make_set()
    with pytest.raises(sesv2.exceptions.BadRequestException) as raised:
        unchecked_sesv2.put_configuration_set_delivery_options(
            ConfigurationSetName=name, MaxDeliverySeconds=299
        )
    assert raised.value.response["Error"]["Message"] == (
        "1 validation error detected: Value '299' at 'maxDeliverySeconds' failed to satisfy "
        "constraint: Member must have value greater than or equal to 300"
    )
    with pytest.raises(sesv2.exceptions.BadRequestException):
        unchecked_sesv2.put_configuration_set_delivery_options(
            ConfigurationSetName=name, MaxDeliverySeconds=50401
        )
    assert sesv2.get_configuration_set(ConfigurationSetName=name)["DeliveryOptions"] == {
        "TlsPolicy": "OPTIONAL"
    }


def test_event_destinations_of_every_kind(sesv2: Any, make_set: Callable[..., str]) -> None:
    name = make_set()
    definitions = {
        "to-sns": {
            "Enabled": True,
            "MatchingEventTypes": ["SEND", "BOUNCE"],
            "SnsDestination": {"TopicArn": SNS_TOPIC},
        },
        "to-firehose": {
            "Enabled": False,
            "MatchingEventTypes": ["DELIVERY"],
            "KinesisFirehoseDestination": {
                "IamRoleArn": "arn:aws:iam::123456789012:role/firehose",
                "DeliveryStreamArn": "arn:aws:firehose:us-east-1:123456789012:deliverystream/s",
            },
        },
        "to-cloudwatch": {
            "Enabled": True,
            "MatchingEventTypes": ["OPEN", "CLICK"],
            "CloudWatchDestination": {
                "DimensionConfigurations": [
                    {
                        "DimensionName": "campaign",
                        "DimensionValueSource": "MESSAGE_TAG",
                        "DefaultDimensionValue": "none",
                    },
                    {
                        "DimensionName": "ses:from-domain",
                        "DimensionValueSource": "EMAIL_HEADER",
                        "DefaultDimensionValue": "example.com",
                    },
                ]
            },
        },
        "to-eventbridge": {
            "Enabled": True,
            "MatchingEventTypes": ["RENDERING_FAILURE", "DELIVERY_DELAY", "SUBSCRIPTION"],
            "EventBridgeDestination": {
                "EventBusArn": "arn:aws:events:us-east-1:123456789012:event-bus/default"
            },
        },
        "to-pinpoint": {
            "Enabled": True,
            "MatchingEventTypes": ["REJECT", "COMPLAINT"],
            "PinpointDestination": {
                "ApplicationArn": "arn:aws:mobiletargeting:us-east-1:123456789012:apps/abc"
            },
        },
    }
    for destination_name, definition in definitions.items():
        sesv2.create_configuration_set_event_destination(
            ConfigurationSetName=name,
            EventDestinationName=destination_name,
            EventDestination=definition,
        )
    got = sesv2.get_configuration_set_event_destinations(ConfigurationSetName=name)
    assert got["EventDestinations"] == [
        {"Name": destination_name, **definition}
        for destination_name, definition in definitions.items()
    ]


def test_event_destination_lifecycle(sesv2: Any, make_set: Callable[..., str]) -> None:
    name = make_set()
    definition = {
        "Enabled": True,
        "MatchingEventTypes": ["SEND"],
        "SnsDestination": {"TopicArn": SNS_TOPIC},
    }
    sesv2.create_configuration_set_event_destination(
        ConfigurationSetName=name, EventDestinationName="d1", EventDestination=definition
    )
    with pytest.raises(sesv2.exceptions.AlreadyExistsException):
        sesv2.create_configuration_set_event_destination(
            ConfigurationSetName=name, EventDestinationName="d1", EventDestination=definition
        )
    updated = {
        "Enabled": False,
        "MatchingEventTypes": ["CLICK", "OPEN"],
        "SnsDestination": {"TopicArn": SNS_TOPIC},
    }
    sesv2.update_configuration_set_event_destination(
        ConfigurationSetName=name, EventDestinationName="d1", EventDestination=updated
    )
    got = sesv2.get_configuration_set_event_destinations(ConfigurationSetName=name)
    assert got["EventDestinations"] == [{"Name": "d1", **updated}]
    sesv2.delete_configuration_set_event_destination(
        ConfigurationSetName=name, EventDestinationName="d1"
    )
    assert (
        sesv2.get_configuration_set_event_destinations(ConfigurationSetName=name)[
            "EventDestinations"
        ]
        == []
    )
    with pytest.raises(sesv2.exceptions.NotFoundException):
        sesv2.delete_configuration_set_event_destination(
            ConfigurationSetName=name, EventDestinationName="d1"
        )
    with pytest.raises(sesv2.exceptions.NotFoundException):
        sesv2.update_configuration_set_event_destination(
            ConfigurationSetName=name, EventDestinationName="d1", EventDestination=updated
        )


@pytest.mark.parametrize(
    ("definition", "reason"),
    [
        ({"Enabled": True, "MatchingEventTypes": ["SEND"]}, "no target"),
        (
            {
                "MatchingEventTypes": ["SEND"],
                "SnsDestination": {"TopicArn": SNS_TOPIC},
                "EventBridgeDestination": {"EventBusArn": "arn:aws:events:us-east-1:1:event-bus/x"},
            },
            "two targets",
        ),
        ({"MatchingEventTypes": [], "SnsDestination": {"TopicArn": SNS_TOPIC}}, "no event type"),
        (
            {
                "MatchingEventTypes": ["SEND"],
                "CloudWatchDestination": {
                    "DimensionConfigurations": [
                        {
                            "DimensionName": "bad name!",
                            "DimensionValueSource": "MESSAGE_TAG",
                            "DefaultDimensionValue": "x",
                        }
                    ]
                },
            },
            "bad dimension name",
        ),
        (
            {
                "MatchingEventTypes": ["SEND"],
                "CloudWatchDestination": {
                    "DimensionConfigurations": [
                        {
                            "DimensionName": "ok",
                            "DimensionValueSource": "MESSAGE_TAG",
                            "DefaultDimensionValue": "x" * 257,
                        }
                    ]
                },
            },
            "overlong default value",
        ),
    ],
)
def test_invalid_event_destination(
    sesv2: Any, make_set: Callable[..., str], definition: dict[str, Any], reason: str
) -> None:
    name = make_set()
    with pytest.raises(sesv2.exceptions.BadRequestException):
        sesv2.create_configuration_set_event_destination(
            ConfigurationSetName=name, EventDestinationName="bad", EventDestination=definition
        )
    assert (
        sesv2.get_configuration_set_event_destinations(ConfigurationSetName=name)[
            "EventDestinations"
        ]
        == []
    ), reason


def test_at_most_ten_event_destinations(sesv2: Any, make_set: Callable[..., str]) -> None:
    name = make_set()
    definition = {"MatchingEventTypes": ["SEND"], "SnsDestination": {"TopicArn": SNS_TOPIC}}
    for index in range(10):
        sesv2.create_configuration_set_event_destination(
            ConfigurationSetName=name, EventDestinationName=f"d{index}", EventDestination=definition
        )
    with pytest.raises(sesv2.exceptions.LimitExceededException):
        sesv2.create_configuration_set_event_destination(
            ConfigurationSetName=name, EventDestinationName="d10", EventDestination=definition
        )
    got = sesv2.get_configuration_set_event_destinations(ConfigurationSetName=name)
    assert [d["Name"] for d in got["EventDestinations"]] == [f"d{i}" for i in range(10)]


def test_pagination_across_pages(server: Any) -> None:
    client = server.client("sesv2", access_key="210987654321")
    names = sorted(unique("page") for _ in range(7))
    for name in names:
        client.create_configuration_set(ConfigurationSetName=name)
    seen: list[str] = []
    token: str | None = None
    pages = 0
    while True:
        kwargs: dict[str, Any] = {"PageSize": 3}
        if token:
            kwargs["NextToken"] = token
        page = client.list_configuration_sets(**kwargs)
        pages += 1
        seen.extend(page["ConfigurationSets"])
        token = page.get("NextToken")
        if not token:
            break
    assert seen == names
    assert pages == 3
    for name in names:
        client.delete_configuration_set(ConfigurationSetName=name)


def test_invalid_page_size_and_token(sesv2: Any) -> None:
    with pytest.raises(sesv2.exceptions.BadRequestException) as raised:
        sesv2.list_configuration_sets(PageSize=1001)
    assert raised.value.response["Error"]["Message"] == "The page size must be between 1 and 1000"
    with pytest.raises(sesv2.exceptions.BadRequestException) as raised:
        sesv2.list_configuration_sets(NextToken="!!not-a-token!!")
    assert raised.value.response["Error"]["Message"] == "invalid nextToken !!not-a-token!!"
