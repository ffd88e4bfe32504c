"""The HTTP server's limits as ``openses serve`` runs them (issue 18), over raw sockets: bodies
above each API's limit are refused with 413 without being read, a trickled request loses its
connection (headers) or gets 408 (body), and connections beyond the cap are answered 503."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from openses.api.gateway import MAX_V1_BODY_BYTES, MAX_V2_BODY_BYTES
from tests.support import AUTHORIZATION, database_url, free_port, serve_process

HEADER_TIMEOUT = 1.0
BODY_TIMEOUT = 2.0
MAX_CONNECTIONS = 5


@pytest.fixture(scope="module")
def address(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    tmp: Path = tmp_path_factory.mktemp(f"http-limits-{backend}")
    with database_url(backend, str(tmp)) as url:
        port = free_port()
        process = serve_process(
            {
                "OPENSES_DATABASE_URL": url,
                "OPENSES_VALIDATE_DESTINATIONS": "false",
                "OPENSES_DISPATCH_EVENTS": "false",
                "OPENSES_HEADER_TIMEOUT_SECONDS": str(HEADER_TIMEOUT),
                "OPENSES_BODY_TIMEOUT_SECONDS": str(BODY_TIMEOUT),
                "OPENSES_MAX_CONNECTIONS": str(MAX_CONNECTIONS),
            },
            port,
            tmp / "serve.log",
        )
        try:
            yield "127.0.0.1", port
        finally:
            process.terminate()
            process.wait(timeout=30)


def connect(address: tuple[str, int]) -> socket.socket:
    sock = socket.create_connection(address, timeout=10)
    return sock


def response(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of the one response on ``sock`` (read until it closes)."""
    data = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except (ConnectionResetError, TimeoutError):
            break
        if not chunk:
            break
        data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        headers = _headers(head)
        if "content-length" in headers and len(body) >= int(headers["content-length"]):
            break
    head, _, body = data.partition(b"\r\n\r\n")
    assert head, "no response"
    status = int(head.split(b" ", 2)[1])
    return status, _headers(head), body


def _headers(head: bytes) -> dict[str, str]:
    lines = head.decode("latin-1").split("\r\n")[1:]
    return {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}


def request_head(method: str, path: str, extra: str) -> bytes:
    return (
        f"{method} {path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: {AUTHORIZATION}\r\n"
        f"{extra}\r\n"
    ).encode()


V1_TOO_LARGE = (
    '<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>Sender</Type>'
    "<Code>RequestEntityTooLarge</Code><Message>Request body is larger than "
    f"{MAX_V1_BODY_BYTES} bytes.</Message></Error>"
)


def test_a_declared_body_above_the_limit_is_refused_unread(address: tuple[str, int]) -> None:
    """Content-Length says 300 MB: 413 at once, without waiting for a byte of the body."""
    with connect(address) as sock:
        sock.sendall(
            request_head(
                "POST",
                "/",
                "Content-Type: application/x-www-form-urlencoded\r\n"
                f"Content-Length: {300 * 1024 * 1024}\r\n",
            )
        )
        status, headers, body = response(sock)
    assert status == 413
    assert headers["content-type"] == "text/xml; charset=utf-8"
    assert body.decode().startswith(V1_TOO_LARGE)

    with connect(address) as sock:
        sock.sendall(
            request_head(
                "POST",
                "/v2/email/outbound-emails",
                f"Content-Type: application/json\r\nContent-Length: {MAX_V2_BODY_BYTES + 1}\r\n",
            )
        )
        status, headers, body = response(sock)
    assert (status, headers["x-amzn-errortype"]) == (413, "RequestEntityTooLargeException")
    assert json.loads(body) == {
        "message": f"Request body is larger than {MAX_V2_BODY_BYTES} bytes."
    }


def test_a_streamed_body_is_cut_at_the_limit(address: tuple[str, int]) -> None:
    """No Content-Length (chunked): the server stops at the limit and answers 413; it never
    holds more than the limit."""
    piece = b"x" * (1024 * 1024)
    chunk = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    sent = 0
    with connect(address) as sock:
        sock.settimeout(5)
        sock.sendall(
            request_head(
                "POST",
                "/",
                "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n",
            )
        )
        try:
            while sent < 3 * MAX_V1_BODY_BYTES:
                sock.sendall(chunk)
                sent += len(piece)
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            pass
        status, _, body = response(sock)
    assert status == 413
    assert body.decode().startswith(V1_TOO_LARGE)
    assert sent < 3 * MAX_V1_BODY_BYTES


@pytest.mark.parametrize("split", ["whole", "after-headers", "in-two"])
def test_a_body_is_read_alike_however_it_arrives(address: tuple[str, int], split: str) -> None:
    """A body that came with the headers is read at once (no deadline is set up for it); one
    still on its way is read under the deadline: the same request is answered the same."""
    name = f"arrives-{split}"
    body = json.dumps({"ConfigurationSetName": name, "Tags": [{"Key": "k", "Value": "v"}]})
    head = request_head(
        "POST",
        "/v2/email/configuration-sets",
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n",
    )
    parts = {
        "whole": [head + body.encode()],
        "after-headers": [head, body.encode()],
        "in-two": [head + body[:10].encode(), body[10:].encode()],
    }[split]
    with connect(address) as sock:
        for index, part in enumerate(parts):
            if index:
                time.sleep(0.3)
            sock.sendall(part)
        status, _, answer = response(sock)
    assert (status, json.loads(answer)) == (200, {})
    url = f"http://{address[0]}:{address[1]}/v2/email/configuration-sets/{name}"
    found = httpx.get(url, headers={"Authorization": AUTHORIZATION}).json()
    assert (found["ConfigurationSetName"], found["Tags"]) == (name, [{"Key": "k", "Value": "v"}])


