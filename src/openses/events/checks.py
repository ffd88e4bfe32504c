"""What AWS checks when an event destination is created or updated: that its SNS topic,
Firehose stream or EventBridge bus exists. Off with ``validate_destinations = False``.

A target that cannot be checked at all (no credentials, no peer at the endpoint, a peer that
does not answer in time or refuses the caller) fails the request at once with the kind's
Invalid*Destination error, whose message says what went wrong and how to fix it; one line is
logged, no traceback, and nothing is retried.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from botocore.exceptions import ClientError, NoCredentialsError

from openses.config import Settings
from openses.domain.errors import (
    InvalidEventBridgeDestination,
    InvalidEventDestination,
    InvalidFirehoseDestination,
    InvalidSnsDestination,
)
from openses.domain.event_destination import (
    EventBridgeDestination,
    KinesisFirehoseDestination,
    SnsDestination,
    Target,
)
from openses.events.aws import AwsClients, AwsError, describe, region_of, resource_name

log = logging.getLogger("openses.events")

_MISSING = {"NotFound", "NotFoundException", "ResourceNotFoundException", "InvalidParameter"}
# A check waits at most this long for the peer (connect, then answer); it is not retried.
CHECK_TIMEOUT_SECONDS = 5.0

Error = Callable[[str], InvalidEventDestination]


class AwsDestinationCheck:
    def __init__(self, clients: AwsClients) -> None:
        self._clients = clients

    def check(self, target: Target) -> None:
        match target:
            case SnsDestination(topic_arn=arn):
                # REC (errors.md): InvalidSNSDestination, "SNS topic <ARN> not found."
                what = f"SNS topic <{arn}>"
                if not self._exists(
                    "sns", arn, what, InvalidSnsDestination, "get_topic_attributes", TopicArn=arn
                ):
                    raise InvalidSnsDestination(f"{what} not found.")
            case KinesisFirehoseDestination(delivery_stream_arn=arn):
                what = f"Firehose delivery stream <{arn}>"
                name = resource_name(arn)
                if not self._exists(
                    "firehose",
                    arn,
                    what,
                    InvalidFirehoseDestination,
                    "describe_delivery_stream",
                    DeliveryStreamName=name,
                ):
                    raise InvalidFirehoseDestination(f"{what} not found.")
            case EventBridgeDestination(event_bus_arn=arn):
                what = f"EventBridge event bus <{arn}>"
                if not self._exists(
                    "eventbridge",
                    arn,
                    what,
                    InvalidEventBridgeDestination,
                    "describe_event_bus",
                    Name=arn,
                ):
                    raise InvalidEventBridgeDestination(f"{what} not found.")

    def _exists(
        self, service: str, arn: str, what: str, error: Error, operation: str, **params: str
    ) -> bool:
        try:
            client = self._clients.client(service, region_of(arn))
        except ValueError:
            return False
        try:
            getattr(client, operation)(**params)
        except ClientError as failure:
            if failure.response.get("Error", {}).get("Code") in _MISSING:
                return False
            raise self._unchecked(service, what, failure, error) from None
        except AwsError as failure:
            raise self._unchecked(service, what, failure, error) from None
        return True

    def _unchecked(
        self, service: str, what: str, failure: Exception, error: Error
    ) -> InvalidEventDestination:
        """The error for a target that could not be checked, with how to fix it."""
        endpoint = self._clients.endpoint(service)
        where = f"the AWS endpoint {endpoint}" if endpoint else "AWS"
        if isinstance(failure, NoCredentialsError):
            fix = (
                "Give openses AWS credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a "
                "profile or a role; any values will do for a local peer such as moto, which "
                "OPENSES_AWS_ENDPOINT_URL points at)"
            )
        else:
            fix = (
                "Point OPENSES_AWS_ENDPOINT_URL (or "
                f"OPENSES_AWS_ENDPOINT_URL_{service.upper()}) at a reachable AWS-compatible "
                "endpoint"
            )
        log.warning("could not check %s on %s: %s", what, where, describe(failure))
        return error(
            f"Could not check {what} on {where}: {describe(failure)}. {fix}, or set "
            "OPENSES_VALIDATE_DESTINATIONS=false to skip this check."
        )


def destination_check(settings: Settings) -> AwsDestinationCheck | None:
    """The checker ``settings`` ask for (its clients are cached), None when checks are off;
    ``bootstrap.py`` builds it once."""
    if not settings.validate_destinations:
        return None
    clients = AwsClients(
        settings, timeout_seconds=min(settings.publish.timeout_seconds, CHECK_TIMEOUT_SECONDS)
    )
    return AwsDestinationCheck(clients)
