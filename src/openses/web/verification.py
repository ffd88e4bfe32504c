"""The verification link of a verification email (issue 20): ``GET /_openses/v/{token}``.
Mail clients call it, so it takes no credentials: the signed token names the account, region
and address. A custom template's link redirects to its SuccessRedirectionURL, or to its
FailureRedirectionURL once the link has expired; SES's own link answers with a page."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from openses.services import verification_emails
from openses.store.unit_of_work import UnitOfWork
from openses.tracking import tokens
from openses.web.links import INVALID, LINK_HEADERS, LinkEndpoints, link_page

VERIFIED = "Your email address is verified."
EXPIRED = "This verification link has expired."


class VerificationEndpoints(LinkEndpoints):
    async def follow(self, request: Request) -> Response:
        try:
            claims = tokens.verify_verification(request.path_params["token"], self.keyring.lookup)
        except tokens.InvalidToken:
            return link_page(400, INVALID)
        now = self.clock()
        if verification_emails.expired(claims, now):
            if claims.failure_url:
                return RedirectResponse(claims.failure_url, status_code=302, headers=LINK_HEADERS)
            return link_page(410, EXPIRED)
        uow = UnitOfWork(self.writes, claims.account_id, claims.region)
        await run_in_threadpool(verification_emails.confirm, uow, claims.address, now)
        if claims.success_url:
            return RedirectResponse(claims.success_url, status_code=302, headers=LINK_HEADERS)
        return link_page(200, VERIFIED)
