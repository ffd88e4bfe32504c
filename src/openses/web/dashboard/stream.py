"""The dashboard's live streams, as Server-Sent Events: new events (``/_openses/stream/events``,
each one's JSON exactly as published) and new inbox rows (``/_openses/stream/messages``). Each
polls the store for rows newer than the last one sent, in the request's account and region;
a stream ends after a while and the browser reconnects (``retry``), resuming from
``Last-Event-ID``, so that no connection outlives a shutdown for long."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import KW_ONLY, dataclass
from typing import Any

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from openses.events.publishers import compact
from openses.store import dashboard as queries
from openses.store import message_search
from openses.store.database import reading
from openses.web.access import Access
from openses.web.dashboard.rendering import Renderer
from openses.web.messages import fits_row_id

POLL_SECONDS = 0.5
STREAM_SECONDS = 25.0
BATCH = 100
HEADERS = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}


def _start(request: Request) -> int | None:
    text = request.headers.get("last-event-id") or request.query_params.get("after", "")
    return int(text) if text.isdigit() and fits_row_id(int(text)) else None


def _frame(event: str, identifier: int, data: str) -> str:
    lines = "".join(f"data: {line}\n" for line in data.splitlines() or [""])
    return f"id: {identifier}\nevent: {event}\n{lines}\n"


@dataclass(eq=False)
class Streams:
    engine: Engine
    access: Access
    renderer: Renderer
    message_filters: Callable[[Request], dict[str, Any]]
    _: KW_ONLY
    poll_seconds: float = POLL_SECONDS

    async def events(self, request: Request) -> Response:
        scope = self.access.view(request).scope
        set_name = request.query_params.get("set") or None
        kinds = [kind for kind in request.query_params.getlist("type") if kind]
        start = _start(request)

        def newer(after: int | None) -> list[tuple[int, str]]:
            with reading(self.engine) as connection:
                if after is None:
                    return [(queries.last_event_id(connection), "")]
                rows = queries.recent_events(
                    connection,
                    scope,
                    after=after,
                    configuration_set=set_name,
                    event_types=kinds,
                    limit=BATCH,
                )
            frames = []
            for row in rows:
                published = compact(row.payload)  # as the publishers send it
                data = {
                    "id": row.id,
                    "eventType": row.event_type,
                    "configurationSet": row.configuration_set,
                    "messageId": row.message_id,
                    "accountId": row.account_id,
                    "region": row.region,
                    "json": published,
                }
                frames.append((row.id, _frame("ses", row.id, json.dumps(data))))
            return frames

        return self._stream(request, start, newer)

    async def messages(self, request: Request) -> Response:
        scope = self.access.view(request).scope
        filters = self.message_filters(request)
        start = _start(request)

        def newer(after: int | None) -> list[tuple[int, str]]:
            with reading(self.engine) as connection:
                rows = message_search.list_messages(
                    connection,
                    account_id=scope.account_id,
                    region=scope.region,
                    after=after or 0,
                    limit=BATCH,
                    **filters,
                )
            frames = []
            for row in rows:
                html = self.renderer.fragment("inbox_row.html", row=row).replace("\n", " ")
                frames.append((row.id, _frame("row", row.id, html)))
            return frames

        return self._stream(request, start, newer)

    def _stream(
        self,
        request: Request,
        start: int | None,
        newer: Callable[[int | None], list[tuple[int, str]]],
    ) -> Response:
        async def frames() -> AsyncIterator[str]:
            yield "retry: 1000\n\n"
            after = start
            deadline = time.monotonic() + STREAM_SECONDS
            while time.monotonic() < deadline and not await request.is_disconnected():
                found = await run_in_threadpool(newer, after)
                for identifier, frame in found:
                    after = identifier
                    if frame:
                        yield frame
                if not found or len(found) < BATCH:
                    await asyncio.sleep(self.poll_seconds)

        return StreamingResponse(frames(), media_type="text/event-stream", headers=HEADERS)
