"""Verifying AWS Signature Version 4 as AWS does, for header-signed requests and presigned
query strings: the canonical request, the string to sign, the signing key and the clock window.

Written from the SigV4 specification ("Create a canonical request", "Create a string to sign",
AWS General Reference); botocore's signer is its oracle in the tests, never used here. The
error codes and messages are AWS's (docs/aws-behaviour.md, "Strict mode").
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import hmac
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import quote, unquote

from openses.protocol.auth import is_region
from openses.protocol.errors import AccessError

ALGORITHM = "AWS4-HMAC-SHA256"
TERMINATOR = "aws4_request"
# Both SES APIs sign as ``ses`` (botocore's signingName); ``email``, the endpoint prefix, is
# taken too, as SES computes its own string to sign with it (ses-reference limits-and-auth §7).
SERVICES = ("ses", "email")
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
CLOCK_SKEW = datetime.timedelta(minutes=5)
MAX_EXPIRES = 7 * 24 * 3600
_AMZ_DATE = "%Y%m%dT%H%M%SZ"
_NOT_MATCHING = (
    "The request signature we calculated does not match the signature you provided. Check "
    "your AWS Secret Access Key and signing method. Consult the service documentation for "
    "details."
)
INVALID_TOKEN = "The security token included in the request is invalid."
MISSING_TOKEN = "Request is missing Authentication Token"


class SignatureError(AccessError):
    """A request whose signature AWS would refuse (HTTP 403 on both wires)."""


def incomplete(message: str) -> SignatureError:
    return SignatureError("IncompleteSignature", "IncompleteSignatureException", message)


def invalid_region(region: str) -> SignatureError:
    return incomplete(f"Credential should be scoped to a valid region, not '{region}'.")


def missing_token() -> SignatureError:
    return SignatureError(
        "MissingAuthenticationToken", "MissingAuthenticationTokenException", MISSING_TOKEN
    )


def invalid_token() -> SignatureError:
    return SignatureError("InvalidClientTokenId", "UnrecognizedClientException", INVALID_TOKEN)


def not_matching(detail: str = "") -> SignatureError:
    """SES answers a bad signature, and a clock outside the window, with this pair."""
    return SignatureError(
        "SignatureDoesNotMatch", "InvalidSignatureException", _NOT_MATCHING + detail, _NOT_MATCHING
    )


def expired(message: str) -> SignatureError:
    return SignatureError("SignatureDoesNotMatch", "InvalidSignatureException", message)


@dataclass(frozen=True, slots=True)
class SignedRequest:
    """What a signature covers: the request as it came off the wire."""

    method: str
    raw_path: str  # percent-encoded, as sent, without the query string
    query_string: str  # as sent
    headers: Sequence[tuple[str, str]]  # every header line, names in any case
    body: bytes

    def header(self, name: str) -> str | None:
        values = [value for key, value in self.headers if key.lower() == name]
        return ",".join(values) if values else None


@dataclass(frozen=True, slots=True)
class Credential:
    """The signature's claims: who signed, for which day, region and service."""

    access_key: str
    date: str
    region: str
    service: str


@dataclass(frozen=True, slots=True)
class _Signature:
    credential: Credential
    signed_headers: tuple[str, ...]
    signature: str
    amz_date: str
    expires: int | None  # presigned only
    query: list[tuple[str, str]]  # the query parameters the canonical request covers


def is_presigned(query_string: str) -> bool:
    return "X-Amz-Signature=" in query_string or "X-Amz-Algorithm=" in query_string


def credential_of(request: SignedRequest) -> Credential | None:
    """The credential scope a request claims, unverified (open mode's account and region)."""
    try:
        return _parse(request).credential
    except SignatureError:
        return None


def verify(
    request: SignedRequest,
    secret_for: Callable[[str], str | None],
    now: datetime.datetime,
) -> Credential:
    """The verified credential of ``request``; ``secret_for`` gives a known key's secret (None
    for a key openses does not know). Raises ``SignatureError`` as AWS answers each failure."""
    signature = _parse(request)
    credential = signature.credential
    secret = secret_for(credential.access_key)
    if secret is None:
        raise invalid_token()
    _check_time(signature, now)
    canonical = canonical_request(request, signature)
    to_sign = string_to_sign(signature.amz_date, credential, canonical)
    expected = hmac.new(
        signing_key(secret, credential), to_sign.encode("utf-8"), hashlib.sha256
    ).hexdigest()
    if not hmac.compare_digest(expected.encode(), signature.signature.encode("utf-8", "replace")):
        raise not_matching(
            f"\n\nThe Canonical String for this request should have been\n'{canonical}'\n\n"
            f"The String-to-Sign should have been\n'{to_sign}'\n"
        )
    return credential


