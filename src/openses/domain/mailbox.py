"""Mailbox text (``Name <user@example.com>``) parsed with the standard ``email`` parser, and
remembered: the same senders and recipients recur send after send, and the parser costs more
than the rest of reading a message's headers."""

from __future__ import annotations

from email.utils import getaddresses, parseaddr
from functools import lru_cache

_REMEMBERED = 4096


@lru_cache(maxsize=_REMEMBERED)
def address_of(mailbox: str) -> str:
    """The address in a mailbox, ``""`` when there is none."""
    return parseaddr(mailbox)[1]


@lru_cache(maxsize=_REMEMBERED)
def name_address_pairs(header_values: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """Every (display name, address) pair in a header's values, as ``getaddresses`` reads them."""
    return tuple(getaddresses(list(header_values)))
