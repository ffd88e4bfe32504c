"""Issue 18's fuzzer: every operation of both models, with inputs drawn from its botocore input
shape (or the minimal valid input), put on the wire as botocore would and then, most of the
time, mutated into a hostile form (a value of the wrong type, a huge string, NUL, CR/LF, a lone
surrogate, deep nesting, broken JSON or Query encoding, an odd path, a duplicated parameter).
Each request goes to the live server with httpx; none may answer 5xx or take longer than
``HANG`` seconds, and ``/health``, polled throughout, must answer within 1 s.

``OPENSES_FUZZ_EXAMPLES`` sets the examples per protocol and backend (default ``DEFAULT``); the
README's "Fuzzing" section says how to run a larger campaign.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import quote_from_bytes

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openses.protocol.models import V1, V2, service_model
from tests.api.model_inputs import minimal
from tests.protocol.strategies import Wire, for_shape
from tests.protocol.wire import Sent, client_request
from tests.support import authorization, database_url, free_port, fresh_account, serve_process

DEFAULT = 1000
EXAMPLES = int(os.environ.get("OPENSES_FUZZ_EXAMPLES", DEFAULT))
HANG = 15.0  # seconds: a request slower than this is a hang
HEALTH_BOUND = 1.0  # seconds: the slowest /health answer allowed during a run

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# --- hostile values ---------------------------------------------------------------------------

# As JSON text, for a v2 body (each replaces one value, or sits beside a key).
HOSTILE_JSON = [
    '"' + "a" * 300_000 + '"',
    '"a\\u0000b"',
    '"a\\ud800b"',
    '"\\udfff"',
    '"a\\r\\nBcc: evil@example.org"',
    '"\\u0001\\u001f\\u007f\\u0085\\u2028"',
    '"\\ufeff\\ufffe\\uffff"',
    '"' + "\\ud83d\\udce7" * 1000 + '"',
    "[" * 101 + "]" * 101,
    "[" * 20_000 + "]" * 20_000,
    '{"a":' * 150 + "1" + "}" * 150,
    "9" * 40,
    "9" * 2000,
    "-1",
    "0",
    "-9223372036854775809",
    "1e400",
    "-0.0",
    "1.5",
    "true",
    "null",
    "{}",
    "[]",
    '[null, 1, "x", {}]',
    '{"": ""}',
    '"1970-01-01T00:00:00Z"',
    '"not a date"',
    '""',
    '"*"',
    '"../../etc/passwd"',
    '"%00%2F"',
]

# As bytes, for a v1 form value, a path segment or a query-string value.
HOSTILE_BYTES = [
    b"a" * 300_000,
    b"a\x00b",
    b"a\xed\xa0\x80b",  # U+D800 as CESU-8
    b"\xff\xfe\xc0\x80",
    b"a\r\nBcc: evil@example.org",
    b"\x01\x1f\x7f",
    "\u0085\u2028\ufeff\ufffe\uffff".encode(),
    "\U0001f4e7".encode() * 1000,
    b"[" * 5000,
    b"9" * 40,
    b"9" * 2000,
    b"-1",
    b"0",
    b"1e400",
    b"NaN",
    b"true",
    b"",
    b" ",
    b"*",
    b"../../etc/passwd",
    b"%00",
    b"%zz",
    b"1970-01-01T00:00:00Z",
    b"not a date",
]

# Raw bytes put straight into a v1 body (not percent-encoded by us).
BROKEN_FORM = [
    b"%",
    b"%z",
    b"%zz=%zz",
    b"%ff%fe=%c0%80",
    b"=",
    b"&&&==&",
    b";;",
    b"+++",
    b"a=b=c",
    b"\x00=\x00",
    b"\xff\xfe",
    b"Action",
    b"Action=",
    b"Action=%00",
]

# Odd keys for a v1 form: list indexes and nesting the model has no room for.
ODD_KEYS = [
    b"X",
    b"",
    b".",
    b"..member.1",
    b"Tags.member.0.Name",
    b"Tags.member.-1.Name",
    b"Tags.member.99999999999999999999.Name",
    b"Tags.member.1",
    b"Tags.member.a.Name",
    b"Destination.ToAddresses.member.1.member.1",
    b"Destination.ToAddresses.member.4294967297",
    b"Destination.ToAddresses.member.1001",
    b"Tags.member.1.Name.member.1",
    b"A.member.1." * 300 + b"x",
    b"Tags.entry.1.key",
    b"Attributes.entry.1.value",
    b"ConfigurationSet.Name.Extra",
]

ODD_PATH_SEGMENTS = [
    "",
    ".",
    "..",
    "%2e%2e",
    "%2F",
    "%zz",
    "%",
    "%ff",
    "%c0%80",
    "%00",
    "a%0d%0ab",
    "a" * 10_000,
    "%ed%a0%80",
    ";a=b",
    "~",
]

# Authorization headers: open mode reads account and region from the credential scope.
ODD_AUTHORIZATION = [
    "",
    "Basic dXNlcjpwYXNz",
    "AWS4-HMAC-SHA256",
    "AWS4-HMAC-SHA256 Credential=",
    "AWS4-HMAC-SHA256 Credential=/////",
    "AWS4-HMAC-SHA256 Credential=a/b",
    "AWS4-HMAC-SHA256 Credential=" + "1" * 5000 + "/20240101/us-east-1/ses/aws4_request",
    "AWS4-HMAC-SHA256 Credential=123456789012/20240101/" + "r" * 300 + "/ses/aws4_request",
    "AWS4-HMAC-SHA256 Credential=123456789012/20240101/../ses/aws4_request",
    "AWS4-HMAC-SHA256 Credential=123456789012/20240101/us-east-1/ses/aws4_request, "
    "SignedHeaders=, Signature=",
    "AWS4-HMAC-SHA256 Credential=\u00e9\u00e9/20240101/us-east-1/ses/aws4_request",
    "AWS4-HMAC-SHA256 Credential=123456789012/20240101/us-east-1/ses/aws4_request, "
    "Credential=999999999999/20240101/eu-west-1/ses/aws4_request",
]

V1_METHODS = ["POST", "GET", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]
CONTENT_TYPES = [
    None,
    "",
    "application/json",
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=latin-1",
    "application/x-www-form-urlencoded; charset=utf-16",
    "multipart/form-data; boundary=x",
    "text/plain",
    "application/x-amz-json-1.0",
    "\x7f/\x01",
]


# --- requests ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """One request as the fuzzer sends it; ``path`` and ``query`` are percent-encoded already."""

    method: str
    path: str
    query: bytes
    headers: dict[str, str]
    body: bytes
    notes: tuple[str, ...] = field(default=())

    @classmethod
    def from_sent(cls, sent: Sent, account: str) -> Request:
        headers = {
            name: value
            for name, value in sent.headers.items()
            if name not in ("host", "content-length", "authorization")
        }
        headers["authorization"] = authorization(account)
        return cls(sent.method, sent.path, sent.query.encode(), headers, sent.body)

    def note(self, text: str) -> Request:
        return replace(self, notes=(*self.notes, text))

    def describe(self) -> str:
        body = self.body[:300] + (b"..." if len(self.body) > 300 else b"")
        return (
            f"{self.method} {self.path[:300]}?{self.query[:300]!r} {self.notes} "
            f"content-type={self.headers.get('content-type')!r} body={body!r}"
        )


def operations(service: str) -> list[str]:
    """The operations to call: every one of the model."""
    return sorted(service_model(service).operation_names)


@st.composite
def well_formed(draw: st.DrawFn, service: str, account: str) -> Request:
    """A request botocore would send for an operation: its minimal valid input, or one drawn
    from the input shape."""
    model = service_model(service)
    name = draw(st.sampled_from(operations(service)))
    operation = model.operation_model(name)
    shape = operation.input_shape
    if shape is None:
        params: dict[str, Any] = {}
    else:
        wire = Wire.QUERY_REQUEST if service == V1 else Wire.JSON_REQUEST
        params = draw(st.just(minimal(shape)) | for_shape(shape, wire))
    return Request.from_sent(client_request(operation, params), account).note(name)


# v2 mutations ---------------------------------------------------------------------------------


def _json_paths(value: Any, at: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield at
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _json_paths(inner, (*at, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _json_paths(inner, (*at, index))


SLOT = "\ue000SLOT"


def _with_slot(value: Any, at: tuple[Any, ...]) -> Any:
    if not at:
        return SLOT
    head, rest = at[0], at[1:]
    if isinstance(value, dict):
        return {**value, head: _with_slot(value[head], rest)}
    return [_with_slot(item, rest) if index == head else item for index, item in enumerate(value)]


@st.composite
def v2_mutated(draw: st.DrawFn, request: Request) -> Request:
    kind = draw(
        st.sampled_from(
            [
                *("none", "value", "value", "extra-key", "duplicate-key", "broken-json"),
                *("path", "query", "content-type", "method", "authorization"),
            ]
        )
    )
    if kind == "none":
        return request
    if kind in ("value", "extra-key", "duplicate-key"):
        try:
            body = json.loads(request.body) if request.body else {}
        except ValueError:
            body = {}
        hostile = draw(st.sampled_from(HOSTILE_JSON))
        if kind == "value":
            at = draw(st.sampled_from(list(_json_paths(body))))
            text = json.dumps(_with_slot(body, at)).replace(json.dumps(SLOT), hostile)
        elif kind == "extra-key":
            key = draw(st.sampled_from(["Unknown", "", "__proto__", "a\\u0000", "\\ud800"]))
            text = '{"' + key + '": ' + hostile + ("," if body else "") + json.dumps(body)[1:]
        else:
            key = draw(st.sampled_from([*body, "X"])) if isinstance(body, dict) else "X"
            text = json.dumps(body)[:-1] + ("," if body else "") + json.dumps(key) + ": " + hostile
            text += "}"
        return replace(request, body=text.encode(), notes=(*request.notes, kind, hostile[:40]))
    if kind == "broken-json":
        body = request.body or b"{}"
        how = draw(st.integers(0, 6))
        broken = [
            body[: draw(st.integers(0, max(len(body) - 1, 0)))],
            b"\xef\xbb\xbf" + body,
            body + b"garbage",
            b"\xff\xfe" + body,
            body.replace(b'"', b"'"),
            draw(st.binary(max_size=64)),
            b'{"a": "\\x"}',
        ][how]
        return replace(request, body=broken, notes=(*request.notes, f"broken-json {how}"))
    if kind == "path":
        segments = request.path.split("/")
        index = draw(st.integers(0, len(segments)))
        odd = draw(
            st.sampled_from(ODD_PATH_SEGMENTS)
            | st.sampled_from(HOSTILE_BYTES).map(lambda b: quote_from_bytes(b[:3000], safe=""))
        )
        if index == len(segments) or draw(st.booleans()):
            segments.insert(index, odd)
        else:
            segments[index] = odd
        path = "/".join(segments)
        if not path.startswith("/"):
            path = "/" + path
        return replace(request, path=path, notes=(*request.notes, "path", odd[:40]))
    return _common_mutation(draw, request, kind)


def _common_mutation(draw: st.DrawFn, request: Request, kind: str) -> Request:
    if kind == "query":
        pairs = [part for part in request.query.split(b"&") if part]
        names = [pair.split(b"=", 1)[0] for pair in pairs] or [b"NextToken", b"PageSize"]
        name = draw(st.sampled_from([*names, b"X", b"", b"%zz", b"%00"]))
        value = quote_from_bytes(draw(st.sampled_from(HOSTILE_BYTES))[:3000]).encode()
        raw = draw(st.sampled_from([b"", b"%", b"%zz", b"=", b"&&"]))
        query = b"&".join([*pairs, name + b"=" + value + raw])
        return replace(request, query=query, notes=(*request.notes, "query", repr(name)))
    if kind == "content-type":
        headers = dict(request.headers)
        chosen = draw(st.sampled_from(CONTENT_TYPES))
        headers.pop("content-type", None)
        if chosen is not None:
            headers["content-type"] = chosen
        return replace(request, headers=headers, notes=(*request.notes, f"content-type {chosen!r}"))
    if kind == "authorization":
        headers = dict(request.headers)
        chosen = draw(st.sampled_from(ODD_AUTHORIZATION))
        headers["authorization"] = chosen
        if draw(st.booleans()):
            headers["x-amz-date"] = draw(st.sampled_from(["", "x", "20240101T000000Z", "9" * 40]))
        return replace(request, headers=headers, notes=(*request.notes, f"auth {chosen[:60]!r}"))
    method = draw(st.sampled_from(V1_METHODS))
    return replace(request, method=method, notes=(*request.notes, f"method {method}"))


# v1 mutations ---------------------------------------------------------------------------------


def _form_pairs(body: bytes) -> list[tuple[bytes, bytes]]:
    pairs = []
    for part in body.split(b"&"):
        if part:
            key, _, value = part.partition(b"=")
            pairs.append((key, value))
    return pairs


def _encode(raw: bytes) -> bytes:
    return quote_from_bytes(raw, safe=".-_~").encode()


@st.composite
def v1_mutated(draw: st.DrawFn, request: Request) -> Request:
    kind = draw(
        st.sampled_from(
            [
                *("none", "value", "value", "duplicate", "odd-key", "drop", "broken-form"),
                *("action", "path", "query", "content-type", "method", "authorization"),
            ]
        )
    )
    if kind == "none":
        return request
    pairs = _form_pairs(request.body)
    if kind in ("value", "duplicate", "odd-key", "drop") and pairs:
        index = draw(st.integers(0, len(pairs) - 1))
        key = pairs[index][0]
        hostile = _encode(draw(st.sampled_from(HOSTILE_BYTES)))
        if kind == "value":
            pairs[index] = (key, hostile)
        elif kind == "duplicate":
            pairs.insert(draw(st.integers(0, len(pairs))), (key, hostile))
        elif kind == "odd-key":
            pairs.append((_encode(draw(st.sampled_from(ODD_KEYS))), hostile))
        else:
            del pairs[index]
        body = b"&".join(k + b"=" + v for k, v in pairs)
        return replace(request, body=body, notes=(*request.notes, kind, repr(key)[:60]))
    if kind == "broken-form":
        broken = draw(st.sampled_from(BROKEN_FORM))
        at = draw(st.integers(0, len(pairs)))
        parts = [k + b"=" + v for k, v in pairs]
        parts.insert(at, broken)
        body = b"&".join(parts)
        return replace(request, body=body, notes=(*request.notes, "broken-form", repr(broken)))
    if kind == "action":
        action = draw(
            st.sampled_from(
                [b"", b"Unknown", b"sendemail", b"SendEmail%00", b"%ff", b"a" * 5000]
                + [name.encode() for name in operations(V1)]
            )
        )
        body = b"&".join(k + b"=" + (action if k == b"Action" else v) for k, v in pairs)
        return replace(request, body=body, notes=(*request.notes, "action", repr(action[:40])))
    if kind == "path":
        odd = draw(st.sampled_from(ODD_PATH_SEGMENTS))
        return replace(request, path="/" + odd, notes=(*request.notes, "path", odd[:40]))
    if kind == "query" and draw(st.booleans()):
        # the whole form in the query string, as a GET
        return replace(
            request, query=request.body, body=b"", method="GET", notes=(*request.notes, "GET")
        )
    if kind in ("value", "duplicate", "odd-key", "drop"):
        kind = "query"
    return _common_mutation(draw, request, kind)


# --- running ----------------------------------------------------------------------------------


class HealthProbe:
    """tests/api/health_probe.py as its own process for the length of a ``with`` block."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.result: dict[str, Any] = {}

    def __enter__(self) -> HealthProbe:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "tests.api.health_probe", self.url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        return self

    def __exit__(self, *_exc: object) -> None:
        out, _ = self._process.communicate(timeout=30)
        self.result = json.loads(out)


