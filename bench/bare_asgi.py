"""The least an ASGI app can do: a fixed JSON body for any request. Served by uvicorn exactly as
openses is (uvloop, httptools, no access log), it shows the most one Python process with this
server stack answers on the machine: the ceiling for any per-request work. Run by the
benchmark as ``uvicorn bench.bare_asgi:app``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

_HEADERS = [(b"content-type", b"application/json"), (b"content-length", b"2")]


async def app(
    scope: MutableMapping[str, Any],
    receive: Callable[[], Awaitable[MutableMapping[str, Any]]],
    send: Callable[[MutableMapping[str, Any]], Awaitable[None]],
) -> None:
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body", False):
        pass
    await send({"type": "http.response.start", "status": 200, "headers": _HEADERS})
    await send({"type": "http.response.body", "body": b"{}"})
