"""Scalars that arrive as text (Query form values; REST-JSON URI, query-string and header
members), converted to the type their shape names, one way for both protocols."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from openses.protocol import timestamps


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
