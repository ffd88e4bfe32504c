"""Builds the ASGI application from the collaborators ``bootstrap.py`` made. Routes read top to
bottom."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, MutableMapping
from dataclasses import KW_ONLY, dataclass
from typing import Any
from urllib.parse import parse_qsl

from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from openses import background, bootstrap, json_text
from openses.api.gateway import (
    ClientGone,
    Gateway,
    Receive,
    Scope,
    Send,
    is_aws_path,
    read_body,
)
from openses.api.guard import Guard
from openses.config import Settings
from openses.delivery import worker as delivery_worker
from openses.events import dispatcher as event_dispatcher
from openses.protocol.errors import ProtocolError
from openses.services import job_runner
from openses.services.list_management import UNSUBSCRIBE_PATH
from openses.services.verification_emails import VERIFY_PATH
from openses.smtp.server import SmtpServers
from openses.tracking.links import CLICK_PATH, OPEN_PATH
from openses.web.access import Access
from openses.web.admin import Admin
from openses.web.dashboard import routes as dashboard
from openses.web.dashboard.sessions import gate
from openses.web.dead_letters import DeadLetters
from openses.web.identity_dns import IdentityDnsEndpoints
from openses.web.messages import MessagesEndpoints
from openses.web.metrics import MetricsEndpoint
from openses.web.reputation import ReputationEndpoint
from openses.web.returns import ReturnsEndpoints
from openses.web.tracking import TrackingEndpoints
from openses.web.unsubscribe import UnsubscribeEndpoints
from openses.web.verification import VerificationEndpoints


async def health(_request: Request) -> Response:
    return JSONResponse({"status": "ok"})


def create_app(settings: Settings, engine: Engine | None = None) -> Application:
    return build_app(bootstrap.server(settings, engine=engine))


def build_app(root: bootstrap.Server) -> Application:
    settings, engine = root.settings, root.engine
    gateway = Gateway(
        settings,
        root.handlers,
        root.execution,
        root.authentication,
        loop_engine=root.loop_engine,
        clock=root.clock,
        tracker=root.tracker,
        destination_check=root.destination_check,
        outbound=root.outbound,
        receipt_check=root.receipt_check,
        object_store=root.object_store,
        throttle=root.throttle,
    )
    access = Access(settings)  # issues 18 and 19: the admin token and per-account scoping
    admin = Admin(settings, root.reads, access, writes=root.writes, dns_records=root.dns_records)
    identity_dns = IdentityDnsEndpoints(settings, root.reads, access)
    messages = MessagesEndpoints(engine, access)
    dead_letters = DeadLetters(engine, access)
    reputation = ReputationEndpoint(settings, root.reads, access)
    returned = ReturnsEndpoints(engine, access)
    tracking = TrackingEndpoints(
        root.writes, root.tracker.keyring, settings.trusted_proxies, root.clock
    )
    unsubscribe = UnsubscribeEndpoints(root.writes, root.tracker.keyring, root.clock)
    verification = VerificationEndpoints(root.writes, root.tracker.keyring, root.clock)
    routes = [
        Route("/health", health, methods=["GET"]),
        Route("/_openses/identities/{name}/verify", admin.verify_identity, methods=["POST"]),
        Route("/_openses/identities/{name}/dns", identity_dns.records, methods=["GET"]),
        Route("/_openses/messages", messages.index, methods=["GET"]),
        Route("/_openses/reputation", reputation.report, methods=["GET"]),
        Route("/_openses/messages/{message_id}", messages.get, methods=["GET"]),
        Route("/_openses/messages/{message_id}/raw", messages.raw, methods=["GET"]),
        Route("/_openses/returns", returned.index, methods=["GET"]),
        Route("/_openses/returns/{id}/raw", returned.raw, methods=["GET"]),
        Route("/_openses/dead-letters", dead_letters.index, methods=["GET"]),
        Route("/_openses/dead-letters/retry", dead_letters.retry_all, methods=["POST"]),
        Route("/_openses/dead-letters/{id}/retry", dead_letters.retry_one, methods=["POST"]),
        Route("/metrics", MetricsEndpoint(root.metrics).render, methods=["GET"]),
        # open and click tracking, under any Host (a CustomRedirectDomain points here)
        Route(OPEN_PATH + "{token}", tracking.open, methods=["GET"]),
        Route(CLICK_PATH + "{token}", tracking.click, methods=["GET"]),
        # list management: the unsubscribe page and RFC 8058's one-click POST (no credentials)
        Route(UNSUBSCRIBE_PATH + "{token}", unsubscribe.page, methods=["GET"]),
        Route(UNSUBSCRIBE_PATH + "{token}", unsubscribe.submit, methods=["POST"]),
        # verification emails' links (issue 20; no credentials: mail clients follow them)
        Route(VERIFY_PATH + "{token}", verification.follow, methods=["GET"]),
        # the dashboard (issue 19)
        *dashboard.routes(
            settings,
            engine,
            root.reads,
            root.writes,
            access,
            root.tracker.keyring,
            root.clock,
        ),
    ]
    dispatching = event_dispatcher.lifespan(root.dispatcher)
    delivering = delivery_worker.lifespan(root.delivery_worker)
    running_jobs = background.lifespan(  # issue 20: import and export jobs
        job_runner.thread(root.job_runner) if root.job_runner is not None else None
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: object) -> AsyncIterator[None]:
        async with dispatching(app), delivering(app), running_jobs(app):
            try:
                if root.smtp is not None:
                    await root.smtp.start()
                try:
                    yield
                finally:
                    if root.smtp is not None:
                        await root.smtp.close()
            finally:
                await gateway.aclose()

    web = Starlette(routes=routes, lifespan=lifespan)
    return Application(
        gateway,
        web,
        engine,
        root.smtp,
        Guard(settings),
        access=access,
        body_timeout=settings.body_timeout_seconds,
    )


@dataclass(eq=False)
class Application:
    """AWS requests go straight to the gateway; openses' own endpoints and the lifespan go
    through Starlette."""

    gateway: Gateway
    web: Starlette
    engine: Engine
    smtp: SmtpServers | None = None  # started and stopped by the lifespan
    guard: Guard | None = None
    _: KW_ONLY
    access: Access | None = None
    body_timeout: float = 60.0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and is_browser_visit(scope):
            await RedirectResponse("/_openses/", status_code=302)(scope, receive, send)
        elif scope["type"] == "http" and is_aws_path(scope):
            await self.gateway(scope, receive, send)
        elif scope["type"] == "http" and (refusal := self._refusal(scope)) is not None:
            await JSONResponse({"message": refusal}, 403)(scope, receive, send)
        elif scope["type"] == "http" and (bad := unstorable_in_url(scope)) is not None:
            await JSONResponse({"message": bad}, 400)(scope, receive, send)
        elif (
            scope["type"] == "http"
            and self.access is not None
            and (refused := gate(self.access, Request(scope))) is not None
        ):
            await refused(scope, receive, send)
        elif scope["type"] == "http":
            # issue 18: openses' own endpoints take small bodies only, read whole before
            # Starlette sees them, so that none of them buffers an unbounded one.
            try:
                body = await read_body(scope, receive, OWN_BODY_LIMIT, self.body_timeout)
            except ClientGone:
                return
            except ProtocolError as refused:
                response = JSONResponse({"message": refused.message}, refused.status)
                response.headers["connection"] = "close"
                await response(scope, receive, send)
                return
            await self.web(scope, _replay(body, receive), send)
        else:
            await self.web(scope, receive, send)

    def _refusal(self, scope: Scope) -> str | None:
        """The browser and network guard (api/guard.py) for openses' own endpoints."""
        if self.guard is None:
            return None
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        return self.guard.web_refusal(scope["method"], scope["path"], headers)


