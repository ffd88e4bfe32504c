"""(service, operation) -> handler. Handlers take the input members in snake_case, keyword-only.

``@operation`` only marks a handler with its AWS name; ``Handlers.discover()`` imports every
module of api/v1 and api/v2 and builds the table from the marks, once, in the composition root
(``bootstrap.py``), so that a broken module stops start-up, not requests.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from botocore import xform_name

from openses.api.context import RequestContext

# A structure of the wire as the protocol layer reads it (input members, in their AWS names),
# and a handler's answer, which the protocol layer writes.
Wire = dict[str, Any]
Output = dict[str, Any]
Handler = Callable[..., Output]
_MARK = "__openses_operation__"


@dataclass(frozen=True, slots=True)
class Registration:
    service: str
    name: str
    calls_out: bool
    renders: bool
    stored_only: bool = False


def operation(
    service: str,
    name: str,
    *,
    calls_out: bool = False,
    renders: bool = False,
    stored_only: bool = False,
) -> Callable[[Handler], Handler]:
    """Mark a handler. ``calls_out``: it may wait on another service (an AWS API), so it must
    never run on the event loop. ``renders``: its work is rendering (bounded, but up to a
    tenth of a second, domain/template.py), which runs in a thread too. ``stored_only``: the
    feature needs AWS's own infrastructure, so openses stores and returns what it is given and
    has no data of its own (the README's operation table says so)."""

    def mark(handler: Handler) -> Handler:
        setattr(handler, _MARK, Registration(service, name, calls_out, renders, stored_only))
        return handler

    return mark


class Handlers:
    def __init__(self, handlers: Iterable[tuple[Registration, Handler]]) -> None:
        self._handlers: dict[tuple[str, str], Handler] = {}
        self._off_loop: set[tuple[str, str]] = set()
        for registration, handler in handlers:
            key = (registration.service, registration.name)
            if key in self._handlers:
                raise ValueError(f"{registration.service}:{registration.name} is registered twice")
            self._handlers[key] = handler
            if registration.calls_out or registration.renders:
                self._off_loop.add(key)

    @classmethod
    def discover(cls) -> Handlers:
        """Every handler marked in the modules of api/v1 and api/v2."""
        return cls(_marked())

    def handler_for(self, service: str, name: str) -> Handler | None:
        return self._handlers.get((service, name))

    def off_loop(self, service: str, name: str) -> bool:
        """Whether the handler runs in a thread whatever OPENSES_DATABASE_THREADS says."""
        return (service, name) in self._off_loop

    def registered(self) -> dict[tuple[str, str], Handler]:
        return dict(self._handlers)


def registration_of(handler: Handler) -> Registration:
    found = getattr(handler, _MARK)
    assert isinstance(found, Registration)
    return found


def _marked() -> Iterator[tuple[Registration, Handler]]:
    from openses.api import v1, v2

    for package in (v1, v2):
        for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
            module = importlib.import_module(info.name)
            for value in vars(module).values():
                registration = getattr(value, _MARK, None)
                # a handler imported into another module is found there too: count it once
                if isinstance(registration, Registration) and value.__module__ == info.name:
                    yield registration, value


def call(handler: Handler, context: RequestContext, params: Wire) -> Output:
    return handler(context, **{xform_name(name): value for name, value in params.items()})
