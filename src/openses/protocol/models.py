"""botocore's ``ses`` (v1, Query) and ``sesv2`` (v2, REST-JSON) service models, loaded once."""

from __future__ import annotations

from functools import cache
from typing import Any

import botocore.session

V1 = "ses"
V2 = "sesv2"


@cache
def service_model(service: str) -> Any:
    return botocore.session.get_session().get_service_model(service)


@cache
def operation_model(service: str, operation: str) -> Any:
    return service_model(service).operation_model(operation)


@cache
def error_shapes(service: str) -> dict[str, Any]:
    """Every error shape of a service, by shape name."""
    model = service_model(service)
    shapes: dict[str, Any] = {}
    for name in model.operation_names:
        for shape in model.operation_model(name).error_shapes:
            shapes[shape.name] = shape
    return shapes
