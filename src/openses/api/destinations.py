"""Writing an event destination, the same for v1 and v2 once each has read its own shape."""

from __future__ import annotations

from typing import Any

from openses.api.context import RequestContext
from openses.domain.event_destination import EventDestination
from openses.services import configuration_sets as service


def put(
    context: RequestContext, set_name: str, destination: EventDestination, *, replace: bool
) -> dict[str, Any]:
    service.put_event_destination(
        context.writing(),
        set_name,
        destination,
        replace=replace,
        check=context.destination_check,
        now=context.clock(),
    )
    return {}
