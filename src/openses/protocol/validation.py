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
        # ASCII: in the Java patterns AWS evaluates, \w, \d and \s match ASCII only.
        return re.compile(pattern, re.ASCII)
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
    """A value as AWS's (Java) validator prints it: ``true``, ``[a, b]``, ``{k=v}``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_describe(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={_describe(v)}" for k, v in value.items()) + "}"
    return str(value)


def _fail(problems: list[str], value: Any, path: str, constraint: str, shape: Any = None) -> None:
    if value is None:
        subject = "Value null"
    elif shape is not None and shape.metadata.get("sensitive"):
        subject = "Value"  # AWS leaves sensitive values out of its messages
    else:
        subject = f"Value '{_describe(value)}'"
    problems.append(f"{subject} at '{path}' failed to satisfy constraint: {constraint}")


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
    kind = shape.type_name
    expected = _PYTHON_TYPES.get(kind, (object,))
    if not isinstance(value, expected) or (isinstance(value, bool) and kind != "boolean"):
        _fail(problems, value, path, f"Member must be of type {kind}", shape)
        return
    if kind == "structure":
        _check_structure(shape, value, path, problems)
    elif kind == "list":
        _check_size(shape, len(value), value, path, problems, "length")
        if shape.member.type_name == "string":
            _check_string_list(shape, value, path, problems)
            return
        for index, item in enumerate(value, start=1):
            if item is None:
                _fail(problems, None, f"{path}.{index}.member", "Member must not be null")
            else:
                _check(shape.member, item, f"{path}.{index}.member", problems)
    elif kind == "map":
        _check_size(shape, len(value), value, path, problems, "length")
        for key, item in value.items():
            _check(shape.key, key, f"{path}.key", problems)
            _check(shape.value, item, f"{path}.{key}", problems)
    elif kind == "string":
        _check_string(shape, value, path, problems)
    elif kind in ("integer", "long", "float", "double"):
        _check_size(shape, value, value, path, problems, "value")
    elif kind == "blob":
        _check_size(shape, len(value), value, path, problems, "length")


def _check_string_list(shape: Any, value: list[Any], path: str, problems: list[str]) -> None:
    """AWS reports a list of strings once, at the list, nesting each member constraint."""
    member_problems: list[str] = []
    for item in value:
        if isinstance(item, str):
            _check_string(shape.member, item, path, member_problems)
        else:
            _check(shape.member, item, path, member_problems)
    constraints = dict.fromkeys(
        p.split("failed to satisfy constraint: ", 1)[1] for p in member_problems
    )
    for constraint in constraints:
        _fail(problems, value, path, f"Member must satisfy constraint: [{constraint}]", shape)


def _check_string(shape: Any, value: str, path: str, problems: list[str]) -> None:
    _check_size(shape, len(value), value, path, problems, "length")
    enum = shape.metadata.get("enum")
    if enum and value not in enum:
        constraint = f"Member must satisfy enum value set: [{', '.join(enum)}]"
        _fail(problems, value, path, constraint, shape)
    pattern = shape.metadata.get("pattern")
    compiled = _compiled(pattern) if pattern else None
    if compiled is not None and compiled.fullmatch(value) is None:
        constraint = f"Member must satisfy regular expression pattern: {pattern}"
        _fail(problems, value, path, constraint, shape)


def _check_size(
    shape: Any, size: float, value: Any, path: str, problems: list[str], what: str
) -> None:
    meta = shape.metadata
    if "min" in meta and size < meta["min"]:
        constraint = f"Member must have {what} greater than or equal to {meta['min']}"
        _fail(problems, value, path, constraint, shape)
    if "max" in meta and size > meta["max"]:
        constraint = f"Member must have {what} less than or equal to {meta['max']}"
        _fail(problems, value, path, constraint, shape)
