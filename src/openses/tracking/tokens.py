"""Tracking tokens: compact, URL-safe and signed, so a tracking link can name its message and
target but cannot be forged or altered.

A token is the unpadded base64url of ``version (1 byte) | key id (4 bytes, big-endian) |
HMAC-SHA256 truncated to 16 bytes | body``. The MAC covers every other byte. The body is the
claims as a JSON array, raw-deflated (version 2) or as it is (version 1), whichever is shorter.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import hmac
import json
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

LinkTags = tuple[tuple[str, str], ...]

_PLAIN = 1
_DEFLATED = 2
_HEADER = struct.Struct(">BI")
_MAC_BYTES = 16
_PREFIX = _HEADER.size + _MAC_BYTES
MAX_BODY_BYTES = 64 * 1024


class Kind(StrEnum):
    OPEN = "o"
    CLICK = "c"


class InvalidToken(Exception):
    """Not a token this service issued: malformed, truncated or altered."""


class UnknownKey(InvalidToken):
    """Signed with a key this service does not know, or has retired."""


@dataclass(frozen=True, slots=True)
class Key:
    id: int
    secret: bytes


@dataclass(frozen=True, slots=True, kw_only=True)
class Claims:
    kind: Kind
    account_id: str
    region: str
    message_id: str
    link: str = ""
    link_tags: LinkTags = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class UnsubscribeClaims:
    """An unsubscribe link's (issue 20): the message, its contact list and topic, and the one
    recipient the link was made for. The token carries the fields in this order."""

    account_id: str
    region: str
    message_id: str
    contact_list: str
    topic: str | None
    address: str


_UNSUBSCRIBE = "u"


@dataclass(frozen=True, slots=True, kw_only=True)
class VerificationClaims:
    """A verification link's (issue 20): the address to verify, when the link was made, and
    the custom template's redirections (empty for SES's own verification email). The token
    carries the fields in this order."""

    account_id: str
    region: str
    address: str
    issued_at: int  # seconds since the epoch
    success_url: str = ""
    failure_url: str = ""


_VERIFICATION = "v"
TaggedClaims = TypeVar("TaggedClaims", UnsubscribeClaims, VerificationClaims)


def sign(claims: Claims, key: Key) -> str:
    fields: list[object] = [str(claims.kind), claims.account_id, claims.region, claims.message_id]
    if claims.kind is Kind.CLICK:
        fields += [claims.link, [list(pair) for pair in claims.link_tags]]
    return _seal(fields, key)


def sign_unsubscribe(claims: UnsubscribeClaims, key: Key) -> str:
    return _seal(_tagged_fields(_UNSUBSCRIBE, claims), key)


def verify_unsubscribe(token: str, lookup: Callable[[int], Key | None]) -> UnsubscribeClaims:
    fields = _tagged(_open(token, lookup), _UNSUBSCRIBE, 7)
    if not _strings([*fields[:5], fields[6]]) or not (
        fields[5] is None or isinstance(fields[5], str)
    ):
        raise InvalidToken("bad claims")
    return _tagged_claims(UnsubscribeClaims, fields)


def sign_verification(claims: VerificationClaims, key: Key) -> str:
    return _seal(_tagged_fields(_VERIFICATION, claims), key)


def verify_verification(token: str, lookup: Callable[[int], Key | None]) -> VerificationClaims:
    fields = _tagged(_open(token, lookup), _VERIFICATION, 7)
    if not _strings([*fields[:4], *fields[5:]]) or type(fields[4]) is not int:
        raise InvalidToken("bad claims")
    return _tagged_claims(VerificationClaims, fields)


def _seal(fields: list[object], key: Key) -> str:
    plain = json.dumps(fields, separators=(",", ":"), ensure_ascii=False).encode()
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    deflated = compressor.compress(plain) + compressor.flush()
    version, body = (_DEFLATED, deflated) if len(deflated) < len(plain) else (_PLAIN, plain)
    header = _HEADER.pack(version, key.id)
    mac = _mac(key, header + body)
    return base64.urlsafe_b64encode(header + mac + body).rstrip(b"=").decode("ascii")


def verify(token: str, lookup: Callable[[int], Key | None]) -> Claims:
    """The token's claims, once its signature checks out against the key it names."""
    return _claims(_open(token, lookup))


