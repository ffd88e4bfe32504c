"""Tracking tokens: what they carry survives the round trip, and any change is refused."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openses.tracking.tokens import Claims, InvalidToken, Key, Kind, UnknownKey, sign, verify

KEY = Key(7, b"k" * 32)
OTHER = Key(7, b"o" * 32)
MESSAGE_ID = "0100019a1b2c3d4e-5f6a7b8c-9d0e-1f2a-3b4c-5d6e7f8a9b0c-000000"


def lookup(key_id: int) -> Key | None:
    return KEY if key_id == KEY.id else None


def click(
    link: str = "https://example.com/a?b=1&c=2", tags: tuple[tuple[str, str], ...] = ()
) -> Claims:
    return Claims(
        kind=Kind.CLICK,
        account_id="123456789012",
        region="eu-west-1",
        message_id=MESSAGE_ID,
        link=link,
        link_tags=tags,
    )


def test_open_and_click_round_trip() -> None:
    opened = Claims(
        kind=Kind.OPEN, account_id="123456789012", region="eu-west-1", message_id=MESSAGE_ID
    )
    tagged = click(tags=(("campaign", "spring"), ("campaign", "b")))
    assert verify(sign(opened, KEY), lookup) == opened
    assert verify(sign(tagged, KEY), lookup) == tagged


@given(
    link=st.text(min_size=1, max_size=300),
    tags=st.lists(st.tuples(st.text(max_size=20), st.text(max_size=20)), max_size=5),
)
def test_any_claims_round_trip_in_url_safe_text(link: str, tags: list[tuple[str, str]]) -> None:
    claims = click(link, tuple(tags))
    token = sign(claims, KEY)
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert verify(token, lookup) == claims


@given(position=st.integers(min_value=0, max_value=10_000), bit=st.integers(0, 7))
def test_any_flipped_bit_is_refused(position: int, bit: int) -> None:
    raw = bytearray(base64.urlsafe_b64decode(sign(click(), KEY) + "=="))
    raw[position % len(raw)] ^= 1 << bit
    token = base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()
    with pytest.raises(InvalidToken):
        verify(token, lookup)


@given(cut=st.integers(min_value=1, max_value=10_000))
def test_any_truncation_is_refused(cut: int) -> None:
    token = sign(click(), KEY)
    with pytest.raises(InvalidToken):
        verify(token[: len(token) - 1 - cut % len(token)], lookup)


@pytest.mark.parametrize(
    "token", ["", "====", "not a token", "AgAAAAE=", "é" * 40, "Ag" + "A" * 200, "%2e%2e"]
)
def test_garbage_is_refused(token: str) -> None:
    with pytest.raises(InvalidToken):
        verify(token, lookup)


def test_a_token_signed_with_another_secret_is_refused() -> None:
    with pytest.raises(InvalidToken) as refused:
        verify(sign(click(), OTHER), lookup)
    assert type(refused.value) is InvalidToken


def test_an_unknown_key_id_is_reported_as_such() -> None:
    with pytest.raises(UnknownKey):
        verify(sign(click(), Key(8, KEY.secret)), lookup)


def test_padding_is_not_accepted() -> None:
    token = sign(click(), KEY)
    padded = token + "=" * (-len(token) % 4 or 4)
    with pytest.raises(InvalidToken):
        verify(padded, lookup)
