"""One model behind two APIs: what v1 writes, v2 reads and edits, and back."""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.support import (
    FIREHOSE_ROLE,
    FIREHOSE_STREAM,
    SNS_TOPIC,
    describe_set,
    strip_metadata,
    unique,
)

EVENT_BUS = "arn:aws:events:us-east-1:123456789012:event-bus/default"
PINPOINT_APP = "arn:aws:mobiletargeting:us-east-1:123456789012:apps/abc"


def _get(sesv2: Any, name: str) -> dict[str, Any]:
    return strip_metadata(sesv2.get_configuration_set(ConfigurationSetName=name))


def _destinations(sesv2: Any, name: str) -> list[dict[str, Any]]:
    got = sesv2.get_configuration_set_event_destinations(ConfigurationSetName=name)
    return list(got["EventDestinations"])


@pytest.fixture
def make_set(ses: Any, sesv2: Any) -> Iterator[Callable[..., str]]:
    """Create a set through v1 (``api="v1"``) or v2 (``api="v2"``, with v2 options)."""
    created: list[str] = []

    def make(api: str = "v1", **options: Any) -> str:
        name = unique("rt")
        if api == "v1":
            ses.create_configuration_set(ConfigurationSet={"Name": name})
        else:
            sesv2.create_configuration_set(ConfigurationSetName=name, **options)
        created.append(name)
        return name

    yield make
    for name in created:
        with contextlib.suppress(sesv2.exceptions.NotFoundException):
            sesv2.delete_configuration_set(ConfigurationSetName=name)


def test_set_made_by_v1_reads_as_a_fresh_v2_set(sesv2: Any, make_set: Callable[..., str]) -> None:
    name = make_set("v1")
    assert _get(sesv2, name) == {
        "ConfigurationSetName": name,
        "DeliveryOptions": {"TlsPolicy": "OPTIONAL"},
        "ReputationOptions": {"ReputationMetricsEnabled": False},
        "SendingOptions": {"SendingEnabled": True},
        "Tags": [],
    }
    assert (
        sesv2.get_configuration_set_event_destinations(ConfigurationSetName=name)[
            "EventDestinations"
        ]
        == []
    )


def test_set_made_by_v2_reads_as_a_fresh_v1_set(ses: Any, make_set: Callable[..., str]) -> None:
    name = make_set("v2")
    assert describe_set(ses, name) == {
        "ConfigurationSet": {"Name": name},
        "EventDestinations": [],
        "DeliveryOptions": {"TlsPolicy": "Optional"},
        "ReputationOptions": {"SendingEnabled": True, "ReputationMetricsEnabled": False},
    }


