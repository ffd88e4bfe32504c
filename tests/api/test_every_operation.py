"""Every operation of both models answers as AWS would, never NotImplemented and never a 5xx:
each is called through boto3 with minimal valid input derived from its input shape (required
members only, each the smallest value its shape allows), on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from botocore import xform_name
from botocore.exceptions import ClientError

from openses.api.registry import Handlers
from openses.protocol.models import V1, V2, service_model
from tests.api.model_inputs import minimal
from tests.support import LiveServer, fresh_account

HANDLERS = Handlers.discover()
OPERATIONS = [
    (service, name) for service in (V1, V2) for name in service_model(service).operation_names
]


def test_every_operation_has_a_handler() -> None:
    missing = [
        (service, name)
        for service, name in OPERATIONS
        if HANDLERS.handler_for(service, name) is None
    ]
    assert missing == []


@pytest.mark.parametrize(("service", "name"), OPERATIONS, ids=[f"{s}:{n}" for s, n in OPERATIONS])
def test_operation_answers_with_minimal_input(server: LiveServer, service: str, name: str) -> None:
    operation = service_model(service).operation_model(name)
    params = minimal(operation.input_shape) if operation.input_shape is not None else {}
    client = server.client(service, access_key=fresh_account())
    code, status = _call(getattr(client, xform_name(name)), params)
    assert code != "NotImplemented"
    assert status < 500, code
    assert code is None or code in _error_codes(service, name), code


def _call(method: Any, params: dict[str, Any]) -> tuple[str | None, int]:
    """(error code or None, HTTP status) of one call."""
    try:
        response = method(**params)
    except ClientError as error:
        return error.response["Error"]["Code"], error.response["ResponseMetadata"]["HTTPStatusCode"]
    return None, response["ResponseMetadata"]["HTTPStatusCode"]


def _error_codes(service: str, name: str) -> set[str]:
    """The codes an operation may answer: its model's errors, and the protocol's common ones
    (a v1 Query call's InvalidParameterValue and friends)."""
    operation = service_model(service).operation_model(name)
    codes = {
        shape.metadata.get("error", {}).get("code", shape.name) if service == V1 else shape.name
        for shape in operation.error_shapes
    }
    return codes | {"InvalidParameterValue", "ValidationError", "MessageRejected"}
