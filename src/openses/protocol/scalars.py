"""Scalars that arrive as text (Query form values; REST-JSON URI, query-string and header
members), converted to the type their shape names, one way for both protocols."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from openses.protocol import timestamps

# What an integer or long member holds: Java's int and long.
INT_BOUNDS = {"integer": 2**31, "long": 2**63}


def in_range(kind: str, value: Any) -> bool:
    """False only for an integer beyond what a member of type ``kind`` holds."""
    bound = INT_BOUNDS.get(kind)
    return bound is None or not isinstance(value, int) or -bound <= value < bound


def from_text(kind: str, raw: str) -> Any:
    """Convert a text value of shape type ``kind``; an unconvertible one stays a string for
    validation to report."""
    if kind in ("integer", "long"):
        try:
            return int(raw)
        except ValueError:
            return raw
    if kind in ("float", "double"):
        try:
            return float(raw)
        except ValueError:
            return raw
    if kind == "boolean":
        return {"true": True, "false": False}.get(raw.lower(), raw)
    if kind == "timestamp":
        return timestamps.parse(raw) or raw
    if kind == "blob":
        try:
            return base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError):
            return raw
    return raw