def signing_key(secret: str, credential: Credential) -> bytes:
    return _signing_key(secret, credential.date, credential.region, credential.service)


@functools.lru_cache(maxsize=256)
def _signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    """Four HMACs that change once a day per key, region and service: kept."""
    key = ("AWS4" + secret).encode("utf-8")
    for part in (date, region, service, TERMINATOR):
        key = hmac.new(key, part.encode("utf-8"), hashlib.sha256).digest()
    return key


def string_to_sign(amz_date: str, credential: Credential, canonical: str) -> str:
    scope = f"{credential.date}/{credential.region}/{credential.service}/{TERMINATOR}"
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return f"{ALGORITHM}\n{amz_date}\n{scope}\n{digest}"


def canonical_request(request: SignedRequest, signature: _Signature) -> str:
    headers = "".join(
        f"{name}:{_header_value(request, name)}\n" for name in signature.signed_headers
    )
    return "\n".join(
        (
            request.method.upper(),
            canonical_uri(request.raw_path),
            canonical_query(signature.query),
            headers,
            ";".join(signature.signed_headers),
            _payload_hash(request),
        )
    )


def canonical_uri(raw_path: str) -> str:
    """Every service but S3 normalizes the path and encodes it once more (each ``%`` of the
    path as sent becomes ``%25``)."""
    segments: list[str] = []
    for segment in raw_path.split("/"):
        if segment == "..":
            if segments:
                segments.pop()
        elif segment not in ("", "."):
            segments.append(segment)
    path = "/" + "/".join(segments)
    if raw_path.endswith("/") and path != "/":
        path += "/"
    return quote(path, safe="/~")


def canonical_query(pairs: list[tuple[str, str]]) -> str:
    """Each name and value decoded and encoded again the RFC 3986 way, sorted by name then
    value."""
    encoded = sorted(
        (quote(unquote(name), safe="-_.~"), quote(unquote(value), safe="-_.~"))
        for name, value in pairs
    )
    return "&".join(f"{name}={value}" for name, value in encoded)


def _header_value(request: SignedRequest, name: str) -> str:
    values = [" ".join(value.split()) for key, value in request.headers if key.lower() == name]
    return ",".join(values)


def _payload_hash(request: SignedRequest) -> str:
    claimed = request.header("x-amz-content-sha256")
    actual = hashlib.sha256(request.body).hexdigest()
    if claimed is None:
        return actual
    if claimed == UNSIGNED_PAYLOAD:
        return claimed
    if claimed.lower() != actual:
        raise not_matching()
    return claimed.lower()


def _query_pairs(query_string: str) -> list[tuple[str, str]]:
    pairs = []
    for item in query_string.split("&"):
        if item:
            name, _, value = item.partition("=")
            pairs.append((name, value))
    return pairs


def _parse(request: SignedRequest) -> _Signature:
    authorization = request.header("authorization")
    query = _query_pairs(request.query_string)
    if authorization is None and is_presigned(request.query_string):
        return _parse_presigned(query)
    if authorization is None:
        raise missing_token()
    return _parse_header(request, authorization, query)


def _parse_header(
    request: SignedRequest, authorization: str, query: list[tuple[str, str]]
) -> _Signature:
    algorithm, _, rest = authorization.strip().partition(" ")
    if algorithm != ALGORITHM:
        raise incomplete(f"Unsupported AWS 'algorithm': '{algorithm}'")
    fields: dict[str, str] = {}
    for part in rest.split(","):
        name, equals, value = part.strip().partition("=")
        if equals:
            fields[name] = value
    amz_date = request.header("x-amz-date") or _from_date_header(request.header("date"))
    problems = [
        f"Authorization header requires '{name}' parameter."
        for name in ("Credential", "Signature", "SignedHeaders")
        if not fields.get(name)
    ]
    if not amz_date:
        problems.append(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
        )
    if problems:
        raise incomplete(" ".join([*problems, f"Authorization={authorization}"]))
    credential = _credential(fields["Credential"])
    signed = _signed_headers(fields["SignedHeaders"], "AWS Authorization")
    _check_date(credential, amz_date)
    return _Signature(credential, signed, fields["Signature"], amz_date, None, query)


def _from_date_header(value: str | None) -> str:
    """The HTTP ``Date`` header, which SigV4 takes when ``X-Amz-Date`` is absent."""
    if not value:
        return ""
    try:
        return parsedate_to_datetime(value).astimezone(datetime.UTC).strftime(_AMZ_DATE)
    except (TypeError, ValueError):
        return value


