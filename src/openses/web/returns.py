"""Returns (issue 16) over openses' own endpoints, read-only: ``GET /_openses/returns`` lists
the bounces and complaints mailed back to openses, newest first, scoped as
``/_openses/messages`` is (web/access.py): a caller sees its own account and region's; the
operator (the admin token) every account's, or the ``account``/``region`` picked, and the
returns that matched no message (``unmatched=true`` keeps only those).
``GET /_openses/returns/{id}/raw`` is a return as received."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from openses.protocol.timestamps import iso8601
from openses.store import returns
from openses.store.database import reading
from openses.web.access import Access
from openses.web.messages import fits_row_id, page_response, page_window

_YES_NO = {"true": True, "false": False}


@dataclass(eq=False)
class ReturnsEndpoints:
    engine: Engine
    access: Access

    async def index(self, request: Request) -> Response:
        params = request.query_params
        window = page_window(params)
        if isinstance(window, Response):
            return window
        unmatched = _YES_NO.get(params.get("unmatched", "false").lower())
        if unmatched is None:
            return JSONResponse({"message": "unmatched must be true or false"}, 400)
        return await page_response(
            self.engine,
            self.access.view(request).scope,
            window,
            "returns",
            returns.list_returns,
            summary,
            unmatched=unmatched,
            message_id=params.get("messageId"),
        )

    async def raw(self, request: Request) -> Response:
        text = request.path_params["id"]
        found = None
        scope = self.access.view(request).scope
        if text.isdigit() and fits_row_id(int(text)):
            found = await run_in_threadpool(self._raw, int(text), scope.account_id, scope.region)
        if found is None:
            return JSONResponse({"message": f"No return with id {text}"}, 404)
        return Response(found, media_type="message/rfc822")

    def _raw(self, return_id: int, account_id: str | None, region: str | None) -> bytes | None:
        with reading(self.engine) as connection:
            return returns.raw_of(connection, return_id, account_id=account_id, region=region)


def summary(row: returns.ReturnRow) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "receivedAt": iso8601(row.received_at),
        "kind": row.kind,
        "outcome": row.outcome,
        "messageId": row.message_id,
        "account": row.account_id,
        "region": row.region,
        "mailFrom": row.mail_from,
        "recipients": row.recipients,
        "peerIp": row.peer_ip,
        "feedbackIds": row.feedback_ids,
    }
