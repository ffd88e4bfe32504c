"""Builds the ASGI application. Routes read top to bottom."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from prometheus_client import CollectorRegistry
from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from openses.api.gateway import Gateway, Receive, Scope, Send, is_aws_path
from openses.config import Settings
from openses.delivery import bootstrap as delivery_bootstrap
from openses.delivery import worker as delivery_worker
from openses.domain.clock import utc_now
from openses.events import dispatcher as event_dispatcher
from openses.events.metrics import OutboxCollector, PublicationMetrics
from openses.store.database import make_engine, make_loop_engine, migrate
from openses.tracking import links as tracking_links
from openses.web.admin import Admin
from openses.web.dead_letters import DeadLetters
from openses.web.messages import MessagesEndpoints
from openses.web.metrics import MetricsEndpoint
from openses.web.tracking import TrackingEndpoints


async def health(_request: Request) -> Response:
    return JSONResponse({"status": "ok"})


def create_app(settings: Settings, engine: Engine | None = None) -> Application:
    engine = engine if engine is not None else make_engine(settings.database_url)
    migrate(engine)
    loop_engine = make_loop_engine(engine)
    # issue 15: real delivery (DeliverySettingsError for settings that cannot work)
    outbound = delivery_bootstrap.outbound(settings.delivery)
    gateway = Gateway(settings, engine, loop_engine, outbound)
    admin = Admin(settings, engine)
    messages = MessagesEndpoints(engine)
    registry = CollectorRegistry()
    publication_metrics = PublicationMetrics(registry)
    registry.register(OutboxCollector(engine))
    dead_letters = DeadLetters(engine)
    tracker = tracking_links.install(engine, settings, utc_now)
    if loop_engine is not None:
        tracking_links.share(tracker, loop_engine.sync_engine)
    tracking = TrackingEndpoints(engine, tracker.keyring, settings.trusted_proxies, utc_now)
    routes = [
        Route("/health", health, methods=["GET"]),
        Route("/_openses/identities/{name}/verify", admin.verify_identity, methods=["POST"]),
        Route("/_openses/messages", messages.index, methods=["GET"]),
        Route("/_openses/messages/{message_id}", messages.get, methods=["GET"]),
        Route("/_openses/messages/{message_id}/raw", messages.raw, methods=["GET"]),
        Route("/_openses/dead-letters", dead_letters.index, methods=["GET"]),
        Route("/_openses/dead-letters/retry", dead_letters.retry_all, methods=["POST"]),
        Route("/_openses/dead-letters/{id}/retry", dead_letters.retry_one, methods=["POST"]),
        Route("/metrics", MetricsEndpoint(registry).render, methods=["GET"]),
        # open and click tracking, under any Host (a CustomRedirectDomain points here)
        Route(tracking_links.OPEN_PATH + "{token}", tracking.open, methods=["GET"]),
        Route(tracking_links.CLICK_PATH + "{token}", tracking.click, methods=["GET"]),
    ]
    dispatcher = (
        event_dispatcher.build(engine, settings, publication_metrics)
        if settings.dispatch_events
        else None
    )
    dispatching = event_dispatcher.lifespan(dispatcher)
    delivering = delivery_worker.lifespan(delivery_bootstrap.worker(engine, settings.delivery))

    @contextlib.asynccontextmanager
    async def lifespan(app: object) -> AsyncIterator[None]:
        async with dispatching(app), delivering(app):
            try:
                yield
            finally:
                await gateway.aclose()

    web = Starlette(routes=routes, lifespan=lifespan)
    return Application(gateway, web, engine)


class Application:
    """AWS requests go straight to the gateway; openses' own endpoints and the lifespan go
    through Starlette."""

    def __init__(self, gateway: Gateway, web: Starlette, engine: Engine) -> None:
        self.gateway = gateway
        self.web = web
        self.engine = engine

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and is_aws_path(scope):
            await self.gateway(scope, receive, send)
        else:
            await self.web(scope, receive, send)
