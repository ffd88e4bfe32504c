"""The inspection API over captured mail: ``/_openses/messages``. Read-only, and scoped: a
request sees the mail of the account and region web/access.py gives it (issue 18)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, Row
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from openses.mail import inspection
from openses.protocol.timestamps import iso8601
from openses.store import message_search
from openses.store.dashboard import Scope
from openses.store.database import reading
from openses.web.access import Access

MAX_LIMIT = 500


def fits_row_id(number: int) -> bool:
    """Row ids are INTEGER columns: signed 32-bit on PostgreSQL (64-bit on SQLite, which never
    gets that far), so anything wider is no id at all."""
    return -(2**31) <= number < 2**31


def page_window(params: QueryParams) -> tuple[int, int | None] | Response:
    """The ``limit`` and ``cursor`` query parameters of a newest-first listing of rows (the
    cursor is the id listings continue below), or the 400 that refuses them."""
    try:
        limit = int(params.get("limit", "50"))
        before = int(params["cursor"]) if params.get("cursor") else None
    except ValueError:
        return JSONResponse({"message": "limit and cursor must be integers"}, 400)
    if not 1 <= limit <= MAX_LIMIT:
        return JSONResponse({"message": f"limit must be between 1 and {MAX_LIMIT}"}, 400)
    if before is not None and not fits_row_id(before):
        return JSONResponse({"message": "cursor must be a 32-bit integer"}, 400)
    return limit, before


async def page_response(
    engine: Engine,
    scope: Scope,
    window: tuple[int, int | None],
    key: str,
    query: Callable[..., Sequence[Row[Any]]],
    summary: Callable[[Row[Any]], dict[str, Any]],
    **filters: Any,
) -> JSONResponse:
    """A page of a scoped newest-first listing: the rows ``query`` reads (off the event loop)
    with ``filters``, the scope's account and region and the ``window`` (``page_window``'s limit
    and cursor), each one's ``summary`` under ``key``, and ``nextCursor``, the last row's id,
    when the page is full."""
    limit, before = window
    filters.update(account_id=scope.account_id, region=scope.region, before=before)

    def read() -> Sequence[Row[Any]]:
        with reading(engine) as connection:
            return query(connection, limit=limit, **filters)

    rows = await run_in_threadpool(read)
    body: dict[str, Any] = {key: [summary(row) for row in rows]}
    if len(rows) == limit:
        body["nextCursor"] = str(rows[-1].id)
    return JSONResponse(body)


# The raw MIME is the sender's bytes: never sniffed into HTML, never running script.
RAW_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cache-Control": "no-store",
}


@dataclass(eq=False)
class MessagesEndpoints:
    engine: Engine
    access: Access

    async def index(self, request: Request) -> Response:
        params = request.query_params
        window = page_window(params)
        if isinstance(window, Response):
            return window
        return await page_response(
            self.engine,
            self.access.view(request).scope,
            window,
            "messages",
            message_search.list_messages,
            summary,
            to=params.get("to"),
            from_address=params.get("from"),
            configuration_set=params.get("configurationSet"),
        )

    async def get(self, request: Request) -> Response:
        scope = self.access.view(request).scope
        found = await run_in_threadpool(self._get, request.path_params["message_id"], scope)
        if found is None:
            return _not_found(request.path_params["message_id"])
        row, events = found
        return JSONResponse(detail(row, events))

    def _get(
        self, message_id: str, scope: Scope
    ) -> tuple[message_search.MessageRow, list[dict[str, Any]]] | None:
        with reading(self.engine) as connection:
            row = message_search.get_message(connection, message_id, scope.account_id, scope.region)
            if row is None:
                return None
            return row, message_search.message_events(connection, message_id)

    async def raw(self, request: Request) -> Response:
        """As a download (``attachment``), unless ``?inline=true`` asks to show it as text."""
        message_id = request.path_params["message_id"]
        scope = self.access.view(request).scope
        found = await run_in_threadpool(self._get, message_id, scope)
        if found is None or found[0].raw is None:
            return _not_found(message_id)
        if request.query_params.get("inline") == "true":
            return Response(
                found[0].raw,
                media_type="text/plain; charset=utf-8",
                headers={**RAW_HEADERS, "Content-Disposition": "inline"},
            )
        return Response(
            found[0].raw,
            media_type="message/rfc822",
            headers={**RAW_HEADERS, "Content-Disposition": 'attachment; filename="message.eml"'},
        )


def _not_found(message_id: str) -> Response:
    return JSONResponse({"message": f"No delivered message with id {message_id}"}, 404)


def summary(row: message_search.MessageRow) -> dict[str, Any]:
    return {
        "messageId": row.message_id,
        "timestamp": iso8601(row.created_at),
        "from": row.source,
        "destination": row.destination,
        "subject": row.subject,
        "configurationSet": row.configuration_set,
        "status": row.status,
    }


def detail(row: message_search.MessageRow, events: list[dict[str, Any]]) -> dict[str, Any]:
    parts = inspection.read(row.raw) if row.raw is not None else inspection.Parts()
    return {
        **summary(row),
        "headers": [{"name": name, "value": value} for name, value in parts.headers],
        "text": parts.text,
        "html": parts.html,
        "attachments": [dataclasses.asdict(a) for a in parts.attachments],
        "tags": row.tags,
        "events": events,
    }
