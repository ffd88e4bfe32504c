"""Dead letters, for the operator: ``GET /_openses/dead-letters`` lists the publications the
dispatcher gave up on; ``POST /_openses/dead-letters/{id}/retry`` and
``POST /_openses/dead-letters/retry`` (all) put them back in the queue with fresh attempts."""

from __future__ import annotations

import datetime
from typing import Any

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from openses.events.records import timestamp
from openses.store import deliveries
from openses.store.deliveries import Delivery
from openses.web.messages import fits_row_id


class DeadLetters:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    async def index(self, _request: Request) -> Response:
        rows = await run_in_threadpool(deliveries.list_dead, self._engine)
        return JSONResponse([as_json(row) for row in rows])

    async def retry_one(self, request: Request) -> Response:
        try:
            delivery_id = int(request.path_params["id"])
        except ValueError:
            return JSONResponse({"message": "the id must be an integer"}, 400)
        if not fits_row_id(delivery_id):
            return JSONResponse({"message": "the id must be a 32-bit integer"}, 400)
        count = await run_in_threadpool(deliveries.retry_dead, self._engine, _now(), [delivery_id])
        if not count:
            return JSONResponse({"message": f"No dead letter with id {delivery_id}"}, 404)
        return JSONResponse({"retried": count})

    async def retry_all(self, _request: Request) -> Response:
        count = await run_in_threadpool(deliveries.retry_dead, self._engine, _now())
        return JSONResponse({"retried": count})


def as_json(row: Delivery) -> dict[str, Any]:
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
        "createdAt": timestamp(row.created_at),
        "payload": row.payload,
    }


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)