def test_v1_set_edited_by_v2_and_back(ses: Any, sesv2: Any, make_set: Callable[..., str]) -> None:
    name = make_set("v1")
    ses.create_configuration_set_tracking_options(
        ConfigurationSetName=name, TrackingOptions={"CustomRedirectDomain": "t.example.com"}
    )
    ses.put_configuration_set_delivery_options(
        ConfigurationSetName=name, DeliveryOptions={"TlsPolicy": "Require"}
    )
    ses.update_configuration_set_sending_enabled(ConfigurationSetName=name, Enabled=False)
    assert _get(sesv2, name) == {
        "ConfigurationSetName": name,
        "TrackingOptions": {"CustomRedirectDomain": "t.example.com"},
        "DeliveryOptions": {"TlsPolicy": "REQUIRE"},
        "ReputationOptions": {"ReputationMetricsEnabled": False},
        "SendingOptions": {"SendingEnabled": False},
        "Tags": [],
    }

    sesv2.put_configuration_set_tracking_options(
        ConfigurationSetName=name, CustomRedirectDomain="v2.example.com", HttpsPolicy="REQUIRE"
    )
    sesv2.put_configuration_set_delivery_options(
        ConfigurationSetName=name, TlsPolicy="OPTIONAL", MaxDeliverySeconds=900
    )
    sesv2.put_configuration_set_suppression_options(
        ConfigurationSetName=name, SuppressedReasons=["BOUNCE"]
    )
    sesv2.tag_resource(
        ResourceArn=f"arn:aws:ses:us-east-1:123456789012:configuration-set/{name}",
        Tags=[{"Key": "team", "Value": "mail"}],
    )
    assert describe_set(ses, name) == {
        "ConfigurationSet": {"Name": name},
        "EventDestinations": [],
        "TrackingOptions": {"CustomRedirectDomain": "v2.example.com"},
        "DeliveryOptions": {"TlsPolicy": "Optional"},
        "ReputationOptions": {"SendingEnabled": False, "ReputationMetricsEnabled": False},
    }

    # v1 edits leave every v2-only option alone.
    ses.put_configuration_set_delivery_options(
        ConfigurationSetName=name, DeliveryOptions={"TlsPolicy": "Require"}
    )
    ses.update_configuration_set_tracking_options(
        ConfigurationSetName=name, TrackingOptions={"CustomRedirectDomain": "v1.example.com"}
    )
    assert _get(sesv2, name) == {
        "ConfigurationSetName": name,
        "TrackingOptions": {"CustomRedirectDomain": "v1.example.com", "HttpsPolicy": "REQUIRE"},
        "DeliveryOptions": {"TlsPolicy": "REQUIRE", "MaxDeliverySeconds": 900},
        "ReputationOptions": {"ReputationMetricsEnabled": False},
        "SendingOptions": {"SendingEnabled": False},
        "SuppressionOptions": {"SuppressedReasons": ["BOUNCE"]},
        "Tags": [{"Key": "team", "Value": "mail"}],
    }

    # Deleted by v2, the set is gone for v1 too.
    sesv2.delete_configuration_set(ConfigurationSetName=name)
    with pytest.raises(ses.exceptions.ConfigurationSetDoesNotExistException):
        ses.describe_configuration_set(ConfigurationSetName=name)


def test_set_made_by_v2_with_options_reads_in_v1(ses: Any, make_set: Callable[..., str]) -> None:
    name = make_set(
        "v2",
        TrackingOptions={"CustomRedirectDomain": "t.example.com", "HttpsPolicy": "OPTIONAL"},
        DeliveryOptions={"TlsPolicy": "REQUIRE", "SendingPoolName": "ses-shared-pool"},
        ReputationOptions={"ReputationMetricsEnabled": True},
        SendingOptions={"SendingEnabled": False},
    )
    assert describe_set(ses, name) == {
        "ConfigurationSet": {"Name": name},
        "EventDestinations": [],
        "TrackingOptions": {"CustomRedirectDomain": "t.example.com"},
        "DeliveryOptions": {"TlsPolicy": "Require"},
        "ReputationOptions": {"SendingEnabled": False, "ReputationMetricsEnabled": True},
    }


@pytest.mark.parametrize(
    ("v1_policy", "v2_policy"), [("Require", "REQUIRE"), ("Optional", "OPTIONAL")]
)
def test_tls_policy_both_ways(
    ses: Any, sesv2: Any, make_set: Callable[..., str], v1_policy: str, v2_policy: str
) -> None:
    other_v2 = "OPTIONAL" if v2_policy == "REQUIRE" else "REQUIRE"
    name = make_set("v2", DeliveryOptions={"TlsPolicy": other_v2})
    ses.put_configuration_set_delivery_options(
        ConfigurationSetName=name, DeliveryOptions={"TlsPolicy": v1_policy}
    )
    assert _get(sesv2, name)["DeliveryOptions"] == {"TlsPolicy": v2_policy}
    sesv2.put_configuration_set_delivery_options(ConfigurationSetName=name, TlsPolicy=other_v2)
    other_v1 = "Optional" if v1_policy == "Require" else "Require"
    assert describe_set(ses, name)["DeliveryOptions"] == {"TlsPolicy": other_v1}
    sesv2.put_configuration_set_delivery_options(ConfigurationSetName=name, TlsPolicy=v2_policy)
    assert describe_set(ses, name)["DeliveryOptions"] == {"TlsPolicy": v1_policy}


