"""Hypothesis strategies built from botocore shapes: values a client may send or a server answer.

``Wire`` says which values the wire can carry at all. The Query protocol has no way to send an
empty nested structure or map (botocore writes no key for them), so those are drawn non-empty
there; query-string lists drop out when empty, so those are drawn non-empty too.
"""

from __future__ import annotations

import datetime
import enum
from typing import Any

from hypothesis import strategies as st

SMALL = 3  # most list, map and free-text sizes stay at or under this


class Wire(enum.Enum):
    QUERY_REQUEST = "query-request"
    QUERY_RESPONSE = "query-response"
    JSON_REQUEST = "json-request"
    JSON_RESPONSE = "json-response"


# Characters XML 1.0 can carry, for text in XML responses; requests may carry any Unicode
# scalar value but NUL, which openses refuses at the protocol edge (tests/protocol/
# test_hostile_input.py).
_XML_TEXT = st.characters(
    exclude_categories=["Cs", "Cc"], exclude_characters="\ufffe\uffff"
) | st.sampled_from("\t\n\r")
_ANY_TEXT = st.characters(exclude_categories=["Cs"], exclude_characters="\x00")
_FEW_TRICKY = st.sampled_from(list(" /?&=+%#.;:'\"<>\\\u00e9\u2603\U0001f4e7\n\t"))

_START = datetime.datetime(1970, 1, 2, tzinfo=datetime.UTC)
_END = datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC)


def for_shape(shape: Any, wire: Wire) -> st.SearchStrategy[dict[str, Any]]:
    """Top-level input or output shape: required members always, optional ones sometimes."""
    return _structure(shape, wire, top=True, stack=())


def _value(shape: Any, wire: Wire, stack: tuple[str, ...]) -> st.SearchStrategy[Any]:
    kind = shape.type_name
    if kind == "structure":
        return _structure(shape, wire, top=False, stack=stack)
    if kind == "list":
        low, high = _sizes(shape, SMALL)
        return st.lists(_value(shape.member, wire, stack), min_size=low, max_size=high)
    if kind == "map":
        low, high = _sizes(shape, SMALL)
        if wire is Wire.QUERY_REQUEST:
            low = max(low, 1)
        return st.dictionaries(
            _value(shape.key, wire, stack),
            _value(shape.value, wire, stack),
            min_size=low,
            max_size=max(low, high),
        )
    if kind == "string":
        return _string(shape, wire)
    if kind in ("integer", "long"):
        bits = 31 if kind == "integer" else 63
        low = int(shape.metadata.get("min", -(2**bits)))
        high = int(shape.metadata.get("max", 2**bits - 1))
        return st.integers(low, high)
    if kind in ("float", "double"):
        meta = shape.metadata
        if "min" in meta or "max" in meta:
            return st.floats(meta.get("min"), meta.get("max"), allow_nan=False)
        return st.floats(allow_nan=False)
    if kind == "boolean":
        return st.booleans()
    if kind == "timestamp":
        return _timestamp(wire)
    if kind == "blob":
        low, high = _sizes(shape, 12)
        return st.binary(min_size=low, max_size=high)
    raise AssertionError(f"no strategy for {kind} shape {shape.name}")


def _structure(
    shape: Any, wire: Wire, *, top: bool, stack: tuple[str, ...]
) -> st.SearchStrategy[dict[str, Any]]:
    if shape.name in stack:  # a recursive shape: stop at the first repeat
        return st.just({})
    inner = (*stack, shape.name)
    members = {name: _member(member, wire, inner) for name, member in shape.members.items()}
    if shape.metadata.get("union"):
        return st.one_of([_only(name, value) for name, value in members.items()])
    required = {name: members[name] for name in shape.required_members}
    optional = {name: value for name, value in members.items() if name not in required}
    drawn = st.fixed_dictionaries(required, optional=optional)
    if not top and not required and wire is Wire.QUERY_REQUEST:
        # An empty nested structure leaves no key on the Query wire: draw one member at least.
        first = st.one_of([_only(name, value) for name, value in optional.items()])
        return st.tuples(first, drawn).map(lambda pair: {**pair[1], **pair[0]})
    return drawn


def _only(name: str, value: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.builds(lambda v: {name: v}, value)


def _member(member: Any, wire: Wire, stack: tuple[str, ...]) -> st.SearchStrategy[Any]:
    location = member.serialization.get("location")
    if location == "uri":
        return _string(member, wire, min_size=1)
    if location == "querystring" and member.type_name == "list":
        low, high = _sizes(member, SMALL)
        return st.lists(_value(member.member, wire, stack), min_size=max(low, 1), max_size=high)
    return _value(member, wire, stack)


def _sizes(shape: Any, cap: int) -> tuple[int, int]:
    low = int(shape.metadata.get("min", 0))
    high = int(shape.metadata.get("max", low + cap))
    return low, max(low, min(high, low + cap))


def _string(shape: Any, wire: Wire, min_size: int = 0) -> st.SearchStrategy[str]:
    choices = shape.metadata.get("enum")
    if choices:
        return st.sampled_from(choices)
    low, high = _sizes(shape, 8)
    low = max(low, min_size)
    high = max(low, high)
    alphabet = _XML_TEXT if wire is Wire.QUERY_RESPONSE else _ANY_TEXT
    return st.text(alphabet | _FEW_TRICKY, min_size=low, max_size=high)


def _timestamp(wire: Wire) -> st.SearchStrategy[datetime.datetime]:
    drawn = st.datetimes(
        _START.replace(tzinfo=None), _END.replace(tzinfo=None), timezones=st.just(datetime.UTC)
    )
    if wire in (Wire.QUERY_RESPONSE, Wire.JSON_RESPONSE):
        # AWS answers with millisecond precision, and so does openses.
        return drawn.map(lambda t: t.replace(microsecond=t.microsecond // 1000 * 1000))
    return drawn
