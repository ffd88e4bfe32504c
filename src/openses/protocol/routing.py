"""Match a v2 request's method and path to an operation, using each model ``requestUri``."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

_PATCHES = Path(__file__).with_name("patches.json")
_LITERAL, _LABEL, _GREEDY = 0, 1, 2


@dataclass(frozen=True, slots=True)
class Route:
    operation: Any
    pattern: re.Pattern[str]
    # one rank per path segment; sorting on it tries literal segments before labels
    specificity: tuple[int, ...]
    # member name -> query-string name, for legacy routes whose members the model puts elsewhere
    query_members: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Match:
    operation: Any
    uri_params: dict[str, str]
    query_members: dict[str, str]


class Router:
    def __init__(self, service_model: Any) -> None:
        by_method: dict[str, list[Route]] = {}
        for name in service_model.operation_names:
            operation = service_model.operation_model(name)
            method = operation.http["method"]
            by_method.setdefault(method, []).append(_route(operation, operation.http["requestUri"]))
        patches = json.loads(_PATCHES.read_text()).get(service_model.service_name, {})
        for legacy in patches.get("legacy_routes", []):
            operation = service_model.operation_model(legacy["operation"])
            route = _route(operation, legacy["requestUri"], legacy["querystring"])
            by_method.setdefault(legacy["method"], []).append(route)
        for routes in by_method.values():
            routes.sort(key=lambda route: route.specificity)
        self._routes = by_method

    def match(self, method: str, raw_path: str) -> Match | None:
        for route in self._routes.get(method, ()):
            found = route.pattern.fullmatch(raw_path)
            if found is not None:
                params = {name: unquote(value) for name, value in found.groupdict().items()}
                return Match(route.operation, params, route.query_members)
        return None


def _route(operation: Any, request_uri: str, query_members: dict[str, str] | None = None) -> Route:
    """A path pattern for ``request_uri``; a trailing slash is optional, whichever the model has.

    botocore sends the model's path as written (``/v2/email/insights/{MessageId}/``), and older
    SDKs and hand-written clients may leave the slash off.
    """
    path = request_uri.split("?", 1)[0]
    regex = []
    specificity = []
    for segment in path.strip("/").split("/"):
        if segment.startswith("{") and segment.endswith("}"):
            name = segment[1:-1]
            if name.endswith("+"):
                regex.append(f"(?P<{name[:-1]}>.+)")
                specificity.append(_GREEDY)
            else:
                regex.append(f"(?P<{name}>[^/]+)")
                specificity.append(_LABEL)
        else:
            regex.append(re.escape(segment))
            specificity.append(_LITERAL)
    pattern = re.compile("/" + "/".join(regex) + "/?")
    return Route(operation, pattern, tuple(specificity), query_members or {})