def test_v1_delivery_options_keep_the_v2_sending_pool(
    ses: Any, sesv2: Any, make_set: Callable[..., str]
) -> None:
    name = make_set(
        "v2",
        DeliveryOptions={
            "TlsPolicy": "OPTIONAL",
            "SendingPoolName": "ses-shared-pool",
            "MaxDeliverySeconds": 600,
        },
    )
    ses.put_configuration_set_delivery_options(
        ConfigurationSetName=name, DeliveryOptions={"TlsPolicy": "Require"}
    )
    assert _get(sesv2, name)["DeliveryOptions"] == {
        "TlsPolicy": "REQUIRE",
        "SendingPoolName": "ses-shared-pool",
        "MaxDeliverySeconds": 600,
    }


def test_v2_https_policy_survives_v1_tracking_update(
    ses: Any, sesv2: Any, make_set: Callable[..., str]
) -> None:
    name = make_set(
        "v2",
        TrackingOptions={
            "CustomRedirectDomain": "t.example.com",
            "HttpsPolicy": "REQUIRE_OPEN_ONLY",
        },
    )
    # v1 sees the tracking options v2 made, so Create refuses and Update works.
    with pytest.raises(ses.exceptions.TrackingOptionsAlreadyExistsException):
        ses.create_configuration_set_tracking_options(
            ConfigurationSetName=name, TrackingOptions={"CustomRedirectDomain": "u.example.com"}
        )
    ses.update_configuration_set_tracking_options(
        ConfigurationSetName=name, TrackingOptions={"CustomRedirectDomain": "u.example.com"}
    )
    assert _get(sesv2, name)["TrackingOptions"] == {
        "CustomRedirectDomain": "u.example.com",
        "HttpsPolicy": "REQUIRE_OPEN_ONLY",
    }
    ses.delete_configuration_set_tracking_options(ConfigurationSetName=name)
    assert "TrackingOptions" not in _get(sesv2, name)


def test_v1_tracking_options_read_in_v2_and_removed_by_v2(
    ses: Any, sesv2: Any, make_set: Callable[..., str]
) -> None:
    name = make_set("v1")
    ses.create_configuration_set_tracking_options(
        ConfigurationSetName=name, TrackingOptions={"CustomRedirectDomain": "t.example.com"}
    )
    assert _get(sesv2, name)["TrackingOptions"] == {"CustomRedirectDomain": "t.example.com"}
    sesv2.put_configuration_set_tracking_options(ConfigurationSetName=name)
    with pytest.raises(ses.exceptions.TrackingOptionsDoesNotExistException):
        ses.delete_configuration_set_tracking_options(ConfigurationSetName=name)
    assert "TrackingOptions" not in describe_set(ses, name)


def test_v1_sending_and_reputation_read_in_v2(
    ses: Any, sesv2: Any, make_set: Callable[..., str]
) -> None:
    name = make_set("v1")
    ses.update_configuration_set_sending_enabled(ConfigurationSetName=name, Enabled=False)
    assert _get(sesv2, name)["SendingOptions"] == {"SendingEnabled": False}
    before = datetime.datetime.now(datetime.UTC)
    sesv2.put_configuration_set_sending_options(ConfigurationSetName=name, SendingEnabled=True)
    after = datetime.datetime.now(datetime.UTC)
    reputation = describe_set(ses, name)["ReputationOptions"]
    fresh = reputation.pop("LastFreshStart")
    assert reputation == {"SendingEnabled": True, "ReputationMetricsEnabled": False}
    assert before - datetime.timedelta(seconds=1) <= fresh <= after
    # The same instant on both wires (v1 ISO 8601, v2 epoch seconds). v1 truncates to the
    # millisecond and v2 rounds (protocol/timestamps.py), so they may differ by one.
    v2_fresh = _get(sesv2, name)["ReputationOptions"]["LastFreshStart"]
    assert abs(v2_fresh - fresh) <= datetime.timedelta(milliseconds=1)


