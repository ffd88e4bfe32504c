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
from openses.web.dashboard.inbox import Inbox
from openses.web.dashboard.overview import Overview
from openses.web.dashboard.rendering import STATIC, Renderer
from openses.web.dashboard.resources import Resources
from openses.web.dashboard.sessions import Sessions
from openses.web.dashboard.sets import ConfigurationSets
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
    shared = (settings, engine, reads, writes, access, renderer, keyring, previews, clock)
    overview, sets = Overview(*shared), ConfigurationSets(*shared)
    inbox, resources = Inbox(*shared), Resources(*shared)
    sessions = Sessions(access, renderer)
    streams = Streams(engine, access, renderer, inbox.inbox_filters)
    return [
        Route("/_openses/", overview.overview, methods=["GET"]),
        Route("/_openses/overview/account", overview.account_card, methods=["GET"]),
        Route("/_openses/login", sessions.login_page, methods=["GET"]),
        Route("/_openses/login", sessions.login, methods=["POST"]),
        Route("/_openses/logout", sessions.logout, methods=["POST"]),
        Route("/_openses/view", sessions.pick, methods=["POST"]),
        Route("/_openses/sets", sets.sets, methods=["GET"]),
        Route("/_openses/sets/{name}", sets.configuration_set, methods=["GET"]),
        Route("/_openses/sets/{name}/sending", sets.set_sending, methods=["POST"]),
        Route("/_openses/inbox", inbox.inbox, methods=["GET"]),
        Route("/_openses/inbox/{message_id}", inbox.message, methods=["GET"]),
        Route(
            "/_openses/inbox/{message_id}/attachments/{index:int}",
            inbox.attachment,
            methods=["GET"],
        ),
        Route("/_openses/live", overview.live, methods=["GET"]),
        Route("/_openses/stream/events", streams.events, methods=["GET"]),
        Route("/_openses/stream/messages", streams.messages, methods=["GET"]),
        Route("/_openses/dead", resources.dead_letters, methods=["GET"]),
        Route("/_openses/dead/retry", resources.retry_dead, methods=["POST"]),
        Route("/_openses/suppression", resources.suppression, methods=["GET"]),
        Route("/_openses/suppression", resources.suppression_change, methods=["POST"]),
        Route("/_openses/identities", resources.identities, methods=["GET"]),
        Route("/_openses/identities/{name}/change", resources.identity_change, methods=["POST"]),
        Route("/_openses/templates", resources.templates, methods=["GET"]),
        Route("/_openses/templates", resources.template_create, methods=["POST"]),
        Route("/_openses/templates/{name}", resources.template, methods=["GET"]),
        Route("/_openses/templates/{name}/delete", resources.template_delete, methods=["POST"]),
        Mount("/_openses/static", StaticFiles(directory=STATIC), name="dashboard-static"),
        Route(preview.PATH + "{token}", previews.serve, methods=["GET"]),
    ]
