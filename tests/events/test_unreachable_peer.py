"""A destination whose target cannot be checked (a peer that refuses connections, no AWS
credentials) is refused at once with AWS's error for its kind and a message that says how to
fix it; events whose publisher has no credentials are retried, then dead-lettered, with that
reason."""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError

from openses.config import Settings
from tests.events.conftest import FAST
from tests.events.peerside import eventually
from tests.support import LiveServer, database_url, free_port, serve_in_thread, unique

TOPIC = "arn:aws:sns:us-east-1:123456789012:events"
STREAM = "arn:aws:firehose:us-east-1:123456789012:deliverystream/events"
ROLE = "arn:aws:iam::123456789012:role/firehose"
BUS = "arn:aws:events:us-east-1:123456789012:event-bus/default"
TARGETS: dict[str, tuple[dict[str, Any], str, str]] = {
    "sns": ({"SnsDestination": {"TopicArn": TOPIC}}, f"SNS topic <{TOPIC}>", "SNS"),
    "firehose": (
        {"KinesisFirehoseDestination": {"IamRoleArn": ROLE, "DeliveryStreamArn": STREAM}},
        f"Firehose delivery stream <{STREAM}>",
        "FIREHOSE",
    ),
    "eventbridge": (
        {"EventBridgeDestination": {"EventBusArn": BUS}},
        f"EventBridge event bus <{BUS}>",
        "EVENTBRIDGE",
    ),
}
SKIP = "or set OPENSES_VALIDATE_DESTINATIONS=false to skip this check."
NO_CREDENTIALS = (
    "NoCredentialsError: Unable to locate credentials. Give openses AWS credentials "
    "(AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile or a role; any values will do for a "
    "local peer such as moto, which OPENSES_AWS_ENDPOINT_URL points at), " + SKIP
)


def closed_endpoint() -> str:
    """A loopback URL on which nothing listens: connections are refused at once."""
    return f"http://127.0.0.1:{free_port()}"


def refused(what: str, endpoint: str, env: str) -> str:
    return (
        f"Could not check {what} on the AWS endpoint {endpoint}: EndpointConnectionError: Could "
        f'not connect to the endpoint URL: "{endpoint}/". Point OPENSES_AWS_ENDPOINT_URL (or '
        f"OPENSES_AWS_ENDPOINT_URL_{env}) at a reachable AWS-compatible endpoint, {SKIP}"
    )


def error_of(call: Any, **params: Any) -> tuple[int, dict[str, str], float]:
    started = time.monotonic()
    with pytest.raises(ClientError) as caught:
        call(**params)
    response = caught.value.response
    return (
        response["ResponseMetadata"]["HTTPStatusCode"],
        {"Code": response["Error"]["Code"], "Message": response["Error"]["Message"]},
        time.monotonic() - started,
    )


@pytest.fixture
def db_url(backend: str, tmp_path: Path) -> Iterator[str]:
    with database_url(backend, str(tmp_path)) as url:
        yield url


