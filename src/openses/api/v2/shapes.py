"""v2 wire dicts <-> domain objects. v2 spells enums as the domain does (``SEND``, ``REQUIRE``)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, TypeVar

from openses.api import destination_shapes
from openses.api.registry import Output, Wire
from openses.domain.configuration_set import ConfigurationSet
from openses.domain.errors import InvalidInput
from openses.domain.event_destination import EventDestination
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
    Tag,
    TlsPolicy,
    TrackingOptions,
    VdmOptions,
)
from openses.domain.tenant import SendingStatus
from openses.services import paging

Choice = TypeVar("Choice", bound=StrEnum)

# Most v2 List operations document neither a default nor a maximum PageSize (GUESS,
# docs/aws-behaviour.md): 100 by default and 1000 at most, as AWS users report pages of 1000.
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


def page_size(
    requested: int | None, *, default: int = DEFAULT_PAGE_SIZE, maximum: int = MAX_PAGE_SIZE
) -> int:
    """A List operation's PageSize: the default when absent, else refused outside 1..maximum."""
    return paging.page_size(requested, default=default, maximum=maximum)


def page(member: str, items: list[Any], next_token: str | None) -> Output:
    """A List operation's answer: the page's items under the operation's member, and NextToken."""
    return {member: items, "NextToken": next_token}


def filter_choice(choices: type[Choice], value: str, what: str) -> Choice:
    """One enum-valued key of a List operation's Filter; a value not in the enum is refused."""
    try:
        return choices(value)
    except ValueError:
        raise InvalidInput(f"Invalid {what} filter: {value}") from None


def _drop_none(values: Wire) -> Wire:
    return {key: value for key, value in values.items() if value is not None}


def tracking_options(wire: Wire) -> TrackingOptions:
    policy = wire.get("HttpsPolicy")
    return TrackingOptions(
        custom_redirect_domain=wire.get("CustomRedirectDomain", ""),
        https_policy=HttpsPolicy(policy) if policy else None,
    )


def tracking_wire(options: TrackingOptions) -> Wire:
    return _drop_none(
        {
            "CustomRedirectDomain": options.custom_redirect_domain,
            "HttpsPolicy": options.https_policy,
        }
    )


def delivery_options(wire: Wire) -> DeliveryOptions:
    return DeliveryOptions(
        tls_policy=TlsPolicy(wire.get("TlsPolicy", TlsPolicy.OPTIONAL)),
        sending_pool_name=wire.get("SendingPoolName"),
        max_delivery_seconds=wire.get("MaxDeliverySeconds"),
        shared_pool_delivery_mode=wire.get("SharedPoolDeliveryMode"),
    )


def delivery_wire(options: DeliveryOptions) -> Wire:
    return _drop_none(
        {
            "TlsPolicy": options.tls_policy,
            "SendingPoolName": options.sending_pool_name,
            "MaxDeliverySeconds": options.max_delivery_seconds,
            "SharedPoolDeliveryMode": options.shared_pool_delivery_mode,
        }
    )


def reputation_wire(options: ReputationOptions) -> Wire:
    return _drop_none(
        {
            "ReputationMetricsEnabled": options.reputation_metrics_enabled,
            "LastFreshStart": options.last_fresh_start,
        }
    )


def suppression_options(wire: Wire) -> SuppressionOptions:
    validation = wire.get("ValidationOptions")
    return SuppressionOptions(
        suppressed_reasons=tuple(
            dict.fromkeys(SuppressionReason(r) for r in wire.get("SuppressedReasons", []))
        ),
        suppression_scope=wire.get("SuppressionScope"),
        validation_options=suppression_validation(validation) if validation else None,
    )


def suppression_validation(wire: Wire) -> SuppressionValidationOptions:
    threshold = wire["ConditionThreshold"]
    overall = threshold.get("OverallConfidenceThreshold") or {}
    return SuppressionValidationOptions(
        condition_threshold_enabled=FeatureStatus(threshold["ConditionThresholdEnabled"]),
        confidence_verdict_threshold=overall.get("ConfidenceVerdictThreshold"),
    )


def suppression_wire(options: SuppressionOptions) -> Wire:
    wire = _drop_none(
        {
            "SuppressedReasons": list(options.suppressed_reasons),
            "SuppressionScope": options.suppression_scope,
        }
    )
    validation = options.validation_options
    if validation is not None:
        threshold: Wire = {"ConditionThresholdEnabled": validation.condition_threshold_enabled}
        if validation.confidence_verdict_threshold is not None:
            threshold["OverallConfidenceThreshold"] = {
                "ConfidenceVerdictThreshold": validation.confidence_verdict_threshold
            }
        wire["ValidationOptions"] = {"ConditionThreshold": threshold}
    return wire


