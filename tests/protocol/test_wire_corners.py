"""Wire corners the SES models use rarely or not yet, on a small model of their own.

The code under test is generic over shapes, so a made-up model checks the cases the real ones
leave out: flattened and renamed lists, renamed map entries, non-finite doubles, header members.
"""

from __future__ import annotations

import datetime
import math
from typing import Any
from urllib.parse import parse_qs

import pytest
from botocore.model import ServiceModel

from openses.protocol import query, rest_json, timestamps
from openses.protocol.routing import Router
from openses.protocol.timestamps import iso8601
from tests.protocol.wire import client_parse, client_request

_SHAPES: dict[str, Any] = {
    "Input": {
        "type": "structure",
        "members": {
            "Flat": {"shape": "FlatList"},
            "FlatNamed": {"shape": "FlatNamedList"},
            "Nested": {"shape": "Nested"},
            "Named": {"shape": "NamedList"},
            "Attributes": {"shape": "NamedMap"},
            "Ratio": {"shape": "Double"},
            "Id": {"shape": "String", "location": "uri", "locationName": "Id"},
            "Weight": {"shape": "Double", "location": "querystring", "locationName": "w"},
            "When": {"shape": "Timestamp", "location": "querystring", "locationName": "when"},
        },
    },
    "Output": {
        "type": "structure",
        "members": {
            "Flat": {"shape": "FlatList"},
            "Named": {"shape": "NamedList"},
            "Attributes": {"shape": "NamedMap"},
            "Ratio": {"shape": "Double"},
            "Enabled": {"shape": "Boolean", "location": "header", "locationName": "x-enabled"},
            "Count": {"shape": "Integer", "location": "header", "locationName": "x-count"},
            "Score": {"shape": "Double", "location": "header", "locationName": "x-score"},
        },
    },
    "FlatList": {"type": "list", "member": {"shape": "String"}, "flattened": True},
    "FlatNamedList": {
        "type": "list",
        "member": {"shape": "String", "locationName": "Entry"},
        "flattened": True,
    },
    "Nested": {"type": "structure", "members": {"Items": {"shape": "FlatNamedList"}}},
    "NamedList": {"type": "list", "member": {"shape": "String", "locationName": "item"}},
    "NamedMap": {
        "type": "map",
        "key": {"shape": "String", "locationName": "name"},
        "value": {"shape": "Double", "locationName": "amount"},
    },
    "String": {"type": "string"},
    "Double": {"type": "double"},
    "Boolean": {"type": "boolean"},
    "Integer": {"type": "integer"},
    "Timestamp": {"type": "timestamp"},
}


def _model(protocol: str) -> ServiceModel:
    return ServiceModel(
        {
            "metadata": {
                "apiVersion": "2020-01-01",
                "protocol": protocol,
                "serviceId": "Corners",
                "endpointPrefix": "corners",
                "signatureVersion": "v4",
                "xmlNamespace": "http://example.com/doc/2020-01-01/",
            },
            "operations": {
                "Go": {
                    "name": "Go",
                    "http": {"method": "POST", "requestUri": "/go/{Id}/"},
                    "input": {"shape": "Input"},
                    "output": {"shape": "Output", "resultWrapper": "GoResult"},
                }
            },
            "shapes": _SHAPES,
        },
        service_name="corners",
    )


QUERY = _model("query").operation_model("Go")
JSON = _model("rest-json").operation_model("Go")


@pytest.mark.parametrize("ratio", [1.5, math.inf, -math.inf, 0.0, 1e300])
def test_query_request(ratio: float) -> None:
    params = {
        "Flat": ["a", "b"],
        "FlatNamed": ["d", "e"],
        "Nested": {"Items": ["f"]},
        "Named": ["c"],
        "Attributes": {"x": 1.0, "y": ratio},
        "Ratio": ratio,
    }
    form = client_request(QUERY, params).form()

    assert query.parse_request(QUERY.input_shape, form) == params


def test_query_request_empty_lists() -> None:
    params: dict[str, Any] = {"Flat": [], "Named": []}
    form = client_request(QUERY, params).form()

    assert query.parse_request(QUERY.input_shape, form) == params


@pytest.mark.parametrize("ratio", [2.25, math.inf, -math.inf])
def test_query_response(ratio: float) -> None:
    result = {"Flat": ["a", "b"], "Named": ["c", ""], "Attributes": {"x": ratio}, "Ratio": ratio}
    body = query.serialize_response(QUERY, result, "r")

    assert client_parse(QUERY, 200, {}, body) == result


def test_query_response_nan() -> None:
    body = query.serialize_response(QUERY, {"Ratio": math.nan}, "r")

    assert math.isnan(client_parse(QUERY, 200, {}, body)["Ratio"])


@pytest.mark.parametrize("ratio", [1.5, math.inf, -math.inf, 3.0])
def test_rest_json_request(ratio: float) -> None:
    when = datetime.datetime(2024, 5, 1, 12, 30, 15, 250000, tzinfo=datetime.UTC)
    params = {
        "Id": "a b/c",
        "Ratio": ratio,
        "Weight": ratio,
        "When": when,
        "Attributes": {"x": ratio},
    }
    request = client_request(JSON, params)
    found = Router(JSON.service_model).match(request.method, request.path)
    assert found is not None

    parsed = rest_json.parse_request(
        found.operation,
        found.uri_params,
        parse_qs(request.query, keep_blank_values=True),
        request.headers,
        request.body,
    )

    assert parsed == params


@pytest.mark.parametrize("ratio", [0.5, math.inf, -math.inf])
def test_rest_json_response(ratio: float) -> None:
    result = {
        "Ratio": ratio,
        "Attributes": {"x": ratio},
        "Enabled": False,
        "Count": 7,
        "Score": ratio,
    }
    status, headers, body = rest_json.serialize_response(JSON, result)

    assert headers == {
        "x-enabled": "false",
        "x-count": "7",
        "x-score": {0.5: "0.5", math.inf: "Infinity", -math.inf: "-Infinity"}[ratio],
    }
    assert client_parse(JSON, status, headers, body) == result


@pytest.mark.parametrize(
    "raw",
    [1e20, -1e20, math.inf, math.nan, "1e400", "nan", "", "yesterday", True, None, [1]],
)
def test_unreadable_timestamps_are_none(raw: Any) -> None:
    assert timestamps.parse(raw) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (0, datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)),
        (1714566615.25, datetime.datetime(2024, 5, 1, 12, 30, 15, 250000, tzinfo=datetime.UTC)),
        ("1714566615", datetime.datetime(2024, 5, 1, 12, 30, 15, tzinfo=datetime.UTC)),
        ("2024-05-01T12:30:15Z", datetime.datetime(2024, 5, 1, 12, 30, 15, tzinfo=datetime.UTC)),
        (
            "2024-05-01T14:30:15.5+02:00",
            datetime.datetime(2024, 5, 1, 12, 30, 15, 500000, tzinfo=datetime.UTC),
        ),
    ],
)
def test_readable_timestamps(raw: Any, expected: datetime.datetime) -> None:
    assert timestamps.parse(raw) == expected


def test_timestamp_writers() -> None:
    moment = datetime.datetime(2024, 5, 1, 12, 30, 15, 123999, tzinfo=datetime.UTC)

    assert iso8601(moment) == "2024-05-01T12:30:15.123Z"
    assert timestamps.to_epoch(moment) == 1714566615.123
