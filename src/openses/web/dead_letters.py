"""Dead letters, for the operator: ``GET /_openses/dead-letters`` lists the publications the
dispatcher gave up on; ``POST /_openses/dead-letters/{id}/retry`` and
``POST /_openses/dead-letters/retry`` (all) put them back in the queue with fresh attempts.
Each sees and retries only the dead letters of the request's account and region (issue 18),
or every account's for the operator (web/access.py)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from openses.domain.clock import utc_now
from openses.events.dead_letters import as_json
from openses.store import publications
from openses.web.access import Access
from openses.web.messages import fits_row_id

FORGED = {"message": "The request lacks the CSRF token."}


@dataclass(eq=False)
class DeadLetters:
    engine: Engine
    access: Access

    async def index(self, request: Request) -> Response:
        scope = self.access.view(request).scope
        rows = await run_in_threadpool(
            lambda: publications.list_dead(
                self.engine, account_id=scope.account_id, region=scope.region
            )
        )
        return JSONResponse([as_json(row) for row in rows])

    async def retry_one(self, request: Request) -> Response:
        if not self.access.csrf_ok(request, None):
            return JSONResponse(FORGED, 403)
        scope = self.access.view(request).scope
        try:
            publication_id = int(request.path_params["id"])
        except ValueError:
            return JSONResponse({"message": "the id must be an integer"}, 400)
        if not fits_row_id(publication_id):
            return JSONResponse({"message": "the id must be a 32-bit integer"}, 400)
        count = await run_in_threadpool(
            lambda: publications.retry_dead(
                self.engine,
                utc_now(),
                [publication_id],
                account_id=scope.account_id,
                region=scope.region,
            )
        )
        if not count:
            return JSONResponse({"message": f"No dead letter with id {publication_id}"}, 404)
        return JSONResponse({"retried": count})

    async def retry_all(self, request: Request) -> Response:
        if not self.access.csrf_ok(request, None):
            return JSONResponse(FORGED, 403)
        scope = self.access.view(request).scope
        count = await run_in_threadpool(
            lambda: publications.retry_dead(
                self.engine, utc_now(), account_id=scope.account_id, region=scope.region
            )
        )
        return JSONResponse({"retried": count})
