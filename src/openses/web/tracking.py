"""The open and click tracking endpoints: ``/_openses/t/o/{token}`` answers the open pixel and
``/_openses/t/c/{token}`` redirects to the link's target, each recording its event.

They answer under any Host, since a CustomRedirectDomain points at this service. The target of
a redirect comes only from a verified token, never from the request: a token that does not
verify, or names a message its account and region do not hold, gets an error page.
"""

from __future__ import annotations

import datetime
import ipaddress
from collections.abc import Callable, Sequence

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from openses.store.sources import EngineSource
from openses.tracking import engagement, tokens
from openses.tracking.keys import Keyring
from openses.tracking.rewrite import trackable
from openses.web.links import INVALID, UNKNOWN

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# A transparent 1x1 GIF: header, 1x1 screen with a 2-colour table (black, white), a graphic
# control extension making colour 0 transparent, one 1x1 image of colour 0, trailer.
PIXEL = (
    b"GIF89a" + b"\x01\x00\x01\x00" + b"\x80\x00\x00" + b"\x00\x00\x00\xff\xff\xff"
    b"\x21\xf9\x04\x01\x00\x00\x00\x00"
    b"\x2c\x00\x00\x00\x00\x01\x00\x01\x00\x00" + b"\x02\x02\x44\x01\x00" + b"\x3b"
)
NO_CACHE = {
    "Cache-Control": "no-cache, no-store, must-revalidate, max-age=0",
    "Pragma": "no-cache",
    "Expires": "0",
}


def _page(status: int, title: str) -> Response:
    body = (
        f"<!doctype html><html><head><title>{title}</title></head>"
        f"<body><h1>{title}</h1></body></html>"
    )
    return HTMLResponse(
        body, status_code=status, headers={**NO_CACHE, "Referrer-Policy": "no-referrer"}
    )


class TrackingEndpoints:
    def __init__(
        self,
        writes: EngineSource,
        keyring: Keyring,
        trusted_proxies: Sequence[str],
        clock: Callable[[], datetime.datetime],
    ) -> None:
        self._writes = writes
        self._keyring = keyring
        self._proxies: list[Network] = [
            ipaddress.ip_network(proxy, strict=False) for proxy in trusted_proxies
        ]
        self._clock = clock

    async def open(self, request: Request) -> Response:
        found = await self._record(request, tokens.Kind.OPEN)
        if isinstance(found, Response):
            return found
        return Response(PIXEL, media_type="image/gif", headers=NO_CACHE)

    async def click(self, request: Request) -> Response:
        found = await self._record(request, tokens.Kind.CLICK)
        if isinstance(found, Response):
            return found
        target = trackable(found.link)
        if target is None:  # never issued by the rewriter; refuse all the same
            return _page(400, INVALID)
        return RedirectResponse(target, status_code=302, headers=NO_CACHE)

    async def _record(self, request: Request, kind: tokens.Kind) -> tokens.Claims | Response:
        try:
            claims = tokens.verify(request.path_params["token"], self._keyring.lookup)
        except tokens.UnknownKey:
            return _page(404, UNKNOWN)
        except tokens.InvalidToken:
            return _page(400, INVALID)
        if claims.kind is not kind:
            return _page(400, INVALID)
        try:
            await run_in_threadpool(
                engagement.record,
                self._writes,
                claims,
                ip_address=self.client_ip(request),
                user_agent=request.headers.get("user-agent", ""),
                now=self._clock(),
            )
        except engagement.MessageNotFound:
            return _page(404, UNKNOWN)
        return claims

    def client_ip(self, request: Request) -> str:
        """The peer's address, or the nearest untrusted address in X-Forwarded-For when the
        peer is a trusted proxy."""
        client = request.client.host if request.client else ""
        if not self._trusted(client):
            return client
        hops = [hop.strip() for hop in request.headers.get("x-forwarded-for", "").split(",")]
        for hop in reversed([hop for hop in hops if hop]):
            if not _is_ip(hop):
                break
            client = hop
            if not self._trusted(hop):
                break
        return client

    def _trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self._proxies)


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
