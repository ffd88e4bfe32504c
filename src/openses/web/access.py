"""Who may use openses' own endpoints and the dashboard, and which accounts' data they see
(issues 18 and 19).

- ``OPENSES_ADMIN_TOKEN`` unset (the local default): open; a request sees the account and
  region its SigV4 ``Authorization`` header names (resolved as the API gateway does), an
  unsigned one the default account in us-east-1.
- Set: every ``/_openses`` path but those mail clients call (tracking, unsubscribe) needs the
  token, as ``Authorization: Bearer`` (scripts) or the session cookie the login form sets
  (HttpOnly, SameSite=Strict). The token holder is the operator: every account's data, or
  the one picked (``account``/``region`` query parameters, or the dashboard's picker).

A POST made with a cookie (the dashboard's forms) must carry the CSRF token, the value of the
``openses_csrf`` cookie (double submit: another site can neither read nor set it).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from starlette.requests import Request

from openses.config import Settings
from openses.protocol.auth import DEFAULT_REGION, caller_from_headers
from openses.store.dashboard import Scope
from openses.store.sources import ConnectionSource
from openses.store.unit_of_work import UnitOfWork

SESSION_COOKIE = "openses_session"
CSRF_COOKIE = "openses_csrf"
VIEW_COOKIE = "openses_view"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
# Paths mail clients call: never behind the token.
OPEN_PREFIXES = (
    "/_openses/t/",  # tracking pixel and links
    "/_openses/u/",  # unsubscribe pages
    "/_openses/v/",  # verification links
    "/_openses/static/",
    "/_openses/login",
)


@dataclass(frozen=True, slots=True)
class View:
    """What a request may see: one account and region, or (the operator) every account."""

    scope: Scope
    operator: bool  # holds the admin token

    def one(self, default_account: str, default_region: str) -> tuple[str, str]:
        """The account and region a write acts on: the picked ones, else the defaults."""
        return (
            self.scope.account_id or default_account,
            self.scope.region or default_region,
        )


class Access:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._token = settings.admin_token
        # The session cookie's value: derived from the token, so that changing the token
        # logs every browser out, and never the token itself.
        self._session = (
            hmac.new(self._token.encode(), b"openses dashboard session", hashlib.sha256).hexdigest()
            if self._token
            else None
        )

    @property
    def guarded(self) -> bool:
        return self._token is not None

    def needs_token(self, path: str) -> bool:
        inside = path == "/_openses" or path.startswith("/_openses/")
        return self.guarded and inside and not path.startswith(OPEN_PREFIXES)

    def token_matches(self, token: str) -> bool:
        return self._token is not None and hmac.compare_digest(token.encode(), self._token.encode())

    def session_value(self) -> str:
        assert self._session is not None
        return self._session

    def bearer(self, request: Request) -> bool:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        return scheme.lower() == "bearer" and self.token_matches(token.strip())

    def operator(self, request: Request) -> bool:
        """The request holds the admin token (as a bearer token or the session cookie)."""
        if self._session is None:
            return False
        cookie = request.cookies.get(SESSION_COOKIE, "")
        return self.bearer(request) or hmac.compare_digest(cookie.encode(), self._session.encode())

    def view(self, request: Request) -> View:
        """Call only once the gate let the request through (``needs_token``/``operator``)."""
        if self.operator(request):
            picked_account, _, picked_region = request.cookies.get(VIEW_COOKIE, "").partition(":")
            account = request.query_params.get("account") or picked_account or None
            region = request.query_params.get("region") or picked_region or None
            return View(Scope(account, region), operator=True)
        caller = caller_from_headers(
            request.headers.get("authorization"),
            self._settings.access_keys,
            self._settings.default_account_id,
        )
        return View(Scope(caller.account_id, caller.region), operator=False)

    def unit_of_work(self, request: Request, source: ConnectionSource) -> UnitOfWork:
        """A unit of work on ``source`` in the one account and region the request acts on:
        its view's (``View.one``), else the default account in us-east-1."""
        account, region = self.view(request).one(self._settings.default_account_id, DEFAULT_REGION)
        return UnitOfWork(source, account, region)

    def csrf_ok(self, request: Request, submitted: str | None) -> bool:
        """A state-changing request is no forgery: it is a script's (no cookies: bearer or
        unsigned) or carries the CSRF cookie's value."""
        if self.bearer(request):
            return True
        if request.headers.get("sec-fetch-site") == "cross-site":
            return False
        cookie = request.cookies.get(CSRF_COOKIE)
        if cookie is None:
            # no dashboard cookie at all: a script (curl, an SDK); with the token set, the
            # gate already asked it for the bearer token
            return SESSION_COOKIE not in request.cookies
        value = submitted or request.headers.get(CSRF_HEADER, "")
        return hmac.compare_digest(cookie.encode(), value.encode())


@dataclass(eq=False)
class AccountEndpoints:
    """Endpoints that read in the one account and region a request acts on
    (``Access.unit_of_work``)."""

    settings: Settings
    reads: ConnectionSource
    access: Access

    def _reading(self, request: Request) -> UnitOfWork:
        return self.access.unit_of_work(request, self.reads)


def new_csrf_value() -> str:
    return secrets.token_urlsafe(24)
