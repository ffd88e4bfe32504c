"""JSON read with bounds, for request bodies and TemplateData: no document nested deeper than
``MAX_DEPTH``, no number longer than ``MAX_NUMBER_LENGTH`` characters, and no string (or key)
holding a character no store can keep: NUL (PostgreSQL refuses it in text) or a lone UTF-16
surrogate (not a Unicode scalar value, so not encodable as UTF-8).

``json`` itself recurses once per level and converts numbers of any length, so hostile input
would otherwise end in a RecursionError or a slow conversion instead of an answer.
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_DEPTH = 100
# Jackson's default, the JSON reader of AWS's Java services.
MAX_NUMBER_LENGTH = 1000
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class UnreadableJson(ValueError):
    """JSON that parses, or would, but breaks one of the bounds above."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def unstorable_character(text: str) -> str | None:
    """``U+0000`` or ``a lone surrogate U+D800`` when ``text`` holds one, else ``None``."""
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    code = ord(found.group())
    if code == 0:
        return "U+0000"
    return f"a lone surrogate U+{code:04X}"


def loads(text: str | bytes) -> Any:
    """``json.loads`` within the bounds. Raises ``json.JSONDecodeError`` (and
    ``UnicodeDecodeError``) as ``json.loads`` does, and ``UnreadableJson``."""
    try:
        value = json.loads(text, parse_int=_int, parse_float=_float)
    except RecursionError:
        raise UnreadableJson(f"nesting deeper than {MAX_DEPTH} levels") from None
    _check(value)
    return value


def _int(text: str) -> int:
    _check_number(text)
    return int(text)


def _float(text: str) -> float:
    _check_number(text)
    return float(text)


def _check_number(text: str) -> None:
    if len(text) > MAX_NUMBER_LENGTH:
        raise UnreadableJson(f"a number of {len(text)} characters, more than {MAX_NUMBER_LENGTH}")


def _check(document: Any) -> None:
    """Walk without recursion: depth, and every string and key."""
    pending: list[tuple[Any, int]] = [(document, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str):
            _check_text(value)
        elif isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise UnreadableJson(f"nesting deeper than {MAX_DEPTH} levels")
            if isinstance(value, dict):
                for key, item in value.items():
                    _check_text(key)
                    pending.append((item, depth + 1))
            else:
                pending.extend((item, depth + 1) for item in value)


def _check_text(text: str) -> None:
    bad = unstorable_character(text)
    if bad is not None:
        raise UnreadableJson(f"a string holds {bad}")
