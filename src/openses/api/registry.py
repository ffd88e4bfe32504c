"""(service, operation) -> handler. Handlers take the input members in snake_case, keyword-only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore import xform_name

from openses.api.context import RequestContext

Handler = Callable[..., dict[str, Any]]

_handlers: dict[tuple[str, str], Handler] = {}


def operation(service: str, name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        key = (service, name)
        if key in _handlers:
            raise ValueError(f"{service}:{name} is registered twice")
        _handlers[key] = handler
        return handler

    return register


def handler_for(service: str, name: str) -> Handler | None:
    _load_handlers()
    return _handlers.get((service, name))


def registered() -> dict[tuple[str, str], Handler]:
    _load_handlers()
    return dict(_handlers)


def _load_handlers() -> None:
    # Importing the modules registers their handlers.
    from openses.api.v1 import configuration_sets as _v1_sets  # noqa: F401
    from openses.api.v2 import configuration_sets as _v2_sets  # noqa: F401
    from openses.api.v2 import tags as _v2_tags  # noqa: F401


def call(handler: Handler, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return handler(context, **{xform_name(name): value for name, value in params.items()})
