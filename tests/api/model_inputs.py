"""Minimal valid input for any operation, derived from its botocore input shape: the required
members only, each the smallest value its shape allows (tests/api/test_every_operation.py,
tests/api/test_fuzz.py)."""

from __future__ import annotations

import datetime
import re
from typing import Any

from botocore.model import Shape

# Strings tried, in order, for a string shape with a pattern: the first that fits is used.
_CANDIDATES = (
    "a",
    "example.com",
    "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d",
    "s3://bucket/key",
    "https://example.com/",
)


def minimal(shape: Shape) -> Any:
    """The smallest value of a shape that botocore's validation and openses' accept as
    well-formed; structures get their required members only."""
    kind = shape.type_name
    meta = shape.metadata
    if kind == "structure":
        return {name: minimal(shape.members[name]) for name in shape.required_members}
    if kind == "list":
        return [minimal(shape.member) for _ in range(meta.get("min", 0))]
    if kind == "map":
        return {}
    if kind == "string":
        if shape.enum:
            return shape.enum[0]
        return _string(meta.get("pattern"), max(meta.get("min", 1), 1))
    if kind in ("integer", "long"):
        return max(meta.get("min", 1), 1)
    if kind in ("double", "float"):
        return float(max(meta.get("min", 1), 1))
    if kind == "boolean":
        return False
    if kind == "timestamp":
        return datetime.datetime.now(datetime.UTC)
    if kind == "blob":
        return b"x" * max(meta.get("min", 1), 1)
    raise AssertionError(f"no minimal value for {kind} shape {shape.name}")


def _string(pattern: str | None, length: int) -> str:
    for candidate in _CANDIDATES:
        value = candidate + "a" * max(length - len(candidate), 0)
        if pattern is None or re.search(pattern, value):
            return value
    raise AssertionError(f"no candidate string fits {pattern!r}")
