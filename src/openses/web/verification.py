"""The verification link of a verification email (issue 20): ``GET /_openses/v/{token}``.
Mail clients call it, so it takes no credentials: the signed token names the account, region
and address. A custom template's link redirects to its SuccessRedirectionURL, or to its
FailureRedirectionURL once the link has expired; SES's own link answers with a page."""

from __future__ import annotations

import datetime
import html
from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from openses.services import verification_emails
from openses.store.sources import EngineSource
from openses.store.unit_of_work import UnitOfWork
from openses.tracking import tokens
from openses.tracking.keys import Keyring

_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
VERIFIED = "Your email address is verified."
EXPIRED = "This verification link has expired."
INVALID = "This link is not valid."


def _page(status: int, title: str) -> Response:
    text = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"</head><body><h1>{html.escape(title)}</h1></body></html>"
    )
    return HTMLResponse(text, status_code=status, headers=_HEADERS)


class VerificationEndpoints:
    def __init__(
        self, writes: EngineSource, keyring: Keyring, clock: Callable[[], datetime.datetime]
    ) -> None:
        self._writes = writes
        self._keyring = keyring
        self._clock = clock

    async def follow(self, request: Request) -> Response:
        try:
            claims = tokens.verify_verification(request.path_params["token"], self._keyring.lookup)
        except tokens.InvalidToken:
            return _page(400, INVALID)
        now = self._clock()
        if verification_emails.expired(claims, now):
            if claims.failure_url:
                return RedirectResponse(claims.failure_url, status_code=302, headers=_HEADERS)
            return _page(410, EXPIRED)
        uow = UnitOfWork(self._writes, claims.account_id, claims.region)
        await run_in_threadpool(verification_emails.confirm, uow, claims.address, now)
        if claims.success_url:
            return RedirectResponse(claims.success_url, status_code=302, headers=_HEADERS)
        return _page(200, VERIFIED)