def _parse_presigned(query: list[tuple[str, str]]) -> _Signature:
    params = {unquote(name): unquote(value) for name, value in query}
    missing = [
        name
        for name in (
            "X-Amz-Algorithm",
            "X-Amz-Credential",
            "X-Amz-Signature",
            "X-Amz-SignedHeaders",
            "X-Amz-Date",
        )
        if not params.get(name)
    ]
    if missing:
        raise incomplete(
            " ".join(f"AWS query-string parameters must include '{name}'." for name in missing)
            + " Re-examine the query-string parameters."
        )
    if params["X-Amz-Algorithm"] != ALGORITHM:
        raise incomplete(f"Unsupported AWS 'algorithm': '{params['X-Amz-Algorithm']}'")
    expires_text = params.get("X-Amz-Expires", "")
    if not expires_text.isdigit() or not 0 < int(expires_text) <= MAX_EXPIRES:
        raise incomplete(
            f"X-Amz-Expires must be a number of seconds from 1 to {MAX_EXPIRES}, "
            f"not '{expires_text}'."
        )
    credential = _credential(params["X-Amz-Credential"])
    signed = _signed_headers(params["X-Amz-SignedHeaders"], "query-string parameters")
    _check_date(credential, params["X-Amz-Date"])
    covered = [(name, value) for name, value in query if unquote(name) != "X-Amz-Signature"]
    return _Signature(
        credential,
        signed,
        params["X-Amz-Signature"],
        params["X-Amz-Date"],
        int(expires_text),
        covered,
    )


def _credential(text: str) -> Credential:
    parts = text.split("/")
    if len(parts) != 5 or not all(parts):
        raise incomplete(
            f"Credential should have exactly 5 slash-delimited elements, e.g. "
            f"keyid/date/region/service/term, got '{text}'"
        )
    access_key, date, region, service, terminator = parts
    if not re.fullmatch(r"\d{8}", date):
        raise incomplete(f"Credential should be scoped to a valid date, not '{date}'.")
    if not is_region(region):
        raise invalid_region(region)
    if service not in SERVICES:
        raise incomplete(f"Credential should be scoped to correct service: '{SERVICES[0]}'.")
    if terminator != TERMINATOR:
        raise incomplete(
            f"Credential should be scoped with a valid terminator: '{TERMINATOR}', "
            f"not '{terminator}'."
        )
    return Credential(access_key, date, region, service)


def _signed_headers(text: str, where: str) -> tuple[str, ...]:
    names = tuple(text.split(";"))
    if "host" not in names:
        raise incomplete(f"'Host' or ':authority' must be a 'SignedHeader' in the {where}.")
    if any(not name or name != name.lower() for name in names):
        raise incomplete(f"SignedHeaders must be lower-case names separated by ';', not '{text}'.")
    return names


def _check_date(credential: Credential, amz_date: str) -> None:
    try:
        datetime.datetime.strptime(amz_date, _AMZ_DATE)
    except ValueError:
        raise incomplete(
            f"X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\", "
            f"not '{amz_date}'."
        ) from None
    if amz_date[:8] != credential.date:
        raise not_matching_date(credential.date, amz_date)


def not_matching_date(scope_date: str, amz_date: str) -> SignatureError:
    message = (
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from "
        f"HTTP: '{scope_date}' != '{amz_date[:8]}', from '{amz_date}'."
    )
    return SignatureError("SignatureDoesNotMatch", "InvalidSignatureException", message)


def _check_time(signature: _Signature, now: datetime.datetime) -> None:
    signed_at = datetime.datetime.strptime(signature.amz_date, _AMZ_DATE).replace(
        tzinfo=datetime.UTC
    )
    now_text = now.strftime(_AMZ_DATE)
    if signature.expires is not None:
        if now > signed_at + datetime.timedelta(seconds=signature.expires):
            earliest = (now - datetime.timedelta(seconds=signature.expires)).strftime(_AMZ_DATE)
            raise expired(
                f"Signature expired: {signature.amz_date} is now earlier than {earliest} "
                f"({now_text} - {signature.expires} sec.)"
            )
    elif signed_at < now - CLOCK_SKEW:
        raise expired(
            f"Signature expired: {signature.amz_date} is now earlier than "
            f"{(now - CLOCK_SKEW).strftime(_AMZ_DATE)} ({now_text} - 5 min.)"
        )
    if signed_at > now + CLOCK_SKEW:
        raise expired(
            f"Signature not yet current: {signature.amz_date} is still later than "
            f"{(now + CLOCK_SKEW).strftime(_AMZ_DATE)} ({now_text} + 5 min.)"
        )
