"""The wire policy writes every header exactly as compat32 with the same settings does."""

from __future__ import annotations

import email
import email.policy
import string
from collections.abc import Callable
from email.errors import HeaderParseError

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openses.mail.mime import MAX_LINE, WIRE_POLICY

REFERENCE = email.policy.compat32.clone(linesep="\r\n", max_line_length=MAX_LINE)
NAMES = st.sampled_from(["Subject", "To", "From", "Reply-To", "X-Campaign-Identifier"])
# Printable ASCII, tabs, the characters str.splitlines() breaks on, and some non-ASCII text.
CHARACTERS = st.sampled_from([*string.printable, "\x1c", "\x85", "é", "日", "\u2028"])
LENGTHS = st.sampled_from([0, 1, 12, 80, 977, 985, 986, 987, 988, 989, 990, 1_200])


@st.composite
def header_values(draw: st.DrawFn) -> str:
    length = draw(LENGTHS)
    pattern = draw(st.text(CHARACTERS, min_size=1, max_size=8))
    return (pattern * (length // len(pattern) + 1))[:length]


def _outcome(fold: Callable[[str, str], object], name: str, value: str) -> object:
    try:
        return fold(name, value)
    except HeaderParseError as error:
        return ("refused", str(error))


@settings(max_examples=400)
@given(name=NAMES, value=header_values())
def test_a_header_is_folded_as_compat32_folds_it(name: str, value: str) -> None:
    for method in ("fold", "fold_binary"):
        ours = _outcome(getattr(WIRE_POLICY, method), name, value)
        assert ours == _outcome(getattr(REFERENCE, method), name, value)


@pytest.mark.parametrize("extra", [-1, 0, 1, 2])
def test_the_line_limit_is_where_compat32_puts_it(extra: int) -> None:
    value = ("a" * 500 + " " + "b" * 600)[: MAX_LINE - len("Subject: ") + extra]
    folded = WIRE_POLICY.fold_binary("Subject", value)
    assert folded == REFERENCE.fold_binary("Subject", value)
    assert folded.count(b"\r\n") == (1 if extra <= 0 else 2)


def test_a_built_message_reads_back_with_its_headers() -> None:
    message = email.message_from_string("Subject: x\n\nbody\n", policy=WIRE_POLICY)
    message.replace_header("Subject", "Quarterly report, long enough to fold at 78 " * 3)
    reread = email.message_from_bytes(message.as_bytes())
    assert reread["Subject"] == message["Subject"]
