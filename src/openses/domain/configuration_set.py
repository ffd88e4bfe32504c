"""The configuration set aggregate: rules applied to every email sent with it."""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass, field

from openses.domain import names
from openses.domain.errors import (
    EventDestinationAlreadyExists,
    EventDestinationLimitExceeded,
    EventDestinationNotFound,
    InvalidConfigurationSetName,
    TrackingOptionsAlreadyExist,
    TrackingOptionsNotFound,
)
from openses.domain.event_destination import EventDestination, EventType
from openses.domain.options import (
    ArchivingOptions,
    DeliveryOptions,
    MessageSecurityOptions,
    ReputationOptions,
    SuppressionOptions,
    Tag,
    TrackingOptions,
    VdmOptions,
)

MAX_EVENT_DESTINATIONS = 10


def check_name(name: str) -> None:
    names.check_name(name, "configuration set", InvalidConfigurationSetName)


@dataclass(slots=True, kw_only=True)
class ConfigurationSet:
    name: str
    created_at: datetime.datetime
    sending_enabled: bool = True
    tracking_options: TrackingOptions | None = None
    delivery_options: DeliveryOptions = field(default_factory=DeliveryOptions)
    reputation_options: ReputationOptions = field(default_factory=ReputationOptions)
    suppression_options: SuppressionOptions | None = None
    vdm_options: VdmOptions | None = None
    archiving_options: ArchivingOptions | None = None
    message_security_options: MessageSecurityOptions | None = None  # issue 20
    event_destinations: list[EventDestination] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)

    def __post_init__(self) -> None:
        check_name(self.name)

    def set_sending_enabled(self, enabled: bool, now: datetime.datetime) -> None:
        """Re-enabling sending after a pause is a fresh start of the set's reputation metrics."""
        if enabled and not self.sending_enabled:
            self._fresh_start(now)
        self.sending_enabled = enabled

    def set_reputation_metrics_enabled(self, enabled: bool, now: datetime.datetime) -> None:
        if enabled and not self.reputation_options.reputation_metrics_enabled:
            self._fresh_start(now)
        self.reputation_options = dataclasses.replace(
            self.reputation_options, reputation_metrics_enabled=enabled
        )

    def _fresh_start(self, now: datetime.datetime) -> None:
        self.reputation_options = dataclasses.replace(self.reputation_options, last_fresh_start=now)

    def create_tracking_options(self, options: TrackingOptions) -> None:
        if self.tracking_options is not None:
            raise TrackingOptionsAlreadyExist(self.name)
        self.tracking_options = options

    def update_tracking_options(self, options: TrackingOptions) -> None:
        if self.tracking_options is None:
            raise TrackingOptionsNotFound(self.name)
        self.tracking_options = options

    def delete_tracking_options(self) -> None:
        if self.tracking_options is None:
            raise TrackingOptionsNotFound(self.name)
        self.tracking_options = None

    def destinations_for(self, event_type: EventType) -> list[EventDestination]:
        """The destinations an event of ``event_type`` goes to: the enabled ones that match it,
        in the set's order."""
        return [d for d in self.event_destinations if d.receives(event_type)]

    def event_destination(self, name: str) -> EventDestination:
        for destination in self.event_destinations:
            if destination.name == name:
                return destination
        raise EventDestinationNotFound(self.name, name)

    def add_event_destination(self, destination: EventDestination) -> None:
        if any(d.name == destination.name for d in self.event_destinations):
            raise EventDestinationAlreadyExists(self.name, destination.name)
        if len(self.event_destinations) >= MAX_EVENT_DESTINATIONS:
            raise EventDestinationLimitExceeded(self.name, MAX_EVENT_DESTINATIONS)
        self.event_destinations.append(destination)

    def replace_event_destination(self, destination: EventDestination) -> None:
        current = self.event_destination(destination.name)
        index = self.event_destinations.index(current)
        self.event_destinations[index] = destination

    def remove_event_destination(self, name: str) -> None:
        self.event_destinations.remove(self.event_destination(name))
