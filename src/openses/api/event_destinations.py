"""The event-destination operations that v1 and v2 share once their shapes are read
(api/destination_shapes.py): put (Create/Update) and Delete."""

from __future__ import annotations

from openses.api.context import RequestContext
from openses.api.registry import Output
from openses.domain.event_destination import EventDestination
from openses.services import configuration_sets


def put(
    context: RequestContext,
    configuration_set_name: str,
    destination: EventDestination,
    *,
    replace: bool,
) -> Output:
    """Create (``replace=False``) or Update (``replace=True``) ConfigurationSetEventDestination:
    the target is checked (``context.destination_check``) before the set is written."""
    configuration_sets.put_event_destination(
        context.writing(),
        configuration_set_name,
        destination,
        replace=replace,
        check=context.destination_check,
        now=context.clock(),
    )
    return {}


def delete(context: RequestContext, configuration_set_name: str, name: str) -> Output:
    """DeleteConfigurationSetEventDestination."""
    configuration_sets.update(
        context.writing(), configuration_set_name, lambda cs: cs.remove_event_destination(name)
    )
    return {}