def test_headers_are_at_most_64_kb(address: tuple[str, int]) -> None:
    with connect(address) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\n" + b"X-Big: " + b"a" * (70 * 1024))
        status, _, body = response(sock)
    assert (status, body) == (431, b"Request Header Fields Too Large")
    with connect(address) as sock:  # a large body is no large header
        sock.sendall(
            request_head(
                "POST",
                "/",
                "Content-Type: application/x-www-form-urlencoded\r\n"
                f"Content-Length: {200 * 1024}\r\n",
            )
            + b"Action=ListIdentities&x="
            + b"a" * (200 * 1024 - 24)
        )
        status, _, body = response(sock)
    assert status == 200, body


def test_own_endpoints_take_small_bodies_only(address: tuple[str, int]) -> None:
    with connect(address) as sock:
        sock.sendall(
            request_head("POST", "/_openses/dead-letters/retry", "Content-Length: 2000000\r\n")
        )
        status, headers, body = response(sock)
    assert (status, headers["content-type"]) == (413, "application/json")
    assert json.loads(body) == {"message": "Request body is larger than 1048576 bytes."}
    small = httpx.post(
        f"http://{address[0]}:{address[1]}/_openses/dead-letters/retry", content=b"{}"
    )
    assert small.status_code == 200


def closed_after(sock: socket.socket, trickle: bytes, pause: float) -> float:
    """Send ``trickle`` a byte at a time, ``pause`` apart, until the server closes the
    connection; the seconds that took."""
    start = time.monotonic()
    for byte in trickle:
        try:
            sock.sendall(bytes([byte]))
        except (BrokenPipeError, ConnectionResetError):
            return time.monotonic() - start
        time.sleep(pause)
        if time.monotonic() - start > 10 * HEADER_TIMEOUT:
            break
    sock.settimeout(10 * HEADER_TIMEOUT)
    try:
        while sock.recv(1024):
            pass
    except ConnectionResetError:
        pass
    return time.monotonic() - start


def test_a_header_trickle_loses_its_connection(address: tuple[str, int]) -> None:
    with connect(address) as sock:
        elapsed = closed_after(sock, b"GET /health HTTP/1.1\r\nX-Slow: " + b"a" * 500, 0.1)
    assert HEADER_TIMEOUT - 0.2 <= elapsed < HEADER_TIMEOUT + 2


def test_a_silent_connection_is_closed(address: tuple[str, int]) -> None:
    with connect(address) as sock:
        start = time.monotonic()
        assert sock.recv(1024) == b""
        assert time.monotonic() - start < HEADER_TIMEOUT + 2


def test_a_kept_alive_connection_has_a_deadline_per_request(address: tuple[str, int]) -> None:
    with connect(address) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
        first = sock.recv(65536)
        assert first.startswith(b"HTTP/1.1 200 ")
        elapsed = closed_after(sock, b"GET /health HTTP/1.1\r\nX-Slow: " + b"a" * 500, 0.1)
    assert elapsed < HEADER_TIMEOUT + 2


# A CreateConfigurationSet whose head promises 1,000 bytes of body
_AWAITING_BODY = request_head(
    "POST",
    "/v2/email/configuration-sets",
    "Content-Type: application/json\r\nContent-Length: 1000\r\n",
)


def test_a_body_trickle_gets_408(address: tuple[str, int]) -> None:
    with connect(address) as sock:
        sock.sendall(_AWAITING_BODY)
        start = time.monotonic()
        for _ in range(10):
            sock.sendall(b" ")
            time.sleep(0.1)
        status, headers, body = response(sock)
        elapsed = time.monotonic() - start
    assert (status, headers["x-amzn-errortype"]) == (408, "RequestTimeoutException")
    assert json.loads(body) == {
        "message": "Your socket connection to the server was not read from or written to "
        "within the timeout period."
    }
    assert BODY_TIMEOUT - 0.2 <= elapsed < BODY_TIMEOUT + 2


def test_a_body_that_never_comes_gets_408(address: tuple[str, int]) -> None:
    """The first wait for the body is under the deadline too."""
    with connect(address) as sock:
        sock.sendall(_AWAITING_BODY)
        start = time.monotonic()
        status, headers, _ = response(sock)
        elapsed = time.monotonic() - start
    assert (status, headers["x-amzn-errortype"]) == (408, "RequestTimeoutException")
    assert BODY_TIMEOUT - 0.2 <= elapsed < BODY_TIMEOUT + 2


def test_connections_beyond_the_cap_get_503(address: tuple[str, int]) -> None:
    idle = [connect(address) for _ in range(MAX_CONNECTIONS)]
    try:
        with connect(address) as sock:
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
            status, _, body = response(sock)
        assert (status, body) == (503, b"Service Unavailable")
    finally:
        for sock in idle:
            sock.close()
    time.sleep(0.5)
    assert httpx.get(f"http://{address[0]}:{address[1]}/health").status_code == 200
