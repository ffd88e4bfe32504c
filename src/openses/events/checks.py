"""What AWS checks when an event destination is created or updated: that its SNS topic,
Firehose stream or EventBridge bus exists. Off with ``validate_destinations = False``."""

from __future__ import annotations

import threading

from botocore.exceptions import ClientError

from openses.config import Settings
from openses.domain.errors import (
    InvalidEventBridgeDestination,
    InvalidFirehoseDestination,
    InvalidSnsDestination,
)
from openses.domain.event_destination import (
    EventBridgeDestination,
    KinesisFirehoseDestination,
    SnsDestination,
    Target,
)
from openses.events.aws import AwsClients, region_of, resource_name

_MISSING = {"NotFound", "NotFoundException", "ResourceNotFoundException", "InvalidParameter"}


class AwsDestinationCheck:
    def __init__(self, clients: AwsClients) -> None:
        self._clients = clients

    def check(self, target: Target) -> None:
        match target:
            case SnsDestination(topic_arn=arn):
                # REC (errors.md): InvalidSNSDestination, "SNS topic <ARN> not found."
                if not self._exists("sns", arn, "get_topic_attributes", TopicArn=arn):
                    raise InvalidSnsDestination(f"SNS topic <{arn}> not found.")
            case KinesisFirehoseDestination(delivery_stream_arn=arn):
                name = resource_name(arn)
                if not self._exists(
                    "firehose", arn, "describe_delivery_stream", DeliveryStreamName=name
                ):
                    raise InvalidFirehoseDestination(f"Firehose delivery stream <{arn}> not found.")
            case EventBridgeDestination(event_bus_arn=arn):
                if not self._exists("eventbridge", arn, "describe_event_bus", Name=arn):
                    raise InvalidEventBridgeDestination(f"EventBridge event bus <{arn}> not found.")

    def _exists(self, service: str, arn: str, operation: str, **params: str) -> bool:
        try:
            client = self._clients.client(service, region_of(arn))
        except ValueError:
            return False
        try:
            getattr(client, operation)(**params)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in _MISSING:
                return False
            raise
        return True


_CHECKS: dict[int, tuple[Settings, AwsDestinationCheck]] = {}
_LOCK = threading.Lock()


def for_settings(settings: Settings) -> AwsDestinationCheck | None:
    """One checker per Settings object (its clients are cached); None when checks are off."""
    if not settings.validate_destinations:
        return None
    with _LOCK:
        found = _CHECKS.get(id(settings))
        if found is None or found[0] is not settings:
            found = _CHECKS[id(settings)] = (settings, AwsDestinationCheck(AwsClients(settings)))
        return found[1]
