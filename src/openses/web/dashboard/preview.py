"""A captured message's HTML for the dashboard's sandboxed iframe, served from
``/_openses-mail/{token}``: outside ``/_openses/``, so the dashboard's cookies (whose path is
``/_openses/``) never go with it, and with a policy that runs no script and loads nothing
from outside (no image, so no tracking pixel fires an Open). The token is a short-lived
HMAC over the message id, handed out by the message page to whoever may see the message."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from html.parser import HTMLParser
from urllib.parse import quote

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from openses.mail import inspection
from openses.store import message_search
from openses.store.database import reading

PATH = "/_openses-mail/"
LIFETIME_SECONDS = 3600
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
        "form-action 'none'; base-uri 'none'; sandbox"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


class Previews:
    def __init__(self, engine: Engine, secret: bytes | None = None) -> None:
        self._engine = engine
        self._secret = secret or secrets.token_bytes(32)

    def url(self, message_id: str) -> str:
        expires = int(time.time()) + LIFETIME_SECONDS
        body = f"{expires}:{message_id}".encode()
        mac = hmac.new(self._secret, body, hashlib.sha256).digest()[:16]
        token = base64.urlsafe_b64encode(body).decode().rstrip("=")
        return PATH + token + "." + base64.urlsafe_b64encode(mac).decode().rstrip("=")

    def message_id(self, token: str) -> str | None:
        """The message the token names, when it is genuine and not expired."""
        body_part, _, mac_part = token.partition(".")
        try:
            body = base64.urlsafe_b64decode(body_part + "=" * (-len(body_part) % 4))
            mac = base64.urlsafe_b64decode(mac_part + "=" * (-len(mac_part) % 4))
        except ValueError:
            return None
        expected = hmac.new(self._secret, body, hashlib.sha256).digest()[:16]
        if not hmac.compare_digest(mac, expected):
            return None
        expires, _, message_id = body.decode("utf-8", "replace").partition(":")
        if not expires.isdigit() or int(expires) < time.time():
            return None
        return message_id

    async def serve(self, request: Request) -> Response:
        message_id = self.message_id(request.path_params["token"])
        if message_id is None:
            return HTMLResponse("<!doctype html><p>This preview link is not valid.</p>", 404)

        def load() -> bytes | None:
            with reading(self._engine) as connection:
                row = message_search.get_message(connection, message_id)
            return None if row is None else row.raw

        raw = await run_in_threadpool(load)
        html = inspection.read(raw).html if raw else None
        return HTMLResponse(html or "", headers=HEADERS)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.found.extend(value for name, value in attrs if name == "href" and value)


def hrefs(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    parser.close()
    return parser.found


def attachment_disposition(name: str) -> str:
    """RFC 6266: an ASCII fallback and the UTF-8 name."""
    fallback = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in name
    )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"
