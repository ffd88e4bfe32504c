"""SES v1 configuration-set operations (Query API ``Action=...ConfigurationSet...``)."""

from __future__ import annotations

import dataclasses

from openses.api import event_destinations
from openses.api.configuration_sets import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    set_reputation_metrics_enabled,
    set_sending_enabled,
)
from openses.api.context import RequestContext
from openses.api.registry import Output, Wire, operation
from openses.api.v1 import shapes
from openses.domain.configuration_set import ConfigurationSet, check_name
from openses.domain.options import TrackingOptions
from openses.protocol.models import V1
from openses.services import configuration_sets as service


@operation(V1, "CreateConfigurationSet")
def create_configuration_set(
    context: RequestContext, *, configuration_set: dict[str, str]
) -> Output:
    check_name(configuration_set["Name"])
    new = ConfigurationSet(name=configuration_set["Name"], created_at=context.clock())
    service.create(context.writing(), new, limit=context.settings.max_configuration_sets)
    return {}


@operation(V1, "DescribeConfigurationSet")
def describe_configuration_set(
    context: RequestContext,
    *,
    configuration_set_name: str,
    configuration_set_attribute_names: list[str] | None = None,
) -> Output:
    configuration_set = service.get(context.reading(), configuration_set_name)
    return shapes.describe(configuration_set, configuration_set_attribute_names or [])


@operation(V1, "ListConfigurationSets")
def list_configuration_sets(
    context: RequestContext, *, next_token: str | None = None, max_items: int | None = None
) -> Output:
    size = (
        max_items
        if max_items is not None and 1 <= max_items <= MAX_PAGE_SIZE
        else DEFAULT_PAGE_SIZE
    )
    page = service.list_page(context.reading(), next_token=next_token, page_size=size)
    return {
        "ConfigurationSets": [{"Name": name} for name in page.items],
        "NextToken": page.next_token,
    }


@operation(V1, "DeleteConfigurationSet")
def delete_configuration_set(context: RequestContext, *, configuration_set_name: str) -> Output:
    service.delete(context.writing(), configuration_set_name)
    return {}


@operation(V1, "CreateConfigurationSetEventDestination", calls_out=True)
def create_configuration_set_event_destination(
    context: RequestContext, *, configuration_set_name: str, event_destination: Wire
) -> Output:
    return _put_event_destination(context, configuration_set_name, event_destination, replace=False)


@operation(V1, "UpdateConfigurationSetEventDestination", calls_out=True)
def update_configuration_set_event_destination(
    context: RequestContext, *, configuration_set_name: str, event_destination: Wire
) -> Output:
    return _put_event_destination(context, configuration_set_name, event_destination, replace=True)


def _put_event_destination(
    context: RequestContext, configuration_set_name: str, wire: Wire, *, replace: bool
) -> Output:
    """Create (``replace=False``) and Update (``replace=True``) ConfigurationSetEventDestination:
    the two operations take the same members and differ only in whether the destination must
    be new or must exist already."""
    destination = shapes.event_destination(wire)
    return event_destinations.put(context, configuration_set_name, destination, replace=replace)


@operation(V1, "DeleteConfigurationSetEventDestination")
def delete_configuration_set_event_destination(
    context: RequestContext, *, configuration_set_name: str, event_destination_name: str
) -> Output:
    return event_destinations.delete(context, configuration_set_name, event_destination_name)


def _tracking_options(wire: dict[str, str]) -> TrackingOptions:
    """v1's TrackingOptions: a CustomRedirectDomain alone (HttpsPolicy is v2's)."""
    return TrackingOptions(custom_redirect_domain=wire.get("CustomRedirectDomain", ""))


@operation(V1, "CreateConfigurationSetTrackingOptions")
def create_configuration_set_tracking_options(
    context: RequestContext, *, configuration_set_name: str, tracking_options: dict[str, str]
) -> Output:
    options = _tracking_options(tracking_options)
    service.update(
        context.writing(), configuration_set_name, lambda cs: cs.create_tracking_options(options)
    )
    return {}


@operation(V1, "UpdateConfigurationSetTrackingOptions")
def update_configuration_set_tracking_options(
    context: RequestContext, *, configuration_set_name: str, tracking_options: dict[str, str]
) -> Output:
    # Built before the set is loaded, so a bad domain is refused first, as Create does.
    options = _tracking_options(tracking_options)

    def apply(cs: ConfigurationSet) -> None:
        current = cs.tracking_options
        # v1 has no HttpsPolicy: keep the one v2 may have set.
        policy = current.https_policy if current else None
        cs.update_tracking_options(dataclasses.replace(options, https_policy=policy))

    service.update(context.writing(), configuration_set_name, apply)
    return {}


@operation(V1, "DeleteConfigurationSetTrackingOptions")
def delete_configuration_set_tracking_options(
    context: RequestContext, *, configuration_set_name: str
) -> Output:
    service.update(
        context.writing(), configuration_set_name, lambda cs: cs.delete_tracking_options()
    )
    return {}


@operation(V1, "PutConfigurationSetDeliveryOptions")
def put_configuration_set_delivery_options(
    context: RequestContext,
    *,
    configuration_set_name: str,
    delivery_options: dict[str, str] | None = None,
) -> Output:
    policy = shapes.tls_policy((delivery_options or {}).get("TlsPolicy"))

    def apply(cs: ConfigurationSet) -> None:
        cs.delivery_options = dataclasses.replace(cs.delivery_options, tls_policy=policy)

    service.update(context.writing(), configuration_set_name, apply)
    return {}


@operation(V1, "UpdateConfigurationSetReputationMetricsEnabled")
def update_configuration_set_reputation_metrics_enabled(
    context: RequestContext, *, configuration_set_name: str, enabled: bool
) -> Output:
    return set_reputation_metrics_enabled(context, configuration_set_name, enabled)


@operation(V1, "UpdateConfigurationSetSendingEnabled")
def update_configuration_set_sending_enabled(
    context: RequestContext, *, configuration_set_name: str, enabled: bool
) -> Output:
    return set_sending_enabled(context, configuration_set_name, enabled)
