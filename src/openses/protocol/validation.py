"""One pass over an operation's input shape: required, type, length, range, pattern and enum.

botocore's own validator checks only a subset (required, type, min); AWS answers every model
constraint, so this walks the shape once and collects every violation, worded as AWS words them.
"""

from __future__ import annotations

import datetime
import re
from functools import cache
from typing import Any

from openses.protocol.errors import ValidationError

_PYTHON_TYPES: dict[str, tuple[type[Any], ...]] = {
    "string": (str,),
    "integer": (int,),
    "long": (int,),
    "float": (int, float),
    "double": (int, float),
    "boolean": (bool,),
    "timestamp": (datetime.datetime,),
    "blob": (bytes,),
    "structure": (dict,),
    "list": (list,),
    "map": (dict,),
}


@cache
def _compiled(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except re.error:  # a Java-only construct: the server-side check stays with AWS semantics
        return None


def validate(shape: Any, params: dict[str, Any]) -> None:
    problems: list[str] = []
    _check_structure(shape, params, "", problems)
    if problems:
        count = len(problems)
        noun = "error" if count == 1 else "errors"
        raise ValidationError(f"{count} validation {noun} detected: " + "; ".join(problems))


def _path(prefix: str, name: str) -> str:
    camel = name[:1].lower() + name[1:]
    return f"{prefix}.{camel}" if prefix else camel


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, dict | list):
        return "[...]" if isinstance(value, list) else "{...}"
    return f"'{value}'"


def _fail(problems: list[str], value: Any, path: str, constraint: str) -> None:
    problems.append(
        f"Value {_describe(value)} at '{path}' failed to satisfy constraint: {constraint}"
    )


def _check_structure(shape: Any, value: dict[str, Any], path: str, problems: list[str]) -> None:
    for name in shape.required_members:
        if value.get(name) is None:
            _fail(problems, None, _path(path, name), "Member must not be null")
    present = [name for name in shape.members if value.get(name) is not None]
    if shape.metadata.get("union") and len(present) != 1:
        problems.append(f"Exactly one member of '{path or shape.name}' must be set")
    for name in present:
        _check(shape.members[name], value[name], _path(path, name), problems)


def _check(shape: Any, value: Any, path: str, problems: list[str]) -> None:
    expected = _PYTHON_TYPES.get(shape.type_name, (object,))
    if not isinstance(value, expected) or (isinstance(value, bool) and shape.type_name != "boolean"):
        _fail(problems, value, path, f"Member must be of type {shape.type_name}")
        return
    meta = shape.metadata
    if shape.type_name == "structure":
        _check_structure(shape, value, path, problems)
    elif shape.type_name == "list":
        _check_size(meta, len(value), value, path, problems, "length")
        for index, item in enumerate(value, start=1):
            if item is None:
                _fail(problems, None, f"{path}.{index}.member", "Member must not be null")
            else:
                _check(shape.member, item, f"{path}.{index}.member", problems)
    elif shape.type_name == "map":
        _check_size(meta, len(value), value, path, problems, "length")
        for key, item in value.items():
            _check(shape.key, key, f"{path}.key", problems)
            _check(shape.value, item, f"{path}.{key}", problems)
    elif shape.type_name == "string":
        _check_size(meta, len(value), value, path, problems, "length")
        enum = meta.get("enum")
        if enum and value not in enum:
            _fail(problems, value, path, f"Member must satisfy enum value set: [{', '.join(enum)}]")
        pattern = meta.get("pattern")
        compiled = _compiled(pattern) if pattern else None
        if compiled is not None and compiled.fullmatch(value) is None:
            _fail(
                problems, value, path, f"Member must satisfy regular expression pattern: {pattern}"
            )
    elif shape.type_name in ("integer", "long", "float", "double"):
        _check_size(meta, value, value, path, problems, "value")
    elif shape.type_name == "blob":
        _check_size(meta, len(value), value, path, problems, "length")


def _check_size(
    meta: dict[str, Any], size: float, value: Any, path: str, problems: list[str], what: str
) -> None:
    if "min" in meta and size < meta["min"]:
        _fail(
            problems, value, path, f"Member must have {what} greater than or equal to {meta['min']}"
        )
    if "max" in meta and size > meta["max"]:
        _fail(problems, value, path, f"Member must have {what} less than or equal to {meta['max']}")
