"""The dashboard's routes, built from the collaborators app.py hands over."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable

from sqlalchemy import Engine
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from openses.config import Settings
from openses.store.sources import EngineSource
from openses.tracking.keys import Keyring
from openses.web.access import Access
from openses.web.dashboard import preview
from openses.web.dashboard.pages import Pages
from openses.web.dashboard.rendering import STATIC, Renderer
from openses.web.dashboard.sessions import Sessions
from openses.web.dashboard.stream import Streams


def routes(
    settings: Settings,
    engine: Engine,
    reads: EngineSource,
    writes: EngineSource,
    access: Access,
    keyring: Keyring,
    clock: Callable[[], datetime.datetime],
) -> list[BaseRoute]:
    renderer = Renderer(access)
    # With the admin token set, preview links stay valid across restarts and instances.
    secret = (
        hashlib.sha256(b"openses preview " + settings.admin_token.encode()).digest()
        if settings.admin_token
        else None
    )
    previews = preview.Previews(engine, secret)
    pages = Pages(settings, engine, reads, writes, access, renderer, keyring, previews, clock)
    sessions = Sessions(access, renderer)
    streams = Streams(engine, access, renderer, pages.inbox_filters)
    return [
        Route("/_openses/", pages.overview, methods=["GET"]),
        Route("/_openses/overview/account", pages.account_card, methods=["GET"]),
        Route("/_openses/login", sessions.login_page, methods=["GET"]),
        Route("/_openses/login", sessions.login, methods=["POST"]),
        Route("/_openses/logout", sessions.logout, methods=["POST"]),
        Route("/_openses/view", sessions.pick, methods=["POST"]),
        Route("/_openses/sets", pages.sets, methods=["GET"]),
        Route("/_openses/sets/{name}", pages.configuration_set, methods=["GET"]),
        Route("/_openses/sets/{name}/sending", pages.set_sending, methods=["POST"]),
        Route("/_openses/inbox", pages.inbox, methods=["GET"]),
        Route("/_openses/inbox/{message_id}", pages.message, methods=["GET"]),
        Route(
            "/_openses/inbox/{message_id}/attachments/{index:int}",
            pages.attachment,
            methods=["GET"],
        ),
        Route("/_openses/live", pages.live, methods=["GET"]),
        Route("/_openses/stream/events", streams.events, methods=["GET"]),
        Route("/_openses/stream/messages", streams.messages, methods=["GET"]),
        Route("/_openses/dead", pages.dead_letters, methods=["GET"]),
        Route("/_openses/dead/retry", pages.retry_dead, methods=["POST"]),
        Route("/_openses/suppression", pages.suppression, methods=["GET"]),
        Route("/_openses/suppression", pages.suppression_change, methods=["POST"]),
        Route("/_openses/identities", pages.identities, methods=["GET"]),
        Route("/_openses/identities/{name}/change", pages.identity_change, methods=["POST"]),
        Route("/_openses/templates", pages.templates, methods=["GET"]),
        Route("/_openses/templates/{name}", pages.template, methods=["GET"]),
        Route("/_openses/templates/{name}/delete", pages.template_delete, methods=["POST"]),
        Mount("/_openses/static", StaticFiles(directory=STATIC), name="dashboard-static"),
        Route(preview.PATH + "{token}", previews.serve, methods=["GET"]),
    ]
