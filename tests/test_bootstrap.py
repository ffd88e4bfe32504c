"""The composition root: an app built with the collaborators a test chooses uses them, with no
global to patch."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from openses import bootstrap
from openses.app import build_app
from openses.config import Settings
from openses.domain.errors import InvalidSnsDestination
from openses.domain.event_destination import SnsDestination, Target
from tests.support import LiveServer, serve_in_thread

MISSING_TOPIC = "arn:aws:sns:us-east-1:123456789012:missing"


class OnlyMissingTopicFails:
    """A destination check that knows one missing topic and takes every other target."""

    def __init__(self) -> None:
        self.checked: list[Target] = []

    def check(self, target: Target) -> None:
        self.checked.append(target)
        if isinstance(target, SnsDestination) and target.topic_arn == MISSING_TOPIC:
            raise InvalidSnsDestination(f"SNS topic <{MISSING_TOPIC}> not found.")


@pytest.fixture
def check() -> OnlyMissingTopicFails:
    return OnlyMissingTopicFails()


@pytest.fixture
def live(tmp_path: Path, check: OnlyMissingTopicFails) -> Iterator[LiveServer]:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'root.db'}",
        dispatch_events=False,
        smtp_port=0,
        smtps_port=0,
    )
    root = bootstrap.server(settings, destination_check=check)
    with serve_in_thread(settings, build_app(root)) as server:
        yield server


def _destination(topic_arn: str) -> dict[str, object]:
    return {
        "Enabled": True,
        "MatchingEventTypes": ["SEND"],
        "SnsDestination": {"TopicArn": topic_arn},
    }


def test_the_injected_destination_check_decides(
    live: LiveServer, check: OnlyMissingTopicFails
) -> None:
    sesv2 = live.client("sesv2")
    sesv2.create_configuration_set(ConfigurationSetName="checked")
    with pytest.raises(ClientError) as raised:
        sesv2.create_configuration_set_event_destination(
            ConfigurationSetName="checked",
            EventDestinationName="missing",
            EventDestination=_destination(MISSING_TOPIC),
        )
    assert raised.value.response["Error"]["Code"] == "BadRequestException"
    assert raised.value.response["Error"]["Message"] == f"SNS topic <{MISSING_TOPIC}> not found."
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    present = "arn:aws:sns:us-east-1:123456789012:present"
    sesv2.create_configuration_set_event_destination(
        ConfigurationSetName="checked",
        EventDestinationName="present",
        EventDestination=_destination(present),
    )
    assert check.checked == [
        SnsDestination(topic_arn=MISSING_TOPIC),
        SnsDestination(topic_arn=present),
    ]
    destinations = sesv2.get_configuration_set_event_destinations(ConfigurationSetName="checked")
    assert [d["Name"] for d in destinations["EventDestinations"]] == ["present"]


def test_checks_off_in_settings_build_no_check(tmp_path: Path) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'off.db'}",
        validate_destinations=False,
        dispatch_events=False,
    )
    root = bootstrap.server(settings)
    try:
        assert root.destination_check is None
        assert root.dispatcher is None
    finally:
        root.engine.dispose()
