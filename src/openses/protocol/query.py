"""The v1 Query protocol: form-encoded requests in, XML responses and errors out.

Requests flatten nested shapes into dotted keys (``Dest.ToAddresses.member.1``); responses nest
``<OpResponse><OpResult>...</OpResult><ResponseMetadata/></OpResponse>``. Both directions walk
the operation's shapes, so no operation has code of its own here.
"""

from __future__ import annotations

import base64
import datetime
import math
import re
from collections.abc import Mapping
from typing import Any
from xml.sax.saxutils import escape

from openses import json_text
from openses.protocol import scalars, timestamps
from openses.protocol.errors import ProtocolError

XMLNS = "http://ses.amazonaws.com/doc/2010-12-01/"
# Non-finite numbers are spelled as botocore and the AWS SDKs write and read them.
_NON_FINITE = {"inf": "Infinity", "-inf": "-Infinity", "nan": "NaN"}
# Characters XML 1.0 cannot carry, not even as a character reference (its Char production).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def check_form(form: Mapping[str, str]) -> None:
    """No store keeps NUL: a parameter holding one is refused here, for every operation.
    (A lone surrogate cannot arrive: the form is percent-encoded UTF-8, read with
    replacement characters.)"""
    for key, value in form.items():
        bad = json_text.unstorable_character(key) or json_text.unstorable_character(value)
        if bad is not None:
            name = key if json_text.unstorable_character(key) is None else "(a parameter name)"
            raise ProtocolError(
                "InvalidParameterValue", f"The value of {name} holds {bad}, which is not allowed."
            )


def parse_request(shape: Any, form: Mapping[str, str]) -> dict[str, Any]:
    if shape is None:
        return {}
    keys = sorted(form)
    parsed = _parse_structure(shape, form, keys, "")
    return parsed or {}


def _parse(shape: Any, form: Mapping[str, str], keys: list[str], key: str) -> Any:
    kind = shape.type_name
    if kind == "structure":
        return _parse_structure(shape, form, keys, key + ".")
    if kind == "list":
        return _parse_list(shape, form, keys, key)
    if kind == "map":
        return _parse_map(shape, form, keys, key)
    if key not in form:
        return None
    value = scalars.from_text(kind, form[key])
    # Beyond Java's int or long it is not a number of the member's type: validation says so.
    return value if scalars.in_range(kind, value) else form[key]


def _parse_structure(
    shape: Any, form: Mapping[str, str], keys: list[str], prefix: str
) -> dict[str, Any] | None:
    if prefix and not _has_prefix(keys, prefix):
        return None
    result: dict[str, Any] = {}
    for name, member in shape.members.items():
        value = _parse(member, form, keys, prefix + member.serialization.get("name", name))
        if value is not None:
            result[name] = value
    return result


def _parse_list(shape: Any, form: Mapping[str, str], keys: list[str], key: str) -> list[Any] | None:
    if form.get(key) == "":
        return []
    item_name = shape.member.serialization.get("name")
    if shape.serialization.get("flattened"):
        # botocore puts a flattened list's items under the member's own name, if it has one.
        parent = key.rpartition(".")[0]
        if item_name:
            key = f"{parent}.{item_name}" if parent else item_name
        item_prefix = key + "."
    else:
        item_prefix = f"{key}.{item_name or 'member'}."
    indices = _indices(keys, item_prefix)
    if not indices:
        return None
    return [_parse(shape.member, form, keys, f"{item_prefix}{i}") for i in indices]


def _parse_map(
    shape: Any, form: Mapping[str, str], keys: list[str], key: str
) -> dict[str, Any] | None:
    entry_prefix = key + "." if shape.serialization.get("flattened") else key + ".entry."
    indices = _indices(keys, entry_prefix)
    if not indices:
        return None
    key_name = shape.key.serialization.get("name", "key")
    value_name = shape.value.serialization.get("name", "value")
    result: dict[str, Any] = {}
    for i in indices:
        name = form.get(f"{entry_prefix}{i}.{key_name}")
        if name is not None:
            result[name] = _parse(shape.value, form, keys, f"{entry_prefix}{i}.{value_name}")
    return result


def _has_prefix(keys: list[str], prefix: str) -> bool:
    return any(key.startswith(prefix) for key in keys)


def _indices(keys: list[str], prefix: str) -> list[int]:
    found: set[int] = set()
    for key in keys:
        if key.startswith(prefix):
            head = key[len(prefix) :].split(".", 1)[0]
            if head.isdigit():
                found.add(int(head))
    return sorted(found)


def serialize_response(operation: Any, result: Mapping[str, Any], request_id: str) -> bytes:
    name = operation.name
    output = operation.output_shape
    parts = [f'<{name}Response xmlns="{XMLNS}">']
    if output is not None:
        wrapper = output.serialization.get("resultWrapper", f"{name}Result")
        parts.append(f"<{wrapper}>")
        _write_members(output, result, parts)
        parts.append(f"</{wrapper}>")
    parts.append(
        f"<ResponseMetadata><RequestId>{_escape(request_id)}</RequestId></ResponseMetadata>"
    )
    parts.append(f"</{name}Response>")
    return "".join(parts).encode()


def serialize_error(code: str, message: str, request_id: str, sender_fault: bool = True) -> bytes:
    fault = "Sender" if sender_fault else "Receiver"
    return (
        f'<ErrorResponse xmlns="{XMLNS}"><Error><Type>{fault}</Type><Code>{_escape(code)}</Code>'
        f"<Message>{_escape(message)}</Message></Error><RequestId>{_escape(request_id)}</RequestId>"
        "</ErrorResponse>"
    ).encode()


def _write_members(shape: Any, value: Mapping[str, Any], parts: list[str]) -> None:
    for name, member in shape.members.items():
        item = value.get(name)
        if item is None:
            continue
        tag = member.serialization.get("name", name)
        if member.type_name == "list" and member.serialization.get("flattened"):
            for element in item:
                _write(member.member, element, tag, parts)
        else:
            _write(member, item, tag, parts)


def _write(shape: Any, value: Any, tag: str, parts: list[str]) -> None:
    parts.append(f"<{tag}>")
    kind = shape.type_name
    if kind == "structure":
        _write_members(shape, value, parts)
    elif kind == "list":
        item_tag = shape.member.serialization.get("name", "member")
        for element in value:
            _write(shape.member, element, item_tag, parts)
    elif kind == "map":
        for key, element in value.items():
            parts.append("<entry>")
            _write(shape.key, key, shape.key.serialization.get("name", "key"), parts)
            _write(shape.value, element, shape.value.serialization.get("name", "value"), parts)
            parts.append("</entry>")
    else:
        parts.append(_scalar_text(kind, value))
    parts.append(f"</{tag}>")


def _scalar_text(kind: str, value: Any) -> str:
    if kind == "boolean":
        return "true" if value else "false"
    if kind in ("float", "double") and isinstance(value, float) and not math.isfinite(value):
        return _NON_FINITE[str(value)]
    if kind == "timestamp" and isinstance(value, datetime.datetime):
        return timestamps.iso8601(value)
    if kind == "blob" and isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return _escape(str(value))


def _escape(text: str) -> str:
    """XML-escape ``text``; a bare carriage return would reach the client as a line feed, and a
    character XML 1.0 cannot carry (a C0 control, a lone surrogate, U+FFFE, U+FFFF) reaches it as
    U+FFFD, so that the answer stays well-formed (found by tests/api/test_fuzz.py: an unknown
    Action holding U+0001 was echoed into InvalidAction's message)."""
    return escape(_NOT_XML.sub("\ufffd", text), {"\r": "&#13;"})