def test_v2_destination_reads_in_v1_spelling(
    ses: Any, sesv2: Any, make_set: Callable[..., str]
) -> None:
    name = make_set("v2")
    sesv2.create_configuration_set_event_destination(
        ConfigurationSetName=name,
        EventDestinationName="cw",
        EventDestination={
            "Enabled": True,
            "MatchingEventTypes": ["SEND", "RENDERING_FAILURE", "DELIVERY_DELAY", "SUBSCRIPTION"],
            "CloudWatchDestination": {
                "DimensionConfigurations": [
                    {
                        "DimensionName": "campaign",
                        "DimensionValueSource": "MESSAGE_TAG",
                        "DefaultDimensionValue": "none",
                    },
                    {
                        "DimensionName": "from",
                        "DimensionValueSource": "EMAIL_HEADER",
                        "DefaultDimensionValue": "a@example.com",
                    },
                    {
                        "DimensionName": "link",
                        "DimensionValueSource": "LINK_TAG",
                        "DefaultDimensionValue": "home",
                    },
                ]
            },
        },
    )
    sesv2.create_configuration_set_event_destination(
        ConfigurationSetName=name,
        EventDestinationName="fh",
        EventDestination={
            "Enabled": False,
            "MatchingEventTypes": ["REJECT", "BOUNCE", "COMPLAINT", "DELIVERY", "OPEN", "CLICK"],
            "KinesisFirehoseDestination": {
                "IamRoleArn": FIREHOSE_ROLE,
                "DeliveryStreamArn": FIREHOSE_STREAM,
            },
        },
    )
    sesv2.create_configuration_set_event_destination(
        ConfigurationSetName=name,
        EventDestinationName="sns",
        EventDestination={
            "MatchingEventTypes": ["BOUNCE"],
            "SnsDestination": {"TopicArn": SNS_TOPIC},
        },
    )
    assert describe_set(ses, name)["EventDestinations"] == [
        {
            "Name": "cw",
            "Enabled": True,
            "MatchingEventTypes": ["send", "renderingFailure", "deliveryDelay", "subscription"],
            "CloudWatchDestination": {
                "DimensionConfigurations": [
                    {
                        "DimensionName": "campaign",
                        "DimensionValueSource": "messageTag",
                        "DefaultDimensionValue": "none",
                    },
                    {
                        "DimensionName": "from",
                        "DimensionValueSource": "emailHeader",
                        "DefaultDimensionValue": "a@example.com",
                    },
                    {
                        "DimensionName": "link",
                        "DimensionValueSource": "linkTag",
                        "DefaultDimensionValue": "home",
                    },
                ]
            },
        },
        {
            "Name": "fh",
            "Enabled": False,
            "MatchingEventTypes": ["reject", "bounce", "complaint", "delivery", "open", "click"],
            "KinesisFirehoseDestination": {
                "IAMRoleARN": FIREHOSE_ROLE,
                "DeliveryStreamARN": FIREHOSE_STREAM,
            },
        },
        {
            "Name": "sns",
            "Enabled": False,
            "MatchingEventTypes": ["bounce"],
            "SNSDestination": {"TopicARN": SNS_TOPIC},
        },
    ]


