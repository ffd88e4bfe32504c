"""Dead letters, for the operator: ``GET /_openses/dead-letters`` lists the publications the
dispatcher gave up on; ``POST /_openses/dead-letters/{id}/retry`` and
``POST /_openses/dead-letters/retry`` (all) put them back in the queue with fresh attempts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from openses.domain.clock import utc_now
from openses.protocol.timestamps import iso8601
from openses.store import publications
from openses.store.publications import Publication


class DeadLetters:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    async def index(self, _request: Request) -> Response:
        rows = await run_in_threadpool(publications.list_dead, self._engine)
        return JSONResponse([as_json(row) for row in rows])

    async def retry_one(self, request: Request) -> Response:
        try:
            publication_id = int(request.path_params["id"])
        except ValueError:
            return JSONResponse({"message": "the id must be an integer"}, 400)
        count = await run_in_threadpool(
            publications.retry_dead, self._engine, utc_now(), [publication_id]
        )
        if not count:
            return JSONResponse({"message": f"No dead letter with id {publication_id}"}, 404)
        return JSONResponse({"retried": count})

    async def retry_all(self, _request: Request) -> Response:
        count = await run_in_threadpool(publications.retry_dead, self._engine, utc_now())
        return JSONResponse({"retried": count})


def as_json(row: Publication) -> dict[str, Any]:
    return {
        "id": row.id,
        "accountId": row.account_id,
        "region": row.region,
        "kind": row.kind,
        "target": row.target,
        "configurationSet": row.configuration_set,
        "destinationName": row.destination_name,
        "messageId": row.message_id,
        "attempts": row.attempts,
        "lastError": row.last_error,
        "createdAt": iso8601(row.created_at),
        "payload": row.payload,
    }
