"""protocol/scalars.from_text: text scalars of both protocols become their shape's type."""

from __future__ import annotations

import datetime

import pytest

from openses.protocol import scalars


@pytest.mark.parametrize(
    ("kind", "raw", "expected"),
    [
        ("integer", "42", 42),
        ("long", "-7", -7),
        ("integer", "4x", "4x"),
        ("double", "1.5", 1.5),
        ("float", "nope", "nope"),
        ("boolean", "TRUE", True),
        ("boolean", "false", False),
        ("boolean", "yes", "yes"),
        ("blob", "aGk=", b"hi"),
        ("blob", "not base64!", "not base64!"),
        ("string", "42", "42"),
        (
            "timestamp",
            "2024-01-02T03:04:05Z",
            datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.UTC),
        ),
        ("timestamp", "yesterday", "yesterday"),
    ],
)
def test_from_text(kind: str, raw: str, expected: object) -> None:
    assert scalars.from_text(kind, raw) == expected
