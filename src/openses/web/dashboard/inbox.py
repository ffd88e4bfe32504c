"""The inbox (filters, pages, the live stream's filters) and one message's page and attachments."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from openses.mail import inspection
from openses.store import message_search
from openses.store.database import reading
from openses.tracking import tokens
from openses.tracking.links import CLICK_PATH
from openses.web.dashboard import preview
from openses.web.dashboard.pages import Pages
from openses.web.messages import fits_row_id

PAGE_SIZE = 50
RAW_SHOWN = 256 * 1024


def _date(text: str | None) -> datetime.datetime | None:
    if not text:
        return None
    try:
        return datetime.datetime.fromisoformat(text).replace(tzinfo=datetime.UTC)
    except ValueError:
        return None


class Inbox(Pages):
    def inbox_filters(self, request: Request) -> dict[str, Any]:
        params = request.query_params
        until = _date(params.get("until"))
        return {
            "to": params.get("to") or None,
            "from_address": params.get("from") or None,
            "configuration_set": params.get("set") or None,
            "tag": params.get("tag") or None,
            "subject": params.get("q") or None,
            "since": _date(params.get("since")),
            "until": until + datetime.timedelta(days=1) if until else None,
        }

    async def inbox(self, request: Request) -> Response:
        view = self.access.view(request)
        filters = self.inbox_filters(request)
        cursor = request.query_params.get("cursor", "")
        before = int(cursor) if cursor.isdigit() and fits_row_id(int(cursor)) else None

        def query() -> list[message_search.MessageRow]:
            with reading(self.engine) as connection:
                return message_search.list_messages(
                    connection,
                    account_id=view.scope.account_id,
                    region=view.scope.region,
                    before=before,
                    limit=PAGE_SIZE,
                    **filters,
                )

        rows = await run_in_threadpool(query)
        kept = {
            key: value
            for key, value in request.query_params.items()
            if key in {"to", "from", "set", "tag", "q", "since", "until"} and value
        }
        newest = rows[0].id if rows and before is None else None
        return self.renderer.page(
            request,
            "inbox_rows.html" if request.headers.get("hx-request") else "inbox.html",
            view,
            rows=rows,
            params=kept,
            stream=(
                "/_openses/stream/messages?" + urlencode({**kept, "after": newest or 0})
                if before is None
                else None
            ),
            next_cursor=rows[-1].id if len(rows) == PAGE_SIZE else None,
            query=urlencode(kept),
        )

    async def message(self, request: Request) -> Response:
        view = self.access.view(request)
        message_id = request.path_params["message_id"]

        def load() -> tuple[Any, list[dict[str, Any]]] | None:
            with reading(self.engine) as connection:
                row = message_search.get_message(
                    connection, message_id, view.scope.account_id, view.scope.region
                )
                if row is None:
                    return None
                return row, message_search.message_events(connection, message_id)

        found = await run_in_threadpool(load)
        if found is None:
            return self.renderer.page(
                request, "missing.html", view, status_code=404, what=f"No message {message_id}"
            )
        row, events = found
        parts = inspection.read(row.raw) if row.raw is not None else inspection.Parts()
        raw_text = (row.raw or b"")[:RAW_SHOWN].decode("utf-8", "replace")
        return self.renderer.page(
            request,
            "message.html",
            view,
            row=row,
            parts=parts,
            events=events,
            links=self._links(parts.html or ""),
            preview_url=self.previews.url(message_id) if parts.html else None,
            raw=raw_text,
            raw_cut=row.raw is not None and len(row.raw) > RAW_SHOWN,
        )

    def _links(self, html: str) -> list[tuple[str, str | None]]:
        """Each tracked link of the message with the address it leads to."""
        found = []
        for href in preview.hrefs(html):
            target = None
            if CLICK_PATH in href:
                token = href.split(CLICK_PATH, 1)[1].split("?", 1)[0]
                try:
                    target = tokens.verify(token, self.keyring.lookup).link
                except tokens.InvalidToken:  # UnknownKey is one too
                    target = None
            found.append((href, target))
        return found

    async def attachment(self, request: Request) -> Response:
        view = self.access.view(request)
        message_id = request.path_params["message_id"]
        index = request.path_params["index"]

        def load() -> Any:
            with reading(self.engine) as connection:
                return message_search.get_message(
                    connection, message_id, view.scope.account_id, view.scope.region
                )

        row = await run_in_threadpool(load)
        found = inspection.attachment(row.raw, index) if row is not None and row.raw else None
        if found is None:
            return JSONResponse({"message": f"No attachment {index} in {message_id}"}, 404)
        name, _type, data = found
        return Response(
            data,
            media_type="application/octet-stream",
            headers={
                "Content-Disposition": preview.attachment_disposition(name or f"part-{index}"),
                "X-Content-Type-Options": "nosniff",
                "Content-Security-Policy": "default-src 'none'; sandbox",
            },
        )