@pytest.fixture
def no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Nothing in boto3's credential chain: no keys, no files, no metadata service."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    for name in ("AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE"):
        monkeypatch.setenv(name, str(tmp_path / "absent"))
    for name in (
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def new_set(server: LiveServer) -> str:
    name = unique("unchecked")
    server.client("sesv2").create_configuration_set(ConfigurationSetName=name)
    return name


def destination(kind: str) -> dict[str, Any]:
    return {"Enabled": True, "MatchingEventTypes": ["SEND"], **TARGETS[kind][0]}


@pytest.mark.parametrize("kind", sorted(TARGETS))
def test_v2_refused_peer_is_a_bad_request_at_once(
    db_url: str, kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    endpoint = closed_endpoint()
    settings = Settings(database_url=db_url, aws_endpoint_url=endpoint, dispatch_events=False)
    _, what, env = TARGETS[kind]
    with serve_in_thread(settings) as server:
        sesv2 = server.client("sesv2")
        name = new_set(server)
        with caplog.at_level(logging.INFO):
            status, error, took = error_of(
                sesv2.create_configuration_set_event_destination,
                ConfigurationSetName=name,
                EventDestinationName="d",
                EventDestination=destination(kind),
            )
        assert (status, error) == (
            400,
            {"Code": "BadRequestException", "Message": refused(what, endpoint, env)},
        )
        assert took < 3
        # This request's lines: other servers of the session may log at the same time.
        logged = [r for r in caplog.records if r.name == "openses.api" or what in r.getMessage()]
        assert [(r.levelname, r.getMessage(), r.exc_info) for r in logged] == [
            (
                "WARNING",
                f"could not check {what} on the AWS endpoint {endpoint}: EndpointConnectionError:"
                f' Could not connect to the endpoint URL: "{endpoint}/"',
                None,
            )
        ]
        got = sesv2.get_configuration_set_event_destinations(ConfigurationSetName=name)
        assert got["EventDestinations"] == []


def test_v2_update_to_a_refused_peer_changes_nothing(db_url: str) -> None:
    endpoint = closed_endpoint()
    settings = Settings(database_url=db_url, aws_endpoint_url=endpoint, dispatch_events=False)
    with serve_in_thread(settings) as server:
        sesv2 = server.client("sesv2")
        name = new_set(server)
        cloudwatch = {
            "Enabled": True,
            "MatchingEventTypes": ["SEND"],
            "CloudWatchDestination": {
                "DimensionConfigurations": [
                    {
                        "DimensionName": "ses:configuration-set",
                        "DimensionValueSource": "MESSAGE_TAG",
                        "DefaultDimensionValue": "none",
                    }
                ]
            },
        }
        sesv2.create_configuration_set_event_destination(
            ConfigurationSetName=name, EventDestinationName="d", EventDestination=cloudwatch
        )
        before = sesv2.get_configuration_set_event_destinations(ConfigurationSetName=name)
        status, error, _ = error_of(
            sesv2.update_configuration_set_event_destination,
            ConfigurationSetName=name,
            EventDestinationName="d",
            EventDestination=destination("sns"),
        )
        assert (status, error["Code"]) == (400, "BadRequestException")
        after = sesv2.get_configuration_set_event_destinations(ConfigurationSetName=name)
        assert after["EventDestinations"] == before["EventDestinations"]


def test_v1_refused_peer_gives_the_kinds_error(db_url: str) -> None:
    endpoint = closed_endpoint()
    settings = Settings(database_url=db_url, aws_endpoint_url=endpoint, dispatch_events=False)
    with serve_in_thread(settings) as server:
        ses = server.client("ses")
        name = new_set(server)
        v1_targets = {
            "sns": {"SNSDestination": {"TopicARN": TOPIC}},
            "firehose": {
                "KinesisFirehoseDestination": {"IAMRoleARN": ROLE, "DeliveryStreamARN": STREAM}
            },
        }
        for kind, code in (
            ("sns", "InvalidSNSDestination"),
            ("firehose", "InvalidFirehoseDestination"),
        ):
            wire = v1_targets[kind]
            _, what, env = TARGETS[kind]
            status, error, took = error_of(
                ses.create_configuration_set_event_destination,
                ConfigurationSetName=name,
                EventDestination={
                    "Name": kind,
                    "Enabled": True,
                    "MatchingEventTypes": ["send"],
                    **wire,
                },
            )
            assert (status, error) == (
                400,
                {"Code": code, "Message": refused(what, endpoint, env)},
            )
            assert took < 3
        described = ses.describe_configuration_set(
            ConfigurationSetName=name, ConfigurationSetAttributeNames=["eventDestinations"]
        )
        assert described["EventDestinations"] == []


@pytest.mark.usefixtures("no_credentials")
def test_no_credentials_is_a_bad_request_that_says_so(db_url: str) -> None:
    settings = Settings(database_url=db_url, dispatch_events=False)
    with serve_in_thread(settings) as server:
        sesv2 = server.client("sesv2")
        ses = server.client("ses")
        name = new_set(server)
        for kind in sorted(TARGETS):
            status, error, took = error_of(
                sesv2.create_configuration_set_event_destination,
                ConfigurationSetName=name,
                EventDestinationName=kind,
                EventDestination=destination(kind),
            )
            message = f"Could not check {TARGETS[kind][1]} on AWS: {NO_CREDENTIALS}"
            assert (status, error) == (400, {"Code": "BadRequestException", "Message": message})
            assert took < 3
        status, error, _ = error_of(
            ses.create_configuration_set_event_destination,
            ConfigurationSetName=name,
            EventDestination={
                "Name": "sns",
                "MatchingEventTypes": ["send"],
                "SNSDestination": {"TopicARN": TOPIC},
            },
        )
        message = f"Could not check SNS topic <{TOPIC}> on AWS: {NO_CREDENTIALS}"
        assert (status, error) == (400, {"Code": "InvalidSNSDestination", "Message": message})
        got = sesv2.get_configuration_set_event_destinations(ConfigurationSetName=name)
        assert got["EventDestinations"] == []


@pytest.mark.usefixtures("no_credentials")
def test_events_without_credentials_are_retried_then_dead_lettered(db_url: str) -> None:
    settings = Settings(
        database_url=db_url,
        aws_endpoint_url=closed_endpoint(),
        validate_destinations=False,
        publish=dataclasses.replace(FAST, max_attempts=2),
    )
    with serve_in_thread(settings) as server:
        sesv2 = server.client("sesv2")
        ses = server.client("ses")
        domain = f"{unique('d')}.example.com"
        sesv2.create_email_identity(EmailIdentity=domain)
        name = new_set(server)
        sesv2.create_configuration_set_event_destination(
            ConfigurationSetName=name,
            EventDestinationName="events",
            EventDestination=destination("sns"),
        )
        identity_topic = "arn:aws:sns:us-east-1:123456789012:bounces"
        ses.set_identity_notification_topic(
            Identity=domain, NotificationType="Bounce", SnsTopic=identity_topic
        )
        message_id = sesv2.send_email(
            FromEmailAddress=f"sender@{domain}",
            Destination={"ToAddresses": ["success@simulator.amazonses.com"]},
            Content={"Simple": {"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "hi"}}}},
            ConfigurationSetName=name,
        )["MessageId"]

        def dead() -> list[dict[str, Any]]:
            answer = httpx.get(f"{server.url}/_openses/dead-letters")
            assert answer.status_code == 200
            found: list[dict[str, Any]] = answer.json()
            return found

        letters = eventually(dead, lambda found: len(found) == 2)
        by_topic = {d["target"]["topic_arn"]: d for d in letters}
        assert sorted(by_topic) == sorted([TOPIC, identity_topic])
        assert {d["lastError"] for d in letters} == {
            "NoCredentialsError: Unable to locate credentials"
        }
        assert {d["attempts"] for d in letters} == {2}
        assert {d["kind"] for d in letters} == {"sns"}
        event = by_topic[TOPIC]
        assert (event["messageId"], event["configurationSet"]) == (message_id, name)
        assert event["payload"]["eventType"] == "Send"
