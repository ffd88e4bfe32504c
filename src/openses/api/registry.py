"""(service, operation) -> handler. Handlers take the input members in snake_case, keyword-only."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from functools import cache
from typing import Any

from botocore import xform_name

from openses.api.context import RequestContext

Handler = Callable[..., dict[str, Any]]

_handlers: dict[tuple[str, str], Handler] = {}
_calling_out: set[tuple[str, str]] = set()
_rendering: set[tuple[str, str]] = set()


def operation(
    service: str, name: str, *, calls_out: bool = False, renders: bool = False
) -> Callable[[Handler], Handler]:
    """Register a handler. ``calls_out``: it may wait on another service (an AWS API), so it
    must never run on the event loop. ``renders``: its work is rendering (bounded, but up to a
    tenth of a second, domain/template.py), which runs in a thread too."""

    def register(handler: Handler) -> Handler:
        key = (service, name)
        if key in _handlers:
            raise ValueError(f"{service}:{name} is registered twice")
        _handlers[key] = handler
        if calls_out:
            _calling_out.add(key)
        if renders:
            _rendering.add(key)
        return handler

    return register


def off_loop(service: str, name: str) -> bool:
    """Whether the handler runs in a thread whatever OPENSES_DATABASE_THREADS says."""
    return (service, name) in _calling_out or (service, name) in _rendering


def handler_for(service: str, name: str) -> Handler | None:
    _load_handlers()
    return _handlers.get((service, name))


def load() -> None:
    """Import every handler module now, so that a broken one stops start-up, not requests."""
    _load_handlers()


def registered() -> dict[tuple[str, str], Handler]:
    _load_handlers()
    return dict(_handlers)


@cache
def _load_handlers() -> None:
    """Importing every module of api/v1 and api/v2 registers its handlers."""
    from openses.api import v1, v2

    for package in (v1, v2):
        for module in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
            importlib.import_module(module.name)


def call(handler: Handler, context: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return handler(context, **{xform_name(name): value for name, value in params.items()})
