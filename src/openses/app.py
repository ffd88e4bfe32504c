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

_ALL_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"]


async def health(_request: Request) -> Response:
    return JSONResponse({"status": "ok"})


def create_app(settings: Settings, engine: Engine | None = None) -> Starlette:
    engine = engine if engine is not None else make_engine(settings.database_url)
    migrate(engine)
    gateway = Gateway(settings, engine)
    routes = [
        Route("/health", health, methods=["GET"]),
        Route("/", gateway.v1, methods=["GET", "POST"]),
        Route("/v2/{path:path}", gateway.v2, methods=_ALL_METHODS),
    ]
    app = Starlette(routes=routes)
    app.state.engine = engine
    return app
