"""v1 wire dicts <-> domain objects, translating v1's spellings (``send``, ``Require``,
``messageTag``) to the domain's one form at this edge."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from openses.api import destination_shapes
from openses.api.registry import Output, Wire
from openses.domain.configuration_set import ConfigurationSet
from openses.domain.event_destination import EventDestination
from openses.domain.identity import VerificationStatus
from openses.domain.options import TlsPolicy
from openses.domain.signing import SigningStatus

Found = TypeVar("Found")

# v1 spells the statuses of verification, DKIM and MAIL FROM alike, in CamelCase.
_STATUS_NAMES = {
    "PENDING": "Pending",
    "SUCCESS": "Success",
    "FAILED": "Failed",
    "TEMPORARY_FAILURE": "TemporaryFailure",
    "NOT_STARTED": "NotStarted",
}

_TLS_POLICIES = {"Require": TlsPolicy.REQUIRE, "Optional": TlsPolicy.OPTIONAL}
_TLS_POLICY_NAMES = {value: key for key, value in _TLS_POLICIES.items()}


def tls_policy(name: str | None) -> TlsPolicy:
    return _TLS_POLICIES[name] if name else TlsPolicy.OPTIONAL


def tls_policy_name(policy: TlsPolicy) -> str:
    return _TLS_POLICY_NAMES[policy]


def status_name(status: VerificationStatus | SigningStatus) -> str:
    return _STATUS_NAMES[status]


def attributes_of(
    names: list[str],
    found: Mapping[str, Found],
    entry: Callable[[str, Found], Output | None],
) -> Output:
    """The map of a v1 Get...Attributes answer: each name asked for, in order, with its entry.
    Names the account does not have are left out, as are those whose ``entry`` is None."""
    attributes: Output = {}
    for name in names:
        item = found.get(name)
        if item is None:
            continue
        attribute = entry(name, item)
        if attribute is not None:
            attributes[name] = attribute
    return attributes


def event_destination(wire: Wire) -> EventDestination:
    return destination_shapes.event_destination(destination_shapes.V1, wire["Name"], wire)


def event_destination_wire(destination: EventDestination) -> Wire:
    """EventBridge and Pinpoint targets have no v1 form; such destinations show without one."""
    return destination_shapes.event_destination_wire(destination_shapes.V1, destination)


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