def test_v1_destination_reads_in_v2_spelling(
    ses: Any, sesv2: Any, make_set: Callable[..., str]
) -> None:
    name = make_set("v1")
    ses.create_configuration_set_event_destination(
        ConfigurationSetName=name,
        EventDestination={
            "Name": "cw",
            "Enabled": True,
            "MatchingEventTypes": ["send", "renderingFailure", "click"],
            "CloudWatchDestination": {
                "DimensionConfigurations": [
                    {
                        "DimensionName": "campaign",
                        "DimensionValueSource": "messageTag",
                        "DefaultDimensionValue": "none",
                    },
                    {
                        "DimensionName": "ses:from-domain",
                        "DimensionValueSource": "emailHeader",
                        "DefaultDimensionValue": "example.com",
                    },
                    {
                        "DimensionName": "link",
                        "DimensionValueSource": "linkTag",
                        "DefaultDimensionValue": "home",
                    },
                ]
            },
        },
    )
    ses.create_configuration_set_event_destination(
        ConfigurationSetName=name,
        EventDestination={
            "Name": "fh",
            "Enabled": True,
            "MatchingEventTypes": ["delivery"],
            "KinesisFirehoseDestination": {
                "IAMRoleARN": FIREHOSE_ROLE,
                "DeliveryStreamARN": FIREHOSE_STREAM,
            },
        },
    )
    ses.create_configuration_set_event_destination(
        ConfigurationSetName=name,
        EventDestination={
            "Name": "sns",
            "MatchingEventTypes": ["reject", "bounce", "complaint", "open"],
            "SNSDestination": {"TopicARN": SNS_TOPIC},
        },
    )
    assert _destinations(sesv2, name) == [
        {
            "Name": "cw",
            "Enabled": True,
            "MatchingEventTypes": ["SEND", "RENDERING_FAILURE", "CLICK"],
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
                    {
                        "DimensionName": "link",
                        "DimensionValueSource": "LINK_TAG",
                        "DefaultDimensionValue": "home",
                    },
                ]
            },
        },
        {
            "Name": "fh",
            "Enabled": True,
            "MatchingEventTypes": ["DELIVERY"],
            "KinesisFirehoseDestination": {
                "IamRoleArn": FIREHOSE_ROLE,
                "DeliveryStreamArn": FIREHOSE_STREAM,
            },
        },
        {
            "Name": "sns",
            "Enabled": False,
            "MatchingEventTypes": ["REJECT", "BOUNCE", "COMPLAINT", "OPEN"],
            "SnsDestination": {"TopicArn": SNS_TOPIC},
        },
    ]


def test_destination_edited_across_apis(ses: Any, sesv2: Any, make_set: Callable[..., str]) -> None:
    name = make_set("v2")
    sesv2.create_configuration_set_event_destination(
        ConfigurationSetName=name,
        EventDestinationName="d1",
        EventDestination={
            "Enabled": True,
            "MatchingEventTypes": ["SEND"],
            "SnsDestination": {"TopicArn": SNS_TOPIC},
        },
    )
    ses.update_configuration_set_event_destination(
        ConfigurationSetName=name,
        EventDestination={
            "Name": "d1",
            "Enabled": False,
            "MatchingEventTypes": ["open", "click"],
            "SNSDestination": {"TopicARN": SNS_TOPIC},
        },
    )
    assert _destinations(sesv2, name) == [
        {
            "Name": "d1",
            "Enabled": False,
            "MatchingEventTypes": ["OPEN", "CLICK"],
            "SnsDestination": {"TopicArn": SNS_TOPIC},
        }
    ]
    # A name taken in one API is taken in the other.
    with pytest.raises(ses.exceptions.EventDestinationAlreadyExistsException):
        ses.create_configuration_set_event_destination(
            ConfigurationSetName=name,
            EventDestination={
                "Name": "d1",
                "MatchingEventTypes": ["send"],
                "SNSDestination": {"TopicARN": SNS_TOPIC},
            },
        )
    ses.delete_configuration_set_event_destination(
        ConfigurationSetName=name, EventDestinationName="d1"
    )
    assert _destinations(sesv2, name) == []
    with pytest.raises(sesv2.exceptions.NotFoundException):
        sesv2.delete_configuration_set_event_destination(
            ConfigurationSetName=name, EventDestinationName="d1"
        )


def test_destination_limit_counts_both_apis(
    ses: Any, sesv2: Any, make_set: Callable[..., str]
) -> None:
    name = make_set("v1")
    for index in range(5):
        sesv2.create_configuration_set_event_destination(
            ConfigurationSetName=name,
            EventDestinationName=f"v2-{index}",
            EventDestination={
                "MatchingEventTypes": ["SEND"],
                "SnsDestination": {"TopicArn": SNS_TOPIC},
            },
        )
        ses.create_configuration_set_event_destination(
            ConfigurationSetName=name,
            EventDestination={
                "Name": f"v1-{index}",
                "MatchingEventTypes": ["send"],
                "SNSDestination": {"TopicARN": SNS_TOPIC},
            },
        )
    with pytest.raises(ses.exceptions.LimitExceededException):
        ses.create_configuration_set_event_destination(
            ConfigurationSetName=name,
            EventDestination={
                "Name": "v1-extra",
                "MatchingEventTypes": ["send"],
                "SNSDestination": {"TopicARN": SNS_TOPIC},
            },
        )
    assert len(describe_set(ses, name)["EventDestinations"]) == 10


