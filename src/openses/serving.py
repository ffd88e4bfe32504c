"""The HTTP server's configuration, as ``openses serve`` runs it: uvicorn with a cap on open
connections (answered 503 beyond it) and deadlines for a request's headers and body, so that
a client trickling bytes cannot hold a connection (issue 18).

uvicorn has no header or body deadline of its own (its keep-alive timeout covers only the idle
time between requests), so the protocol below adds them to uvicorn's httptools protocol: the
headers must be complete within OPENSES_HEADER_TIMEOUT_SECONDS of the connection opening or of
the request's first byte, and the body within OPENSES_BODY_TIMEOUT_SECONDS of the headers (the
gateway answers 408 then; the protocol closes the connection a second later whatever the
endpoint). A connection past its deadline is closed.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from openses.config import Settings

# past the body deadline, the gateway's own 408 goes first
_BODY_GRACE_SECONDS = 1.0
# A request's line and headers, at most (httptools sets no limit of its own).
MAX_HEADER_BYTES = 64 * 1024
_HEADERS_TOO_LARGE = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: text/plain; charset=utf-8"
    b"\r\ncontent-length: 31\r\nconnection: close\r\n\r\nRequest Header Fields Too Large"
)


class DeadlineProtocol(HttpToolsProtocol):
    header_timeout: float = 10.0
    body_timeout: float = 60.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None
        self._in_headers = True
        self._header_bytes = 0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start(self.header_timeout)

    def data_received(self, data: bytes) -> None:
        counting = self._in_headers
        super().data_received(data)
        if counting and self._in_headers:  # the headers are not complete yet
            self._header_bytes += len(data)
            if self._header_bytes > MAX_HEADER_BYTES and not self.transport.is_closing():
                self.transport.write(_HEADERS_TOO_LARGE)
                self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop()
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._deadline is None:  # a later request on a kept-alive connection
            self._start(self.header_timeout)

    def on_headers_complete(self) -> None:
        self._in_headers = False
        self._header_bytes = 0
        self._stop()
        self._start(self.body_timeout + _BODY_GRACE_SECONDS)
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._in_headers = True  # what comes next is the next request's
        self._stop()
        super().on_message_complete()

    def _start(self, seconds: float) -> None:
        self._deadline = self.loop.call_later(seconds, self._expire)

    def _stop(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expire(self) -> None:
        self._deadline = None
        if not self.transport.is_closing():
            self.transport.close()


def protocol_for(settings: Settings) -> type[DeadlineProtocol]:
    return type(
        "DeadlineProtocol",
        (DeadlineProtocol,),
        {
            "header_timeout": settings.header_timeout_seconds,
            "body_timeout": settings.body_timeout_seconds,
        },
    )


def options(settings: Settings) -> dict[str, Any]:
    """uvicorn's options for the limits above (``uvicorn.run`` and ``uvicorn.Config`` take
    them alike)."""
    return {"http": protocol_for(settings), "limit_concurrency": settings.max_connections}
