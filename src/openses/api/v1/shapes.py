"""v1 wire dicts <-> domain objects, translating v1's spellings (``send``, ``Require``,
``messageTag``) to the domain's one form at this edge."""

from __future__ import annotations

from typing import Any

from openses.domain.configuration_set import ConfigurationSet
from openses.domain.event_destination import (
    CloudWatchDestination,
    DimensionConfiguration,
    DimensionValueSource,
    EventDestination,
    EventType,
    KinesisFirehoseDestination,
    SnsDestination,
    Target,
)
from openses.domain.options import TlsPolicy

Wire = dict[str, Any]

_EVENT_TYPES = {
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
}
_EVENT_TYPE_NAMES = {value: key for key, value in _EVENT_TYPES.items()}

_SOURCES = {
    "messageTag": DimensionValueSource.MESSAGE_TAG,
    "emailHeader": DimensionValueSource.EMAIL_HEADER,
    "linkTag": DimensionValueSource.LINK_TAG,
}
_SOURCE_NAMES = {value: key for key, value in _SOURCES.items()}

_TLS_POLICIES = {"Require": TlsPolicy.REQUIRE, "Optional": TlsPolicy.OPTIONAL}
_TLS_POLICY_NAMES = {value: key for key, value in _TLS_POLICIES.items()}


def tls_policy(name: str | None) -> TlsPolicy:
    return _TLS_POLICIES[name] if name else TlsPolicy.OPTIONAL


def tls_policy_name(policy: TlsPolicy) -> str:
    return _TLS_POLICY_NAMES[policy]


def event_destination(wire: Wire) -> EventDestination:
    targets: list[Target] = []
    if "CloudWatchDestination" in wire:
        targets.append(
            CloudWatchDestination(
                dimension_configurations=tuple(
                    DimensionConfiguration(
                        dimension_name=d["DimensionName"],
                        dimension_value_source=_SOURCES[d["DimensionValueSource"]],
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
                iam_role_arn=firehose["IAMRoleARN"],
                delivery_stream_arn=firehose["DeliveryStreamARN"],
            )
        )
    if "SNSDestination" in wire:
        targets.append(SnsDestination(topic_arn=wire["SNSDestination"]["TopicARN"]))
    return EventDestination.define(
        name=wire["Name"],
        enabled=wire.get("Enabled", False),
        matching_event_types=tuple(_EVENT_TYPES[t] for t in wire["MatchingEventTypes"]),
        targets=targets,
    )


def event_destination_wire(destination: EventDestination) -> Wire:
    """EventBridge and Pinpoint targets have no v1 form; such destinations show without one."""
    wire: Wire = {
        "Name": destination.name,
        "Enabled": destination.enabled,
        "MatchingEventTypes": [_EVENT_TYPE_NAMES[t] for t in destination.matching_event_types],
    }
    match destination.target:
        case CloudWatchDestination(dimension_configurations=dimensions):
            wire["CloudWatchDestination"] = {
                "DimensionConfigurations": [
                    {
                        "DimensionName": d.dimension_name,
                        "DimensionValueSource": _SOURCE_NAMES[d.dimension_value_source],
                        "DefaultDimensionValue": d.default_dimension_value,
                    }
                    for d in dimensions
                ]
            }
        case KinesisFirehoseDestination(iam_role_arn=role, delivery_stream_arn=stream):
            wire["KinesisFirehoseDestination"] = {"IAMRoleARN": role, "DeliveryStreamARN": stream}
        case SnsDestination(topic_arn=topic):
            wire["SNSDestination"] = {"TopicARN": topic}
    return wire


def describe(configuration_set: ConfigurationSet, attributes: list[str]) -> Wire:
    """DescribeConfigurationSet returns each block only when its attribute name is asked for."""
    cs = configuration_set
    wire: Wire = {"ConfigurationSet": {"Name": cs.name}}
    if "eventDestinations" in attributes:
        wire["EventDestinations"] = [event_destination_wire(d) for d in cs.event_destinations]
    if "trackingOptions" in attributes and cs.tracking_options is not None:
        wire["TrackingOptions"] = {
            "CustomRedirectDomain": cs.tracking_options.custom_redirect_domain
        }
    if "deliveryOptions" in attributes:
        wire["DeliveryOptions"] = {"TlsPolicy": tls_policy_name(cs.delivery_options.tls_policy)}
    if "reputationOptions" in attributes:
        reputation = cs.reputation_options
        wire["ReputationOptions"] = {
            "SendingEnabled": cs.sending_enabled,
            "ReputationMetricsEnabled": reputation.reputation_metrics_enabled,
            "LastFreshStart": reputation.last_fresh_start,
        }
    return wire
