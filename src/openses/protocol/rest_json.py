"""The v2 REST-JSON protocol: URI, query-string, header and JSON-body members in; JSON out.

Members are placed by their ``location`` in the model; everything without one travels in the
JSON body. Timestamps are epoch seconds and blobs base64, as botocore sends and expects them.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import email.utils
import json
import math
from collections.abc import Iterable, Mapping
from typing import Any

import orjson

from openses import json_text
from openses.protocol import scalars, timestamps
from openses.protocol.errors import SerializationError

# JSON has no non-finite numbers; botocore and the AWS SDKs spell them as strings.
_NON_FINITE_TEXT = {"inf": "Infinity", "-inf": "-Infinity", "nan": "NaN"}
_NON_FINITE = set(_NON_FINITE_TEXT.values())


def parse_request(
    operation: Any,
    uri_params: Mapping[str, str],
    query: Mapping[str, list[str]],
    headers: Mapping[str, str],
    body: bytes,
    query_members: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """``query_members`` moves members to the query string, for legacy routes."""
    shape = operation.input_shape
    if shape is None:
        return {}
    moved = query_members or {}
    _check_text("path", uri_params.values())
    _check_text("query string", (value for values in query.values() for value in values))
    _check_text("headers", headers.values())
    document = _decode_body(body) if _has_body_members(shape) else {}
    params: dict[str, Any] = {}
    for name, member in shape.members.items():
        location = "querystring" if name in moved else member.serialization.get("location")
        wire_name = moved.get(name) or member.serialization.get("name", name)
        if location == "uri":
            if wire_name in uri_params:
                params[name] = _from_text(member.type_name, uri_params[wire_name])
        elif location == "querystring":
            values = query.get(wire_name)
            if values:
                params[name] = (
                    [_from_text(member.member.type_name, v) for v in values]
                    if member.type_name == "list"
                    else _from_text(member.type_name, values[-1])
                )
        elif location == "header":
            if wire_name.lower() in headers:
                params[name] = _from_text(member.type_name, headers[wire_name.lower()])
        elif name in document and document[name] is not None:
            params[name] = _from_json(member, document[name])
    return params


def _check_text(where: str, values: Iterable[str]) -> None:
    """No store keeps NUL or a lone surrogate: refused here, for every operation at once."""
    for value in values:
        bad = json_text.unstorable_character(value)
        if bad is not None:
            raise SerializationError(f"Could not parse request: the {where} holds {bad}")


def _has_body_members(shape: Any) -> bool:
    return any("location" not in m.serialization for m in shape.members.values())


def _decode_body(body: bytes) -> dict[str, Any]:
    if not body.strip():
        return {}
    try:
        document = json_text.loads(body)
    except json.JSONDecodeError as exc:
        raise SerializationError(f"Could not parse request body into json: {exc.msg}") from None
    except UnicodeDecodeError:
        raise SerializationError("Could not parse request body into json: not UTF-8") from None
    except json_text.UnreadableJson as exc:
        raise SerializationError(f"Could not parse request body into json: {exc.reason}") from None
    if not isinstance(document, dict):
        raise SerializationError("Could not parse request body into json: expected an object")
    return document


# JSON types each shape type accepts, and how AWS's JSON layer names the target type.
_ACCEPTS: dict[str, tuple[type[Any], ...]] = {
    "string": (str,),
    "boolean": (bool,),
    "integer": (int,),
    "long": (int,),
    "float": (int, float, str),
    "double": (int, float, str),
    "timestamp": (int, float, str),
    "blob": (str,),
    "structure": (dict,),
    "list": (list,),
    "map": (dict,),
}
_TARGETS = {
    "string": "a String",
    "boolean": "a Boolean",
    "integer": "an Integer",
    "long": "a Long",
    "float": "a Float",
    "double": "a Double",
    "timestamp": "a Timestamp",
    "blob": "a Blob",
    "structure": "a Structure",
    "list": "a List",
    "map": "a Map",
}


def _json_token(value: Any) -> str:
    if isinstance(value, bool):
        return "VALUE_TRUE" if value else "VALUE_FALSE"
    if isinstance(value, int | float):
        return "VALUE_NUMBER_INT" if isinstance(value, int) else "VALUE_NUMBER_FLOAT"
    if isinstance(value, str):
        return "VALUE_STRING"
    return "START_OBJECT" if isinstance(value, dict) else "START_ARRAY"


def _from_json(shape: Any, value: Any) -> Any:
    """Convert JSON values to Python ones. A value of the wrong JSON type is a serialization
    error, as AWS's JSON layer reports it before any validation."""
    kind = shape.type_name
    accepted = _ACCEPTS.get(kind, (object,))
    if not isinstance(value, accepted) or (isinstance(value, bool) and kind != "boolean"):
        raise SerializationError(
            f"{_json_token(value)} can not be converted to {_TARGETS.get(kind, kind)}"
        )
    if kind in _JAVA_INTS and isinstance(value, int):
        _check_range(kind, value)
    if kind == "structure" and isinstance(value, dict):
        return {
            name: _from_json(shape.members[name], item)
            for name, item in value.items()
            if name in shape.members and item is not None
        }
    if kind == "list" and isinstance(value, list):
        return [None if item is None else _from_json(shape.member, item) for item in value]
    if kind == "map" and isinstance(value, dict):
        return {key: _from_json(shape.value, item) for key, item in value.items()}
    if kind == "timestamp" and isinstance(value, int | float | str):
        return timestamps.parse(value) or value
    if kind == "blob" and isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            return value
    if kind in ("float", "double") and isinstance(value, int | float | str):
        return _float(value)
    return value


