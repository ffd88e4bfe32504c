"""SES v1 (Query/XML) configuration-set event destinations through boto3."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.support import (
    FIREHOSE_ROLE,
    FIREHOSE_STREAM,
    SNS_TOPIC,
    cloudwatch_destination,
    describe_set,
    error_dict,
    fresh_description,
    sender_error,
    sns_destination,
    strip_metadata,
    v1_configuration_sets,
)


@pytest.fixture
def make_set(ses: Any) -> Iterator[Callable[[], str]]:
    with v1_configuration_sets(ses) as make:
        yield make


# --- event destinations -------------------------------------------------------------------


def test_event_destinations_of_every_v1_kind(ses: Any, make_set: Callable[[], str]) -> None:
    name = make_set()
    destinations = [
        {
            "Name": "to-sns",
            "Enabled": True,
            "MatchingEventTypes": ["send", "renderingFailure"],
            "SNSDestination": {"TopicARN": SNS_TOPIC},
        },
        {
            "Name": "to-firehose",
            "Enabled": False,
            "MatchingEventTypes": ["reject", "bounce", "complaint", "delivery"],
            "KinesisFirehoseDestination": {
                "IAMRoleARN": FIREHOSE_ROLE,
                "DeliveryStreamARN": FIREHOSE_STREAM,
            },
        },
        {
            "Name": "to-cloudwatch",
            "Enabled": True,
            "MatchingEventTypes": ["open", "click"],
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
                        "DefaultDimensionValue": "mail@example.com",
                    },
                    {
                        "DimensionName": "link_name",
                        "DimensionValueSource": "linkTag",
                        "DefaultDimensionValue": "home-page_1",
                    },
                ]
            },
        },
    ]
    for destination in destinations:
        got = ses.create_configuration_set_event_destination(
            ConfigurationSetName=name, EventDestination=destination
        )
        assert strip_metadata(got) == {}
    assert describe_set(ses, name) == fresh_description(name, EventDestinations=destinations)


def test_enabled_defaults_to_false(ses: Any, make_set: Callable[[], str]) -> None:
    name = make_set()
    ses.create_configuration_set_event_destination(
        ConfigurationSetName=name,
        EventDestination={
            "Name": "quiet",
            "MatchingEventTypes": ["bounce"],
            "SNSDestination": {"TopicARN": SNS_TOPIC},
        },
    )
    assert describe_set(ses, name) == fresh_description(
        name, EventDestinations=[sns_destination("quiet", "bounce", enabled=False)]
    )


def test_repeated_event_types_are_stored_once(ses: Any, make_set: Callable[[], str]) -> None:
    name = make_set()
    ses.create_configuration_set_event_destination(
        ConfigurationSetName=name, EventDestination=sns_destination("d1", "click", "send", "click")
    )
    assert describe_set(ses, name) == fresh_description(
        name, EventDestinations=[sns_destination("d1", "click", "send")]
    )


def test_update_event_destination_replaces_it_in_place(
    ses: Any, make_set: Callable[[], str]
) -> None:
    name = make_set()
    for destination in ("first", "second", "third"):
        ses.create_configuration_set_event_destination(
            ConfigurationSetName=name, EventDestination=sns_destination(destination)
        )
    replacement = cloudwatch_destination("second", "campaign", "none")
    got = ses.update_configuration_set_event_destination(
        ConfigurationSetName=name, EventDestination=replacement
    )
    assert strip_metadata(got) == {}
    assert describe_set(ses, name) == fresh_description(
        name, EventDestinations=[sns_destination("first"), replacement, sns_destination("third")]
    )
    firehose = {
        "Name": "third",
        "Enabled": False,
        "MatchingEventTypes": ["delivery"],
        "KinesisFirehoseDestination": {
            "IAMRoleARN": FIREHOSE_ROLE,
            "DeliveryStreamARN": FIREHOSE_STREAM,
        },
    }
    ses.update_configuration_set_event_destination(
        ConfigurationSetName=name, EventDestination=firehose
    )
    assert describe_set(ses, name) == fresh_description(
        name, EventDestinations=[sns_destination("first"), replacement, firehose]
    )


def test_delete_event_destination(ses: Any, make_set: Callable[[], str]) -> None:
    name = make_set()
    for destination in ("keep", "drop"):
        ses.create_configuration_set_event_destination(
            ConfigurationSetName=name, EventDestination=sns_destination(destination)
        )
    got = ses.delete_configuration_set_event_destination(
        ConfigurationSetName=name, EventDestinationName="drop"
    )
    assert strip_metadata(got) == {}
    assert describe_set(ses, name) == fresh_description(
        name, EventDestinations=[sns_destination("keep")]
    )
    # The name can be used again.
    ses.create_configuration_set_event_destination(
        ConfigurationSetName=name, EventDestination=sns_destination("drop", "open")
    )
    assert describe_set(ses, name) == fresh_description(
        name, EventDestinations=[sns_destination("keep"), sns_destination("drop", "open")]
    )


def test_duplicate_event_destination(ses: Any, make_set: Callable[[], str]) -> None:
    name = make_set()
    ses.create_configuration_set_event_destination(
        ConfigurationSetName=name, EventDestination=sns_destination("d1")
    )
    with pytest.raises(ses.exceptions.EventDestinationAlreadyExistsException) as raised:
        ses.create_configuration_set_event_destination(
            ConfigurationSetName=name,
            EventDestination=sns_destination("d1", "bounce", enabled=False),
        )
    assert error_dict(raised) == sender_error(
        "EventDestinationAlreadyExists",
        f"An event destination with name <d1> already exists for configuration set <{name}>.",
    )
    assert describe_set(ses, name) == fresh_description(
        name, EventDestinations=[sns_destination("d1")]
    )


@pytest.mark.parametrize("method", ["update", "delete"])
def test_missing_event_destination(ses: Any, make_set: Callable[[], str], method: str) -> None:
    name = make_set()
    ses.create_configuration_set_event_destination(
        ConfigurationSetName=name, EventDestination=sns_destination("present")
    )
    call = getattr(ses, f"{method}_configuration_set_event_destination")
    kwargs = (
        {"EventDestination": sns_destination("absent")}
        if method == "update"
        else {"EventDestinationName": "absent"}
    )
    with pytest.raises(ses.exceptions.EventDestinationDoesNotExistException) as raised:
        call(ConfigurationSetName=name, **kwargs)
    assert error_dict(raised) == sender_error(
        "EventDestinationDoesNotExist", f"No EventDestination found for {name}"
    )
    assert describe_set(ses, name) == fresh_description(
        name, EventDestinations=[sns_destination("present")]
    )


@pytest.mark.parametrize(
    ("dimension_name", "default_value", "message"),
    [
        (
            "bad name!",
            "x",
            "Invalid dimension name bad name!: only alphanumeric ASCII characters, '_', '-' "
            "and ':' are allowed, up to 256 characters.",
        ),
        (
            "d" * 257,
            "x",
            f"Invalid dimension name {'d' * 257}: only alphanumeric ASCII characters, '_', '-' "
            "and ':' are allowed, up to 256 characters.",
        ),
        (
            "campaign",
            "no spaces",
            "Invalid default dimension value no spaces: only alphanumeric ASCII characters, "
            "'_', '-', ':', '@' and '.' are allowed, up to 256 characters.",
        ),
        (
            "campaign",
            "v" * 257,
            f"Invalid default dimension value {'v' * 257}: only alphanumeric ASCII characters, "
            "'_', '-', ':', '@' and '.' are allowed, up to 256 characters.",
        ),
    ],
)
@pytest.mark.parametrize("method", ["create", "update"])
def test_invalid_cloudwatch_dimension(
    ses: Any,
    make_set: Callable[[], str],
    method: str,
    dimension_name: str,
    default_value: str,
    message: str,
) -> None:
    name = make_set()
    ses.create_configuration_set_event_destination(
        ConfigurationSetName=name, EventDestination=sns_destination("existing")
    )
    bad = cloudwatch_destination(
        "existing" if method == "update" else "new", dimension_name, default_value
    )
    call = getattr(ses, f"{method}_configuration_set_event_destination")
    with pytest.raises(ses.exceptions.InvalidCloudWatchDestinationException) as raised:
        call(ConfigurationSetName=name, EventDestination=bad)
    assert error_dict(raised) == sender_error("InvalidCloudWatchDestination", message)
    assert describe_set(ses, name) == fresh_description(
        name, EventDestinations=[sns_destination("existing")]
    )


def test_cloudwatch_destination_without_dimensions(ses: Any, make_set: Callable[[], str]) -> None:
    name = make_set()
    with pytest.raises(ses.exceptions.InvalidCloudWatchDestinationException) as raised:
        ses.create_configuration_set_event_destination(
            ConfigurationSetName=name,
            EventDestination={
                "Name": "cw",
                "MatchingEventTypes": ["send"],
                "CloudWatchDestination": {"DimensionConfigurations": []},
            },
        )
    assert error_dict(raised) == sender_error(
        "InvalidCloudWatchDestination",
        "A CloudWatch destination needs at least one dimension configuration.",
    )
    assert describe_set(ses, name) == fresh_description(name)


def test_eleventh_event_destination_is_limit_exceeded(
    ses: Any, make_set: Callable[[], str]
) -> None:
    name = make_set()
    destinations = [sns_destination(f"d{index}") for index in range(10)]
    for destination in destinations:
        ses.create_configuration_set_event_destination(
            ConfigurationSetName=name, EventDestination=destination
        )
    with pytest.raises(ses.exceptions.LimitExceededException) as raised:
        ses.create_configuration_set_event_destination(
            ConfigurationSetName=name, EventDestination=sns_destination("d10")
        )
    assert error_dict(raised) == sender_error(
        "LimitExceeded",
        f"Configuration set <{name}> already has the maximum number of event destinations (10).",
    )
    assert describe_set(ses, name) == fresh_description(name, EventDestinations=destinations)
    # Updating one of the ten is still allowed at the limit.
    ses.update_configuration_set_event_destination(
        ConfigurationSetName=name, EventDestination=sns_destination("d3", "open")
    )
    destinations[3] = sns_destination("d3", "open")
    assert describe_set(ses, name) == fresh_description(name, EventDestinations=destinations)
