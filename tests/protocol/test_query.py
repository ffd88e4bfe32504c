"""The v1 Query protocol against botocore: its requests parse back, our responses parse in it."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.parsers import create_parser
from hypothesis import given
from hypothesis import strategies as st

from openses.protocol import query
from openses.protocol.models import V1, service_model
from tests.protocol import strategies
from tests.protocol.strategies import Wire
from tests.protocol.wire import FEW, client_parse, client_parse_error, client_request

MODEL = service_model(V1)
OPERATIONS = sorted(MODEL.operation_names)


@pytest.mark.parametrize("name", OPERATIONS)
@FEW
@given(data=st.data())
def test_request_round_trip(name: str, data: st.DataObject) -> None:
    operation = MODEL.operation_model(name)
    if operation.input_shape is None:
        params: dict[str, Any] = {}
    else:
        params = data.draw(strategies.for_shape(operation.input_shape, Wire.QUERY_REQUEST))
    request = client_request(operation, params)
    form = request.form()

    assert request.method == "POST"
    assert form["Action"] == name
    assert form["Version"] == MODEL.api_version
    assert query.parse_request(operation.input_shape, form) == params


@pytest.mark.parametrize("name", OPERATIONS)
@FEW
@given(data=st.data())
def test_response_round_trip(name: str, data: st.DataObject) -> None:
    operation = MODEL.operation_model(name)
    if operation.output_shape is None:
        result: dict[str, Any] = {}
    else:
        result = data.draw(strategies.for_shape(operation.output_shape, Wire.QUERY_RESPONSE))
    body = query.serialize_response(operation, result, "req-1")

    assert client_parse(operation, 200, {}, body) == result


def test_response_carries_request_id() -> None:
    operation = MODEL.operation_model("DeleteConfigurationSet")
    body = query.serialize_response(operation, {}, "5b4b5b0e-0000-4000-8000-000000000001")
    response = {"status_code": 200, "headers": {}, "body": body}

    parsed = create_parser("query").parse(response, operation.output_shape)

    assert parsed["ResponseMetadata"] == {
        "RequestId": "5b4b5b0e-0000-4000-8000-000000000001",
        "HTTPStatusCode": 200,
        "HTTPHeaders": {},
    }


@pytest.mark.parametrize(
    ("code", "message", "sender_fault", "fault"),
    [
        ("ConfigurationSetDoesNotExist", "Configuration set <x> does not exist.", True, "Sender"),
        ("InternalFailure", 'An internal error & "failure" occurred.', False, "Receiver"),
    ],
)
def test_error_round_trip(code: str, message: str, sender_fault: bool, fault: str) -> None:
    body = query.serialize_error(code, message, "req-9", sender_fault)

    parsed = client_parse_error("query", 400, {}, body)

    assert parsed["Error"] == {"Code": code, "Message": message, "Type": fault}
    assert parsed["ResponseMetadata"]["RequestId"] == "req-9"
    assert parsed["ResponseMetadata"]["HTTPStatusCode"] == 400


@FEW
@given(message=st.text(st.characters(exclude_categories=["Cs", "Cc"]), min_size=1, max_size=40))
def test_error_message_round_trip(message: str) -> None:
    body = query.serialize_error("ValidationError", message, "req-2")

    parsed = client_parse_error("query", 400, {}, body)

    assert parsed["Error"]["Message"] == message