@pytest.fixture(scope="module")
def fuzzed(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """openses serve in a process of its own (as in production: the fuzzing client shares no
    GIL with it), on a fresh database of ``backend``; its URL."""
    tmp = tmp_path_factory.mktemp(f"fuzz-{backend}")
    with database_url(backend, str(tmp)) as url:
        port = free_port()
        env = {
            "OPENSES_DATABASE_URL": url,
            "OPENSES_VALIDATE_DESTINATIONS": "false",
            "OPENSES_DISPATCH_EVENTS": "false",
            # jobs' S3 and every other AWS call go to a closed loopback port, never to AWS
            "OPENSES_AWS_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}",
        }
        process = serve_process(env, port, tmp / "serve.log")
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            process.wait(timeout=30)


@dataclass
class Timed:
    start: float
    end: float
    what: str


def send(client: httpx.Client, request: Request, log: list[Timed]) -> httpx.Response:
    """Send ``request`` with its path and query string exactly as written (httpx would
    re-encode a broken percent-escape)."""
    raw = request.path.encode("latin-1", "replace")
    if request.query:
        raw += b"?" + request.query
    url = client.base_url.copy_with(raw_path=raw)
    started = time.time()
    try:
        response = client.send(
            httpx.Request(
                request.method,
                url,
                # as bytes: httpx would refuse a str header outside ASCII
                headers={k.encode(): v.encode("utf-8") for k, v in request.headers.items()},
                content=request.body,
            )
        )
    except httpx.TimeoutException:
        pytest.fail(f"no answer within {HANG} s: {request.describe()}")
    elapsed = time.time() - started
    log.append(Timed(started, started + elapsed, f"{response.status_code} {request.describe()}"))
    assert elapsed < HANG, request.describe()
    return response


def assert_answered_well(service: str, request: Request, response: httpx.Response) -> None:
    assert response.status_code < 500, (
        response.status_code,
        response.text[:500],
        request.describe(),
    )
    if request.method == "HEAD" or not response.content:
        return
    if service == V1 and response.headers.get("content-type", "").startswith("text/xml"):
        ET.fromstring(response.content)
    elif response.headers.get("content-type", "").startswith("application/json"):
        json.loads(response.content)


@pytest.mark.parametrize("service", [V1, V2])
def test_fuzz_every_operation(fuzzed: str, service: str) -> None:
    account = fresh_account()
    mutate = v1_mutated if service == V1 else v2_mutated
    requests = well_formed(service, account).flatmap(mutate)
    sent: list[str] = []
    log: list[Timed] = []

    with httpx.Client(base_url=fuzzed, timeout=HANG) as client, HealthProbe(fuzzed) as health:

        @FUZZ
        @given(request=requests)
        def run(request: Request) -> None:
            sent.append(request.notes[0])
            assert_answered_well(service, request, send(client, request, log))

        run()

    probe = health.result
    assert probe["failures"] == []
    assert probe["polls"] > 0
    start, end = probe["worst_at"]
    during = [
        f"{t.end - t.start:.3f} s: {t.what[:400]}" for t in log if t.end > start and t.start < end
    ]
    assert probe["worst"] < HEALTH_BOUND, (f"/health took {probe['worst']:.3f} s at worst", during)
    # the run reached many operations, not a handful
    assert len(set(sent)) >= min(EXAMPLES, len(operations(service))) // 3
