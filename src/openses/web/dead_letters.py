"""Dead letters, for the operator: ``GET /_openses/dead-letters`` lists the publications the
dispatcher gave up on; ``POST /_openses/dead-letters/{id}/retry`` and
``POST /_openses/dead-letters/retry`` (all) put them back in the queue with fresh attempts."""

from __future__ import annotations

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from openses.domain.clock import utc_now
from openses.events.dead_letters import as_json
from openses.store import publications
from openses.web.messages import fits_row_id


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
        if not fits_row_id(publication_id):
            return JSONResponse({"message": "the id must be a 32-bit integer"}, 400)
        count = await run_in_threadpool(
            publications.retry_dead, self._engine, utc_now(), [publication_id]
        )
        if not count:
            return JSONResponse({"message": f"No dead letter with id {publication_id}"}, 404)
        return JSONResponse({"retried": count})

    async def retry_all(self, _request: Request) -> Response:
        count = await run_in_threadpool(publications.retry_dead, self._engine, utc_now())
        return JSONResponse({"retried": count})
