"""How the dashboard's pages are rendered: one Jinja2 environment (autoescaping on), a
Content-Security-Policy that allows only the dashboard's own scripts, and the CSRF cookie
every form echoes back (web/access.py)."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from openses.protocol.timestamps import iso8601
from openses.web.access import CSRF_COOKIE, Access, View, new_csrf_value

HERE = Path(__file__).parent
STATIC = HERE / "static"
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; frame-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
COOKIE_PATH = "/_openses/"


def _when(moment: datetime.datetime | None) -> str:
    return "" if moment is None else moment.strftime("%Y-%m-%d %H:%M:%S")


def _aws_name(field: str) -> str:
    """A domain field's AWS spelling: ``tls_policy`` is ``TlsPolicy``."""
    return "".join(part[:1].upper() + part[1:] for part in field.split("_"))


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=False)


class Renderer:
    def __init__(self, access: Access) -> None:
        self._access = access
        self.environment = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.environment.filters["when"] = _when
        self.environment.filters["iso"] = iso8601
        self.environment.filters["pretty"] = _json
        self.environment.filters["aws_name"] = _aws_name

    def fragment(self, name: str, **context: Any) -> str:
        return self.environment.get_template(name).render(**context)

    def page(
        self, request: Request, name: str, view: View | None, status_code: int = 200, **context: Any
    ) -> HTMLResponse:
        csrf = request.cookies.get(CSRF_COOKIE) or new_csrf_value()
        body = self.environment.get_template(name).render(
            request=request,
            view=view,
            csrf=csrf,
            guarded=self._access.guarded,
            path=request.url.path,
            **context,
        )
        response = HTMLResponse(body, status_code=status_code, headers=PAGE_HEADERS)
        if CSRF_COOKIE not in request.cookies:
            response.set_cookie(
                CSRF_COOKIE, csrf, path=COOKIE_PATH, httponly=True, samesite="strict"
            )
        return response
