"""SES v2 configuration-set operations (``/v2/email/configuration-sets``)."""

from __future__ import annotations

from typing import Any

from openses.api import event_destinations
from openses.api.configuration_sets import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    set_reputation_metrics_enabled,
    set_sending_enabled,
)
from openses.api.context import RequestContext
from openses.api.registry import Output, Wire, operation
from openses.api.v2 import shapes
from openses.domain.configuration_set import ConfigurationSet, check_name
from openses.domain.options import (
    DeliveryOptions,
    HttpsPolicy,
    ReputationOptions,
    SuppressionOptions,
    SuppressionReason,
    TlsPolicy,
    TrackingOptions,
)
from openses.protocol.models import V2
from openses.services import configuration_sets as service
from openses.services import paging


@operation(V2, "CreateConfigurationSet")
def create_configuration_set(
    context: RequestContext,
    *,
    configuration_set_name: str,
    tracking_options: Wire | None = None,
    delivery_options: Wire | None = None,
    reputation_options: Wire | None = None,
    sending_options: Wire | None = None,
    tags: list[Wire] | None = None,
    suppression_options: Wire | None = None,
    vdm_options: Wire | None = None,
    archiving_options: Wire | None = None,
    message_security_options: Wire | None = None,
) -> Output:
    check_name(configuration_set_name)
    configuration_set = ConfigurationSet(
        name=configuration_set_name,
        created_at=context.clock(),
        sending_enabled=(sending_options or {}).get("SendingEnabled", True),
        tracking_options=shapes.tracking_options(tracking_options) if tracking_options else None,
        delivery_options=shapes.delivery_options(delivery_options or {}),
        reputation_options=ReputationOptions(
            reputation_metrics_enabled=(reputation_options or {}).get(
                "ReputationMetricsEnabled", False
            )
        ),
        suppression_options=(
            shapes.suppression_options(suppression_options) if suppression_options else None
        ),
        vdm_options=shapes.vdm_options(vdm_options) if vdm_options else None,
        archiving_options=shapes.archiving_options(archiving_options)
        if archiving_options
        else None,
        message_security_options=shapes.message_security_options(message_security_options)
        if message_security_options is not None
        else None,
        tags=shapes.tags(tags or []),
    )
    service.create(
        context.writing(), configuration_set, limit=context.settings.max_configuration_sets
    )
    return {}


@operation(V2, "GetConfigurationSet")
def get_configuration_set(context: RequestContext, *, configuration_set_name: str) -> Output:
    return shapes.configuration_set_wire(service.get(context.reading(), configuration_set_name))


@operation(V2, "ListConfigurationSets")
def list_configuration_sets(
    context: RequestContext,
    *,
    next_token: str | None = None,
    page_size: int | None = None,
    filter: dict[str, str] | None = None,
) -> Output:
    size = paging.page_size(page_size, default=DEFAULT_PAGE_SIZE, maximum=MAX_PAGE_SIZE)
    page = service.list_page(context.reading(), next_token=next_token, page_size=size)
    return {"ConfigurationSets": page.items, "NextToken": page.next_token}


@operation(V2, "DeleteConfigurationSet")
def delete_configuration_set(context: RequestContext, *, configuration_set_name: str) -> Output:
    service.delete(context.writing(), configuration_set_name)
    return {}


@operation(V2, "PutConfigurationSetSendingOptions")
def put_configuration_set_sending_options(
    context: RequestContext, *, configuration_set_name: str, sending_enabled: bool = False
) -> Output:
    return set_sending_enabled(context, configuration_set_name, sending_enabled)


@operation(V2, "PutConfigurationSetReputationOptions")
def put_configuration_set_reputation_options(
    context: RequestContext,
    *,
    configuration_set_name: str,
    reputation_metrics_enabled: bool = False,
) -> Output:
    return set_reputation_metrics_enabled(
        context, configuration_set_name, reputation_metrics_enabled
    )


@operation(V2, "PutConfigurationSetDeliveryOptions")
def put_configuration_set_delivery_options(
    context: RequestContext,
    *,
    configuration_set_name: str,
    tls_policy: str | None = None,
    sending_pool_name: str | None = None,
    max_delivery_seconds: int | None = None,
    shared_pool_delivery_mode: str | None = None,
) -> Output:
    delivery = DeliveryOptions(
        tls_policy=TlsPolicy(tls_policy or TlsPolicy.OPTIONAL),
        sending_pool_name=sending_pool_name,
        max_delivery_seconds=max_delivery_seconds,
        shared_pool_delivery_mode=shared_pool_delivery_mode,
    )
    _replace(context, configuration_set_name, delivery_options=delivery)
    return {}


