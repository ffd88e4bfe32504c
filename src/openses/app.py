"""Builds the ASGI application. Routes read top to bottom."""

from __future__ import annotations

from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from openses.api.gateway import Gateway
from openses.config import Settings
from openses.store.database import make_engine, migrate
from openses.web.admin import Admin
from openses.web.messages import MessagesEndpoints

_ALL_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"]


async def health(_request: Request) -> Response:
    return JSONResponse({"status": "ok"})


def create_app(settings: Settings, engine: Engine | None = None) -> Starlette:
    engine = engine if engine is not None else make_engine(settings.database_url)
    migrate(engine)
    gateway = Gateway(settings, engine)
    admin = Admin(settings, engine)
    inbox = MessagesEndpoints(engine)
    routes = [
        Route("/health", health, methods=["GET"]),
        Route("/_openses/identities/{name}/verify", admin.verify_identity, methods=["POST"]),
        Route("/_openses/messages", inbox.index, methods=["GET"]),
        Route("/_openses/messages/{message_id}", inbox.get, methods=["GET"]),
        Route("/_openses/messages/{message_id}/raw", inbox.raw, methods=["GET"]),
        Route("/", gateway.v1, methods=["GET", "POST"]),
        Route("/v2/{path:path}", gateway.v2, methods=_ALL_METHODS),
    ]
    app = Starlette(routes=routes)
    app.state.engine = engine
    return app