def test_v2_only_targets_show_in_v1_without_a_target_block(
    ses: Any, sesv2: Any, make_set: Callable[..., str]
) -> None:
    name = make_set("v2")
    sesv2.create_configuration_set_event_destination(
        ConfigurationSetName=name,
        EventDestinationName="bus",
        EventDestination={
            "Enabled": True,
            "MatchingEventTypes": ["SEND", "DELIVERY"],
            "EventBridgeDestination": {"EventBusArn": EVENT_BUS},
        },
    )
    sesv2.create_configuration_set_event_destination(
        ConfigurationSetName=name,
        EventDestinationName="pinpoint",
        EventDestination={
            "Enabled": False,
            "MatchingEventTypes": ["OPEN"],
            "PinpointDestination": {"ApplicationArn": PINPOINT_APP},
        },
    )
    assert describe_set(ses, name)["EventDestinations"] == [
        {"Name": "bus", "Enabled": True, "MatchingEventTypes": ["send", "delivery"]},
        {"Name": "pinpoint", "Enabled": False, "MatchingEventTypes": ["open"]},
    ]
    # v1 can still replace or delete them; the v2 view follows.
    ses.update_configuration_set_event_destination(
        ConfigurationSetName=name,
        EventDestination={
            "Name": "bus",
            "Enabled": True,
            "MatchingEventTypes": ["bounce"],
            "SNSDestination": {"TopicARN": SNS_TOPIC},
        },
    )
    ses.delete_configuration_set_event_destination(
        ConfigurationSetName=name, EventDestinationName="pinpoint"
    )
    assert _destinations(sesv2, name) == [
        {
            "Name": "bus",
            "Enabled": True,
            "MatchingEventTypes": ["BOUNCE"],
            "SnsDestination": {"TopicArn": SNS_TOPIC},
        }
    ]


def test_v1_list_includes_v2_sets(server: Any) -> None:
    v1 = server.client("ses", access_key="111122227777")
    v2 = server.client("sesv2", access_key="111122227777")
    from_v1, from_v2 = unique("a-v1"), unique("b-v2")
    v1.create_configuration_set(ConfigurationSet={"Name": from_v1})
    v2.create_configuration_set(ConfigurationSetName=from_v2)
    try:
        assert strip_metadata(v1.list_configuration_sets()) == {
            "ConfigurationSets": [{"Name": from_v1}, {"Name": from_v2}]
        }
        assert strip_metadata(v2.list_configuration_sets()) == {
            "ConfigurationSets": [from_v1, from_v2]
        }
        # A v1 page token is good for v1's next page, and so is v2's for v2.
        first = v1.list_configuration_sets(MaxItems=1)
        assert first["ConfigurationSets"] == [{"Name": from_v1}]
        second = v1.list_configuration_sets(MaxItems=1, NextToken=first["NextToken"])
        assert strip_metadata(second) == {"ConfigurationSets": [{"Name": from_v2}]}
    finally:
        v2.delete_configuration_set(ConfigurationSetName=from_v1)
        v1.delete_configuration_set(ConfigurationSetName=from_v2)


def test_name_taken_in_one_api_is_taken_in_the_other(
    ses: Any, sesv2: Any, make_set: Callable[..., str]
) -> None:
    v1_name = make_set("v1")
    v2_name = make_set("v2")
    with pytest.raises(sesv2.exceptions.AlreadyExistsException):
        sesv2.create_configuration_set(ConfigurationSetName=v1_name)
    with pytest.raises(ses.exceptions.ConfigurationSetAlreadyExistsException):
        ses.create_configuration_set(ConfigurationSet={"Name": v2_name})