# The largest body openses' own endpoints read (an unsubscribe form is a few bytes).
OWN_BODY_LIMIT = 1024 * 1024


def _replay(body: bytes, receive: Receive) -> Receive:
    """``receive`` whose body was already read: the body once, then the connection's own
    messages (a disconnect)."""
    pending = [{"type": "http.request", "body": body, "more_body": False}]

    async def replayed() -> MutableMapping[str, Any]:
        return pending.pop() if pending else await receive()

    return replayed


def is_browser_visit(scope: Scope) -> bool:
    """A browser opening ``/`` (not an SDK's v1 GET, which names an Action): the dashboard."""
    if scope["path"] != "/" or scope["method"] != "GET" or b"Action=" in scope["query_string"]:
        return False
    accept = dict(scope["headers"]).get(b"accept", b"")
    return b"text/html" in accept


def unstorable_in_url(scope: Scope) -> str | None:
    """What is wrong with a path or query string that holds a character no store keeps (NUL
    on PostgreSQL), for every endpoint of openses' own at once; ``None`` when nothing is."""
    path: str = scope["path"]
    if (bad := json_text.unstorable_character(path)) is not None:
        return f"The path holds {bad}, which is not allowed."
    query = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
    for name, value in query:
        if (bad := json_text.unstorable_character(name + value)) is not None:
            return f"The query parameter {name!r} holds {bad}, which is not allowed."
    return None
