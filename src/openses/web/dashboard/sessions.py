"""The login form (``OPENSES_ADMIN_TOKEN`` set), the operator's account and region picker,
and the gate every ``/_openses`` request passes first (web/access.py says who may pass)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from openses.web.access import CSRF_FIELD, SESSION_COOKIE, VIEW_COOKIE, Access
from openses.web.dashboard.rendering import COOKIE_PATH, Renderer
from openses.web.unsubscribe import read_form

_ACCOUNT = re.compile(r"\d{12}")
_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d")
NEEDS_TOKEN = {"message": "This endpoint needs the admin token (Authorization: Bearer)."}
FORGED = {"message": "The request lacks the CSRF token."}


def local_target(value: str | None) -> str:
    """Where to go after a form: a dashboard path only, never another site."""
    if value and value.startswith("/_openses/") and not value.startswith("//"):
        return value
    return "/_openses/"


def gate(access: Access, request: Request) -> Response | None:
    """The answer to a request that needs the admin token and lacks it; None lets it in."""
    if not access.needs_token(request.url.path) or access.operator(request):
        return None
    if request.method == "GET" and "text/html" in request.headers.get("accept", ""):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(
            "/_openses/login?" + urlencode({"next": target}),
            status_code=303,
        )
    return JSONResponse(NEEDS_TOKEN, 401, headers={"WWW-Authenticate": "Bearer"})


async def form_fields(request: Request) -> dict[str, str]:
    """The form's fields (the unsubscribe page's reader, bounded); none when unreadable."""
    return await read_form(request) or {}


@dataclass(eq=False)
class Sessions:
    access: Access
    renderer: Renderer

    async def login_page(self, request: Request) -> Response:
        if not self.access.guarded:
            return RedirectResponse("/_openses/", status_code=303)
        return self.renderer.page(
            request, "login.html", None, next=local_target(request.query_params.get("next"))
        )

    async def login(self, request: Request) -> Response:
        if not self.access.guarded:
            return RedirectResponse("/_openses/", status_code=303)
        fields = await form_fields(request)
        target = local_target(fields.get("next"))
        if not self.access.csrf_ok(request, fields.get(CSRF_FIELD)):
            return JSONResponse(FORGED, 403)
        if not self.access.token_matches(fields.get("token", "")):
            return self.renderer.page(
                request, "login.html", None, status_code=401, next=target, failed=True
            )
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            self.access.session_value(),
            path=COOKIE_PATH,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
        return response

    async def logout(self, request: Request) -> Response:
        fields = await form_fields(request)
        if not self.access.csrf_ok(request, fields.get(CSRF_FIELD)):
            return JSONResponse(FORGED, 403)
        response = RedirectResponse("/_openses/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH)
        response.delete_cookie(VIEW_COOKIE, path=COOKIE_PATH)
        return response

    async def pick(self, request: Request) -> Response:
        """The operator's account and region picker; empty fields: every account (region)."""
        fields = await form_fields(request)
        if not self.access.csrf_ok(request, fields.get(CSRF_FIELD)):
            return JSONResponse(FORGED, 403)
        account, region = fields.get("account", "").strip(), fields.get("region", "").strip()
        if (account and not _ACCOUNT.fullmatch(account)) or (
            region and not _REGION.fullmatch(region)
        ):
            return JSONResponse({"message": "account: 12 digits; region: like us-east-1"}, 400)
        response = RedirectResponse(local_target(fields.get("next")), status_code=303)
        if self.access.operator(request):
            response.set_cookie(
                VIEW_COOKIE,
                f"{account}:{region}",
                path=COOKIE_PATH,
                httponly=True,
                samesite="strict",
            )
        return response
