"""What the pages behind the links openses puts in mail share (web/unsubscribe.py,
web/verification.py): mail clients follow them without credentials, the signed token in the
path says what they are for, and no answer is cached or passes the link on as a referrer."""

from __future__ import annotations

import datetime
import html
from collections.abc import Callable
from dataclasses import dataclass

from starlette.responses import HTMLResponse, Response

from openses.store.sources import EngineSource
from openses.tracking.keys import Keyring

LINK_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
# What a link page says of a token that does not verify, or whose key openses no longer has
# (the tracking links' pages say the same).
INVALID = "This link is not valid."
UNKNOWN = "This link is not known here."


def link_page(status: int, title: str, body: str = "") -> Response:
    """A bare HTML page headed ``title``; ``body`` is HTML the caller has escaped."""
    text = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"</head><body><h1>{html.escape(title)}</h1>{body}</body></html>"
    )
    return HTMLResponse(text, status_code=status, headers=LINK_HEADERS)


@dataclass(eq=False)
class LinkEndpoints:
    writes: EngineSource
    keyring: Keyring
    clock: Callable[[], datetime.datetime]