@operation(V2, "PutConfigurationSetTrackingOptions")
def put_configuration_set_tracking_options(
    context: RequestContext,
    *,
    configuration_set_name: str,
    custom_redirect_domain: str | None = None,
    https_policy: str | None = None,
) -> Output:
    tracking = None
    if custom_redirect_domain or https_policy:
        tracking = TrackingOptions(
            custom_redirect_domain=custom_redirect_domain or "",
            https_policy=HttpsPolicy(https_policy) if https_policy else None,
        )
    _replace(context, configuration_set_name, tracking_options=tracking)
    return {}


@operation(V2, "PutConfigurationSetSuppressionOptions")
def put_configuration_set_suppression_options(
    context: RequestContext,
    *,
    configuration_set_name: str,
    suppressed_reasons: list[str] | None = None,
    suppression_scope: str | None = None,
    validation_options: dict[str, Any] | None = None,
) -> Output:
    suppression = None
    if suppressed_reasons is not None or validation_options is not None:
        suppression = SuppressionOptions(
            suppressed_reasons=tuple(
                dict.fromkeys(SuppressionReason(r) for r in suppressed_reasons or [])
            ),
            suppression_scope=suppression_scope,
            validation_options=shapes.suppression_validation(validation_options)
            if validation_options
            else None,
        )
    _replace(context, configuration_set_name, suppression_options=suppression)
    return {}


@operation(V2, "PutConfigurationSetVdmOptions")
def put_configuration_set_vdm_options(
    context: RequestContext, *, configuration_set_name: str, vdm_options: Any = None
) -> Output:
    vdm = shapes.vdm_options(vdm_options) if vdm_options is not None else None
    _replace(context, configuration_set_name, vdm_options=vdm)
    return {}


@operation(V2, "PutConfigurationSetArchivingOptions")
def put_configuration_set_archiving_options(
    context: RequestContext, *, configuration_set_name: str, archive_arn: str | None = None
) -> Output:
    archiving = shapes.archiving_options({"ArchiveArn": archive_arn}) if archive_arn else None
    _replace(context, configuration_set_name, archiving_options=archiving)
    return {}


@operation(V2, "UpdateConfigurationSet")
def update_configuration_set(
    context: RequestContext,
    *,
    configuration_set_name: str,
    message_security_options: Wire | None = None,
) -> Output:
    """A partial update: a member left out keeps its value (the model's documentation)."""
    changes: dict[str, Any] = {}
    if message_security_options is not None:
        changes["message_security_options"] = shapes.message_security_options(
            message_security_options
        )
    _replace(context, configuration_set_name, **changes)
    return {}


@operation(V2, "CreateConfigurationSetEventDestination", calls_out=True)
def create_configuration_set_event_destination(
    context: RequestContext,
    *,
    configuration_set_name: str,
    event_destination_name: str,
    event_destination: Wire,
) -> Output:
    return _put_event_destination(
        context, configuration_set_name, event_destination_name, event_destination, replace=False
    )


@operation(V2, "UpdateConfigurationSetEventDestination", calls_out=True)
def update_configuration_set_event_destination(
    context: RequestContext,
    *,
    configuration_set_name: str,
    event_destination_name: str,
    event_destination: Wire,
) -> Output:
    return _put_event_destination(
        context, configuration_set_name, event_destination_name, event_destination, replace=True
    )


def _put_event_destination(
    context: RequestContext, configuration_set_name: str, name: str, wire: Wire, *, replace: bool
) -> Output:
    """Create (``replace=False``) and Update (``replace=True``) ConfigurationSetEventDestination:
    the two operations take the same members and differ only in whether the destination must
    be new or must exist already."""
    destination = shapes.event_destination(name, wire)
    return event_destinations.put(context, configuration_set_name, destination, replace=replace)


@operation(V2, "GetConfigurationSetEventDestinations")
def get_configuration_set_event_destinations(
    context: RequestContext, *, configuration_set_name: str
) -> Output:
    configuration_set = service.get(context.reading(), configuration_set_name)
    return {
        "EventDestinations": [
            shapes.event_destination_wire(d) for d in configuration_set.event_destinations
        ]
    }


@operation(V2, "DeleteConfigurationSetEventDestination")
def delete_configuration_set_event_destination(
    context: RequestContext, *, configuration_set_name: str, event_destination_name: str
) -> Output:
    return event_destinations.delete(context, configuration_set_name, event_destination_name)


def _replace(context: RequestContext, name: str, **changes: Any) -> None:
    def apply(configuration_set: ConfigurationSet) -> None:
        for field, value in changes.items():
            setattr(configuration_set, field, value)

    service.update(context.writing(), name, apply)
