"""domain/configuration_set: which of a set's destinations an event goes to."""

from __future__ import annotations

import datetime

from openses.domain.configuration_set import ConfigurationSet
from openses.domain.event_destination import (
    EventBridgeDestination,
    EventDestination,
    EventType,
    SnsDestination,
)

NOW = datetime.datetime(2026, 5, 1, 12, 0, tzinfo=datetime.UTC)
TOPIC = SnsDestination(topic_arn="arn:aws:sns:eu-west-1:111122223333:events")
BUS = EventBridgeDestination(event_bus_arn="arn:aws:events:eu-west-1:111122223333:event-bus/b")


def _destination(name: str, *event_types: EventType, enabled: bool = True) -> EventDestination:
    return EventDestination(
        name=name,
        enabled=enabled,
        matching_event_types=event_types,
        target=TOPIC if name != "bus" else BUS,
    )


def _set(*destinations: EventDestination) -> ConfigurationSet:
    return ConfigurationSet(name="set", created_at=NOW, event_destinations=list(destinations))


def test_an_event_goes_to_each_enabled_destination_matching_it_in_the_sets_order() -> None:
    sends = _destination("sends", EventType.SEND, EventType.DELIVERY)
    bus = _destination("bus", EventType.BOUNCE, EventType.SEND)
    bounces = _destination("bounces", EventType.BOUNCE)
    configuration_set = _set(sends, bus, bounces)
    assert configuration_set.destinations_for(EventType.SEND) == [sends, bus]
    assert configuration_set.destinations_for(EventType.BOUNCE) == [bus, bounces]
    assert configuration_set.destinations_for(EventType.DELIVERY) == [sends]


def test_no_destination_matches_an_event_type_none_asks_for() -> None:
    configuration_set = _set(_destination("sends", EventType.SEND))
    assert configuration_set.destinations_for(EventType.CLICK) == []
    assert _set().destinations_for(EventType.SEND) == []


def test_a_disabled_destination_receives_nothing() -> None:
    off = _destination("off", EventType.SEND, enabled=False)
    on = _destination("on", EventType.SEND)
    assert _set(off, on).destinations_for(EventType.SEND) == [on]
    assert _set(off).destinations_for(EventType.SEND) == []