def _open(token: str, lookup: Callable[[int], Key | None]) -> bytes:
    """The token's body, once its signature checks out against the key it names."""
    raw = _decode(token)
    if len(raw) <= _PREFIX:
        raise InvalidToken("too short")
    version, key_id = _HEADER.unpack_from(raw)
    if version not in (_PLAIN, _DEFLATED):
        raise InvalidToken("unknown version")
    key = lookup(key_id)
    if key is None:
        raise UnknownKey(str(key_id))
    header, mac, body = raw[: _HEADER.size], raw[_HEADER.size : _PREFIX], raw[_PREFIX:]
    if not hmac.compare_digest(mac, _mac(key, header + body)):
        raise InvalidToken("bad signature")
    return _inflate(body) if version == _DEFLATED else body


def _mac(key: Key, data: bytes) -> bytes:
    return hmac.new(key.secret, data, hashlib.sha256).digest()[:_MAC_BYTES]


def _decode(token: str) -> bytes:
    if not token or not token.isascii() or "=" in token:
        raise InvalidToken("not base64url")
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        raise InvalidToken("not base64url") from None
    # Only one spelling of each token is accepted.
    if base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii") != token:
        raise InvalidToken("not canonical base64url")
    return raw


def _inflate(body: bytes) -> bytes:
    inflater = zlib.decompressobj(-15)
    try:
        plain = inflater.decompress(body, MAX_BODY_BYTES)
    except zlib.error:
        raise InvalidToken("bad body") from None
    if inflater.unconsumed_tail or not inflater.eof:
        raise InvalidToken("bad body")
    return plain


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise InvalidToken("bad body") from None


def _tagged(body: bytes, tag: str, length: int) -> list[Any]:
    """The claims of a token kind whose body is a JSON array of ``length`` fields led by
    ``tag``; the caller checks the fields' types."""
    fields = _json(body)
    if not isinstance(fields, list) or len(fields) != length or fields[0] != tag:
        raise InvalidToken("bad claims")
    return fields


def _tagged_fields(tag: str, claims: UnsubscribeClaims | VerificationClaims) -> list[object]:
    """A tagged token's body: ``tag``, then the claims' fields in their declared order (the
    token's layout, so that order is never changed)."""
    return [tag, *(getattr(claims, field.name) for field in dataclasses.fields(claims))]


def _tagged_claims(kind: type[TaggedClaims], fields: list[Any]) -> TaggedClaims:
    """The claims of ``kind`` from a tagged token's checked fields (``_tagged_fields``'s
    layout: the tag, then each field in its declared order)."""
    names = [field.name for field in dataclasses.fields(kind)]
    return kind(**dict(zip(names, fields[1:], strict=True)))


def _claims(body: bytes) -> Claims:
    fields = _json(body)
    if not isinstance(fields, list) or len(fields) < 4 or not _strings(fields[:4]):
        raise InvalidToken("bad claims")
    kind, account_id, region, message_id = fields[:4]
    if kind == Kind.OPEN and len(fields) == 4:
        return Claims(kind=Kind.OPEN, account_id=account_id, region=region, message_id=message_id)
    if kind != Kind.CLICK or len(fields) != 6 or not isinstance(fields[4], str):
        raise InvalidToken("bad claims")
    tags = fields[5]
    if not isinstance(tags, list) or not all(
        isinstance(pair, list) and len(pair) == 2 and _strings(pair) for pair in tags
    ):
        raise InvalidToken("bad claims")
    return Claims(
        kind=Kind.CLICK,
        account_id=account_id,
        region=region,
        message_id=message_id,
        link=fields[4],
        link_tags=tuple((name, value) for name, value in tags),
    )


def _strings(values: list[object]) -> bool:
    return all(isinstance(value, str) for value in values)