def _from_text(kind: str, raw: str) -> Any:
    value = scalars.from_text(kind, raw)
    if kind in _JAVA_INTS and isinstance(value, int):
        _check_range(kind, value)
    return value


# How Jackson names the Java types of integer and long members.
_JAVA_INTS = {"integer": "int", "long": "long"}


def _check_range(kind: str, value: int) -> None:
    if not scalars.in_range(kind, value):
        name, bound = _JAVA_INTS[kind], scalars.INT_BOUNDS[kind]
        text = str(value) if len(str(value)) <= 40 else str(value)[:40] + "..."
        raise SerializationError(
            f"Numeric value ({text}) out of range of {name} ({-bound} - {bound - 1})"
        )


def _float(value: Any) -> Any:
    """A JSON number, or ``"Infinity"``/``"-Infinity"``/``"NaN"`` as botocore sends those."""
    if (isinstance(value, int | float) and not isinstance(value, bool)) or value in _NON_FINITE:
        return float(value)
    return value


def serialize_response(
    operation: Any, result: Mapping[str, Any]
) -> tuple[int, dict[str, str], bytes]:
    shape = operation.output_shape
    status = 200
    headers: dict[str, str] = {}
    document: dict[str, Any] = {}
    if shape is not None:
        for name, member in shape.members.items():
            value = result.get(name)
            if value is None:
                continue
            location = member.serialization.get("location")
            if location == "header":
                headers[member.serialization.get("name", name)] = _header_text(member, value)
            elif location == "statusCode":
                status = int(value)
            else:
                document[member.serialization.get("name", name)] = _to_json(member, value)
    return status, headers, orjson.dumps(document)


def _header_text(shape: Any, value: Any) -> str:
    kind = shape.type_name
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "timestamp" and isinstance(value, datetime.datetime):
        return email.utils.format_datetime(value.astimezone(datetime.UTC), usegmt=True)
    if kind in ("float", "double"):
        return str(_to_json(shape, value))
    return str(value)


def serialize_error(message: str) -> bytes:
    return json.dumps({"message": message}).encode()


def _to_json(shape: Any, value: Any) -> Any:
    kind = shape.type_name
    if kind == "structure":
        return {
            member.serialization.get("name", name): _to_json(member, value[name])
            for name, member in shape.members.items()
            if value.get(name) is not None
        }
    if kind == "list":
        return [_to_json(shape.member, item) for item in value]
    if kind == "map":
        return {key: _to_json(shape.value, item) for key, item in value.items()}
    if kind == "timestamp" and isinstance(value, datetime.datetime):
        return timestamps.to_epoch(value)
    if kind == "blob" and isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if kind in ("float", "double") and isinstance(value, float) and not math.isfinite(value):
        return _NON_FINITE_TEXT[str(value)]
    return value