# VDM's two groups, dashboard and guardian: a configuration set's VdmOptions calls them
# ...Options, the account's VdmAttributes ...Attributes.
VDM_OPTIONS = ("DashboardOptions", "GuardianOptions")
VDM_ATTRIBUTES = ("DashboardAttributes", "GuardianAttributes")


def vdm_options(wire: Wire, groups: tuple[str, str] = VDM_OPTIONS) -> VdmOptions:
    dashboard, guardian = groups
    engagement = wire.get(dashboard, {}).get("EngagementMetrics")
    shared = wire.get(guardian, {}).get("OptimizedSharedDelivery")
    return VdmOptions(
        engagement_metrics=FeatureStatus(engagement) if engagement else None,
        optimized_shared_delivery=FeatureStatus(shared) if shared else None,
    )


def vdm_wire(options: VdmOptions, groups: tuple[str, str] = VDM_OPTIONS) -> Wire:
    dashboard, guardian = groups
    wire: Wire = {}
    if options.engagement_metrics:
        wire[dashboard] = {"EngagementMetrics": options.engagement_metrics}
    if options.optimized_shared_delivery:
        wire[guardian] = {"OptimizedSharedDelivery": options.optimized_shared_delivery}
    return wire


def archiving_options(wire: Wire) -> ArchivingOptions:
    return ArchivingOptions(archive_arn=wire.get("ArchiveArn"))


def archiving_wire(options: ArchivingOptions) -> Wire:
    return _drop_none({"ArchiveArn": options.archive_arn})


def message_security_options(wire: Wire) -> MessageSecurityOptions:
    """The SigningScheme union holds one member (the protocol layer checks that at most one is
    set); an empty union is the default scheme, as SES assumes when none is chosen."""
    smime = wire.get("SigningScheme", {}).get("SmimeScheme")
    if smime is not None:
        return MessageSecurityOptions(
            signing_scheme=SigningScheme.SMIME, signature_format=smime.get("SignatureFormat")
        )
    return MessageSecurityOptions()


def message_security_wire(options: MessageSecurityOptions) -> Wire:
    if options.signing_scheme is SigningScheme.SMIME:
        smime = _drop_none({"SignatureFormat": options.signature_format})
        return {"SigningScheme": {"SmimeScheme": smime}}
    return {"SigningScheme": {"DefaultScheme": {}}}


def tags(wire: list[Wire]) -> list[Tag]:
    return [Tag(tag["Key"], tag["Value"]) for tag in wire]


def tags_wire(tags: list[Tag]) -> list[Wire]:
    return [{"Key": tag.key, "Value": tag.value} for tag in tags]


def configuration_set_wire(configuration_set: ConfigurationSet) -> Wire:
    cs = configuration_set
    wire: Wire = {
        "ConfigurationSetName": cs.name,
        "DeliveryOptions": delivery_wire(cs.delivery_options),
        "ReputationOptions": reputation_wire(cs.reputation_options),
        "SendingOptions": {"SendingEnabled": cs.sending_enabled},
        "Tags": tags_wire(cs.tags),
    }
    if cs.tracking_options:
        wire["TrackingOptions"] = tracking_wire(cs.tracking_options)
    if cs.suppression_options:
        wire["SuppressionOptions"] = suppression_wire(cs.suppression_options)
    if cs.vdm_options:
        wire["VdmOptions"] = vdm_wire(cs.vdm_options)
    if cs.archiving_options:
        wire["ArchivingOptions"] = archiving_wire(cs.archiving_options)
    if cs.message_security_options:
        wire["MessageSecurityOptions"] = message_security_wire(cs.message_security_options)
    return wire


def event_destination(name: str, wire: Wire) -> EventDestination:
    return destination_shapes.event_destination(destination_shapes.V2, name, wire)


def event_destination_wire(destination: EventDestination) -> Wire:
    return destination_shapes.event_destination_wire(destination_shapes.V2, destination)


def sending_status_filter(filters: dict[str, str]) -> SendingStatus | None:
    """The ``SENDING_STATUS`` key of ListTenants' and ListReputationEntities' Filter."""
    value = filters.get("SENDING_STATUS")
    return None if value is None else filter_choice(SendingStatus, value, "sending status")
