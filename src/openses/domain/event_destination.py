"""An event destination: which event types of a configuration set go where."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from openses.domain import names
from openses.domain.errors import (
    InvalidCloudWatchDestination,
    InvalidEventDestination,
    InvalidSnsDestination,
)

MAX_DIMENSIONS = 10


class EventType(StrEnum):
    SEND = "SEND"
    REJECT = "REJECT"
    BOUNCE = "BOUNCE"
    COMPLAINT = "COMPLAINT"
    DELIVERY = "DELIVERY"
    OPEN = "OPEN"
    CLICK = "CLICK"
    RENDERING_FAILURE = "RENDERING_FAILURE"
    DELIVERY_DELAY = "DELIVERY_DELAY"
    SUBSCRIPTION = "SUBSCRIPTION"


# The eventType spelling of each event type in published records.
RECORD_EVENT_TYPES: dict[str, EventType] = {
    "Send": EventType.SEND,
    "Reject": EventType.REJECT,
    "Bounce": EventType.BOUNCE,
    "Complaint": EventType.COMPLAINT,
    "Delivery": EventType.DELIVERY,
    "Open": EventType.OPEN,
    "Click": EventType.CLICK,
    "Rendering Failure": EventType.RENDERING_FAILURE,
    "DeliveryDelay": EventType.DELIVERY_DELAY,
    "Subscription": EventType.SUBSCRIPTION,
}


class DimensionValueSource(StrEnum):
    MESSAGE_TAG = "MESSAGE_TAG"
    EMAIL_HEADER = "EMAIL_HEADER"
    LINK_TAG = "LINK_TAG"


@dataclass(frozen=True, slots=True, kw_only=True)
class DimensionConfiguration:
    dimension_name: str
    dimension_value_source: DimensionValueSource
    default_dimension_value: str

    def __post_init__(self) -> None:
        if not names.is_valid_dimension_name(self.dimension_name):
            raise InvalidCloudWatchDestination(
                f"Invalid dimension name {self.dimension_name}: only alphanumeric ASCII "
                "characters, '_', '-' and ':' are allowed, up to 256 characters."
            )
        if not names.is_valid_dimension_value(self.default_dimension_value):
            raise InvalidCloudWatchDestination(
                f"Invalid default dimension value {self.default_dimension_value}: only "
                "alphanumeric ASCII characters, '_', '-', ':', '@' and '.' are allowed, up to "
                "256 characters."
            )


@dataclass(frozen=True, slots=True, kw_only=True)
class CloudWatchDestination:
    dimension_configurations: tuple[DimensionConfiguration, ...]

    def __post_init__(self) -> None:
        if not self.dimension_configurations:
            raise InvalidCloudWatchDestination(
                "A CloudWatch destination needs at least one dimension configuration."
            )
        if len(self.dimension_configurations) > MAX_DIMENSIONS:
            raise InvalidCloudWatchDestination(
                f"A CloudWatch destination can have at most {MAX_DIMENSIONS} dimension "
                "configurations."
            )


@dataclass(frozen=True, slots=True, kw_only=True)
class KinesisFirehoseDestination:
    iam_role_arn: str
    delivery_stream_arn: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SnsDestination:
    topic_arn: str


@dataclass(frozen=True, slots=True, kw_only=True)
class EventBridgeDestination:
    event_bus_arn: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PinpointDestination:
    application_arn: str | None = None


Target = (
    CloudWatchDestination
    | KinesisFirehoseDestination
    | SnsDestination
    | EventBridgeDestination
    | PinpointDestination
)


@dataclass(frozen=True, slots=True, kw_only=True)
class EventDestination:
    name: str
    enabled: bool
    matching_event_types: tuple[EventType, ...]
    target: Target

    def receives(self, event_type: EventType) -> bool:
        return self.enabled and event_type in self.matching_event_types

    @classmethod
    def define(
        cls,
        *,
        name: str,
        enabled: bool,
        matching_event_types: tuple[EventType, ...],
        targets: list[Target],
    ) -> EventDestination:
        """Build a destination from a request, which must name exactly one target."""
        if not names.is_valid_name(name):
            raise InvalidEventDestination(
                f"Invalid event destination name <{name}>: only alphanumeric ASCII characters, "
                "'_' and '-' are allowed, up to 64 characters."
            )
        if len(targets) != 1:
            raise InvalidEventDestination(
                "Please provide only one destination with each request. Either a Firehose "
                "Destination or a Cloudwatch Destination or an SNS Destination or an EventBridge "
                "Destination."
            )
        if not matching_event_types:
            raise InvalidEventDestination(
                "An event destination must match at least one event type."
            )
        target = targets[0]
        if isinstance(target, SnsDestination) and not names.is_sns_topic_arn(target.topic_arn):
            # GUESS wording, in the form of AWS's recorded "SNS topic <ARN> not found."
            raise InvalidSnsDestination(f"SNS topic <{target.topic_arn}> is not a valid topic ARN.")
        unique = tuple(dict.fromkeys(matching_event_types))
        return cls(name=name, enabled=enabled, matching_event_types=unique, target=target)
