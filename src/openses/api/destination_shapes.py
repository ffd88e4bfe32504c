"""Event destinations on the wire, for both APIs: the shapes are the same but for their
spellings (v1 ``SNSDestination``/``TopicARN`` and ``send``/``messageTag``; v2 ``SnsDestination``/
``TopicArn`` and ``SEND``/``MESSAGE_TAG``), and v1 has no EventBridge or Pinpoint target."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from openses.api.registry import Wire
from openses.domain.event_destination import (
    CloudWatchDestination,
    DimensionConfiguration,
    DimensionValueSource,
    EventBridgeDestination,
    EventDestination,
    EventType,
    KinesisFirehoseDestination,
    PinpointDestination,
    SnsDestination,
    Target,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Spelling:
    sns: str
    topic_arn: str
    iam_role_arn: str
    delivery_stream_arn: str
    # wire name -> domain value; a missing entry is the domain's own spelling
    event_types: Mapping[str, EventType]
    sources: Mapping[str, DimensionValueSource]
    newer_targets: bool  # EventBridge and Pinpoint

    def event_type(self, name: str) -> EventType:
        return self.event_types[name] if self.event_types else EventType(name)

    def event_type_name(self, event_type: EventType) -> str:
        return _names(self.event_types).get(event_type, event_type.value)

    def source(self, name: str) -> DimensionValueSource:
        return self.sources[name] if self.sources else DimensionValueSource(name)

    def source_name(self, source: DimensionValueSource) -> str:
        return _names(self.sources).get(source, source.value)


def _names(spelled: Mapping[str, Any]) -> dict[Any, str]:
    return {value: key for key, value in spelled.items()}


V1 = Spelling(
    sns="SNSDestination",
    topic_arn="TopicARN",
    iam_role_arn="IAMRoleARN",
    delivery_stream_arn="DeliveryStreamARN",
    event_types={
        "send": EventType.SEND,
        "reject": EventType.REJECT,
        "bounce": EventType.BOUNCE,
        "complaint": EventType.COMPLAINT,
        "delivery": EventType.DELIVERY,
        "open": EventType.OPEN,
        "click": EventType.CLICK,
        "renderingFailure": EventType.RENDERING_FAILURE,
        "deliveryDelay": EventType.DELIVERY_DELAY,
        "subscription": EventType.SUBSCRIPTION,
    },
    sources={
        "messageTag": DimensionValueSource.MESSAGE_TAG,
        "emailHeader": DimensionValueSource.EMAIL_HEADER,
        "linkTag": DimensionValueSource.LINK_TAG,
    },
    newer_targets=False,
)
V2 = Spelling(
    sns="SnsDestination",
    topic_arn="TopicArn",
    iam_role_arn="IamRoleArn",
    delivery_stream_arn="DeliveryStreamArn",
    event_types={},
    sources={},
    newer_targets=True,
)


def event_destination(spelling: Spelling, name: str, wire: Wire) -> EventDestination:
    targets: list[Target] = []
    if "CloudWatchDestination" in wire:
        targets.append(
            CloudWatchDestination(
                dimension_configurations=tuple(
                    DimensionConfiguration(
                        dimension_name=d["DimensionName"],
                        dimension_value_source=spelling.source(d["DimensionValueSource"]),
                        default_dimension_value=d["DefaultDimensionValue"],
                    )
                    for d in wire["CloudWatchDestination"]["DimensionConfigurations"]
                )
            )
        )
    if "KinesisFirehoseDestination" in wire:
        firehose = wire["KinesisFirehoseDestination"]
        targets.append(
            KinesisFirehoseDestination(
                iam_role_arn=firehose[spelling.iam_role_arn],
                delivery_stream_arn=firehose[spelling.delivery_stream_arn],
            )
        )
    if spelling.sns in wire:
        targets.append(SnsDestination(topic_arn=wire[spelling.sns][spelling.topic_arn]))
    if spelling.newer_targets and "EventBridgeDestination" in wire:
        targets.append(
            EventBridgeDestination(event_bus_arn=wire["EventBridgeDestination"]["EventBusArn"])
        )
    if spelling.newer_targets and "PinpointDestination" in wire:
        targets.append(
            PinpointDestination(application_arn=wire["PinpointDestination"].get("ApplicationArn"))
        )
    return EventDestination.define(
        name=name,
        enabled=wire.get("Enabled", False),
        matching_event_types=tuple(
            spelling.event_type(t) for t in wire.get("MatchingEventTypes", [])
        ),
        targets=targets,
    )


def event_destination_wire(spelling: Spelling, destination: EventDestination) -> Wire:
    """A target the spelling has no form for (EventBridge or Pinpoint in v1) is left out."""
    wire: Wire = {
        "Name": destination.name,
        "Enabled": destination.enabled,
        "MatchingEventTypes": [
            spelling.event_type_name(t) for t in destination.matching_event_types
        ],
    }
    match destination.target:
        case CloudWatchDestination(dimension_configurations=dimensions):
            wire["CloudWatchDestination"] = {
                "DimensionConfigurations": [
                    {
                        "DimensionName": d.dimension_name,
                        "DimensionValueSource": spelling.source_name(d.dimension_value_source),
                        "DefaultDimensionValue": d.default_dimension_value,
                    }
                    for d in dimensions
                ]
            }
        case KinesisFirehoseDestination(iam_role_arn=role, delivery_stream_arn=stream):
            wire["KinesisFirehoseDestination"] = {
                spelling.iam_role_arn: role,
                spelling.delivery_stream_arn: stream,
            }
        case SnsDestination(topic_arn=topic):
            wire[spelling.sns] = {spelling.topic_arn: topic}
        case EventBridgeDestination(event_bus_arn=bus) if spelling.newer_targets:
            wire["EventBridgeDestination"] = {"EventBusArn": bus}
        case PinpointDestination(application_arn=application) if spelling.newer_targets:
            wire["PinpointDestination"] = (
                {"ApplicationArn": application} if application is not None else {}
            )
    return wire
