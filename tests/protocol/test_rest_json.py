"""The v2 REST-JSON protocol against botocore: its requests parse back, our answers parse in it."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openses.protocol import rest_json
from openses.protocol.errors import SerializationError
from openses.protocol.models import V2, service_model
from openses.protocol.routing import Router
from tests.protocol import strategies
from tests.protocol.strategies import Wire
from tests.protocol.wire import FEW, Sent, client_parse, client_parse_error, client_request

MODEL = service_model(V2)
ROUTER = Router(MODEL)
OPERATIONS = sorted(MODEL.operation_names)


def _server_parse(request: Sent) -> tuple[str, Any]:
    """What the gateway does with a request: route it, then parse it."""
    found = ROUTER.match(request.method, request.path)
    assert found is not None, f"{request.method} {request.path} matches no route"
    params = rest_json.parse_request(
        found.operation,
        found.uri_params,
        parse_qs(request.query, keep_blank_values=True),
        request.headers,
        request.body,
        found.query_members,
    )
    return found.operation.name, params


@pytest.mark.parametrize("name", OPERATIONS)
@FEW
@given(data=st.data())
def test_request_round_trip(name: str, data: st.DataObject) -> None:
    operation = MODEL.operation_model(name)
    params = data.draw(strategies.for_shape(operation.input_shape, Wire.JSON_REQUEST))
    request = client_request(operation, params)

    assert _server_parse(request) == (name, params)


@pytest.mark.parametrize("name", OPERATIONS)
@FEW
@given(data=st.data())
def test_response_round_trip(name: str, data: st.DataObject) -> None:
    operation = MODEL.operation_model(name)
    result = data.draw(strategies.for_shape(operation.output_shape, Wire.JSON_RESPONSE))
    status, headers, body = rest_json.serialize_response(operation, result)

    assert status == operation.http.get("responseCode", 200)
    assert client_parse(operation, status, headers, body) == result


@pytest.mark.parametrize(
    ("code", "status", "message"),
    [
        ("NotFoundException", 404, "Configuration set <x> does not exist."),
        ("BadRequestException", 400, 'Bad "quoted" \u00e9 message'),
        ("TooManyRequestsException", 429, "Too many requests."),
        ("InternalFailure", 500, "An internal error occurred."),
    ],
)
def test_error_round_trip(code: str, status: int, message: str) -> None:
    body = rest_json.serialize_error(message)

    parsed = client_parse_error("rest-json", status, {"x-amzn-ErrorType": code}, body)

    assert parsed["Error"] == {"Code": code, "Message": message}
    assert parsed["ResponseMetadata"]["HTTPStatusCode"] == status


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            b"{",
            "Could not parse request body into json: "
            "Expecting property name enclosed in double quotes",
        ),
        (b"\xff", "Could not parse request body into json: not UTF-8"),
        (b"[]", "Could not parse request body into json: expected an object"),
    ],
)
def test_unreadable_body(body: bytes, message: str) -> None:
    operation = MODEL.operation_model("CreateConfigurationSet")

    with pytest.raises(SerializationError) as caught:
        rest_json.parse_request(operation, {}, {}, {}, body)

    assert (caught.value.code, caught.value.message) == ("SerializationException", message)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"ConfigurationSetName": 7}, "VALUE_NUMBER_INT can not be converted to a String"),
        (
            {"ConfigurationSetName": "x", "Tags": "none"},
            "VALUE_STRING can not be converted to a List",
        ),
        (
            {"ConfigurationSetName": "x", "SendingOptions": {"SendingEnabled": "yes"}},
            "VALUE_STRING can not be converted to a Boolean",
        ),
        (
            {"ConfigurationSetName": "x", "DeliveryOptions": {"MaxDeliverySeconds": True}},
            "VALUE_TRUE can not be converted to a Long",
        ),
        ({"ConfigurationSetName": ["x"]}, "START_ARRAY can not be converted to a String"),
    ],
)
def test_wrong_json_types_are_serialization_errors(document: dict[str, Any], message: str) -> None:
    operation = MODEL.operation_model("CreateConfigurationSet")
    with pytest.raises(SerializationError) as raised:
        rest_json.parse_request(operation, {}, {}, {}, json.dumps(document).encode())
    assert (raised.value.code, raised.value.status, raised.value.message) == (
        "SerializationException",
        400,
        message,
    )
