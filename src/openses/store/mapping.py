"""Row <-> domain conversion for the JSON columns: one function pair per value object."""

from __future__ import annotations

import datetime
from typing import Any

from openses.domain.event_destination import (
    CloudWatchDestination,
    DimensionConfiguration,
    DimensionValueSource,
    EventBridgeDestination,
    KinesisFirehoseDestination,
    PinpointDestination,
    SnsDestination,
    Target,
)
from openses.domain.options import (
    ArchivingOptions,
    DeliveryOptions,
    FeatureStatus,
    HttpsPolicy,
    MessageSecurityOptions,
    ReputationOptions,
    SigningScheme,
    SuppressionOptions,
    SuppressionReason,
    SuppressionValidationOptions,
    TlsPolicy,
    TrackingOptions,
    VdmOptions,
)

Json = dict[str, Any]


def tracking_to_json(options: TrackingOptions | None) -> Json | None:
    if options is None:
        return None
    return {
        "custom_redirect_domain": options.custom_redirect_domain,
        "https_policy": options.https_policy,
    }


def tracking_from_json(data: Json | None) -> TrackingOptions | None:
    if data is None:
        return None
    policy = data.get("https_policy")
    return TrackingOptions(
        custom_redirect_domain=data["custom_redirect_domain"],
        https_policy=HttpsPolicy(policy) if policy else None,
    )


def delivery_to_json(options: DeliveryOptions) -> Json:
    return {
        "tls_policy": options.tls_policy,
        "sending_pool_name": options.sending_pool_name,
        "max_delivery_seconds": options.max_delivery_seconds,
        "shared_pool_delivery_mode": options.shared_pool_delivery_mode,
    }


def delivery_from_json(data: Json) -> DeliveryOptions:
    return DeliveryOptions(
        tls_policy=TlsPolicy(data["tls_policy"]),
        sending_pool_name=data.get("sending_pool_name"),
        max_delivery_seconds=data.get("max_delivery_seconds"),
        shared_pool_delivery_mode=data.get("shared_pool_delivery_mode"),
    )


def reputation_to_json(options: ReputationOptions) -> Json:
    fresh = options.last_fresh_start
    return {
        "reputation_metrics_enabled": options.reputation_metrics_enabled,
        "last_fresh_start": fresh.isoformat() if fresh else None,
    }


def reputation_from_json(data: Json) -> ReputationOptions:
    fresh = data.get("last_fresh_start")
    return ReputationOptions(
        reputation_metrics_enabled=data["reputation_metrics_enabled"],
        last_fresh_start=datetime.datetime.fromisoformat(fresh) if fresh else None,
    )


def suppression_to_json(options: SuppressionOptions | None) -> Json | None:
    if options is None:
        return None
    validation = options.validation_options
    return {
        "suppressed_reasons": list(options.suppressed_reasons),
        "suppression_scope": options.suppression_scope,
        "validation": None
        if validation is None
        else {
            "condition_threshold_enabled": validation.condition_threshold_enabled,
            "confidence_verdict_threshold": validation.confidence_verdict_threshold,
        },
    }


def suppression_from_json(data: Json | None) -> SuppressionOptions | None:
    if data is None:
        return None
    validation = data.get("validation")
    return SuppressionOptions(
        suppressed_reasons=tuple(SuppressionReason(r) for r in data["suppressed_reasons"]),
        suppression_scope=data.get("suppression_scope"),
        validation_options=None
        if validation is None
        else SuppressionValidationOptions(
            condition_threshold_enabled=FeatureStatus(validation["condition_threshold_enabled"]),
            confidence_verdict_threshold=validation.get("confidence_verdict_threshold"),
        ),
    )


def vdm_to_json(options: VdmOptions | None) -> Json | None:
    if options is None:
        return None
    return {
        "engagement_metrics": options.engagement_metrics,
        "optimized_shared_delivery": options.optimized_shared_delivery,
    }


def vdm_from_json(data: Json | None) -> VdmOptions | None:
    if data is None:
        return None
    engagement = data.get("engagement_metrics")
    shared = data.get("optimized_shared_delivery")
    return VdmOptions(
        engagement_metrics=FeatureStatus(engagement) if engagement else None,
        optimized_shared_delivery=FeatureStatus(shared) if shared else None,
    )


def archiving_to_json(options: ArchivingOptions | None) -> Json | None:
    return None if options is None else {"archive_arn": options.archive_arn}


def archiving_from_json(data: Json | None) -> ArchivingOptions | None:
    return None if data is None else ArchivingOptions(archive_arn=data.get("archive_arn"))


def message_security_to_json(options: MessageSecurityOptions | None) -> Json | None:
    if options is None:
        return None
    return {"signing_scheme": options.signing_scheme, "signature_format": options.signature_format}


def message_security_from_json(data: Json | None) -> MessageSecurityOptions | None:
    if data is None:
        return None
    return MessageSecurityOptions(
        signing_scheme=SigningScheme(data["signing_scheme"]),
        signature_format=data.get("signature_format"),
    )


def target_to_json(target: Target) -> tuple[str, Json]:
    match target:
        case CloudWatchDestination(dimension_configurations=dimensions):
            return "cloudwatch", {
                "dimensions": [
                    [d.dimension_name, d.dimension_value_source, d.default_dimension_value]
                    for d in dimensions
                ]
            }
        case KinesisFirehoseDestination(iam_role_arn=role, delivery_stream_arn=stream):
            return "firehose", {"iam_role_arn": role, "delivery_stream_arn": stream}
        case SnsDestination(topic_arn=topic):
            return "sns", {"topic_arn": topic}
        case EventBridgeDestination(event_bus_arn=bus):
            return "eventbridge", {"event_bus_arn": bus}
        case PinpointDestination(application_arn=application):
            return "pinpoint", {"application_arn": application}
    raise TypeError(target)


def target_from_json(kind: str, data: Json) -> Target:
    if kind == "cloudwatch":
        return CloudWatchDestination(
            dimension_configurations=tuple(
                DimensionConfiguration(
                    dimension_name=name,
                    dimension_value_source=DimensionValueSource(source),
                    default_dimension_value=default,
                )
                for name, source, default in data["dimensions"]
            )
        )
    if kind == "firehose":
        return KinesisFirehoseDestination(
            iam_role_arn=data["iam_role_arn"], delivery_stream_arn=data["delivery_stream_arn"]
        )
    if kind == "sns":
        return SnsDestination(topic_arn=data["topic_arn"])
    if kind == "eventbridge":
        return EventBridgeDestination(event_bus_arn=data["event_bus_arn"])
    if kind == "pinpoint":
        return PinpointDestination(application_arn=data.get("application_arn"))
    raise ValueError(f"unknown event destination kind {kind}")
