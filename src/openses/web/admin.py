"""openses' own operator endpoints under ``/_openses``, outside the AWS APIs.

``POST /_openses/identities/{name}/verify`` marks an identity verified, standing in for the
verification email link or DNS record when ``auto_verify_identities`` is off. The account and
region come from the SigV4 ``Authorization`` header by the same rules as the API.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from openses.config import Settings
from openses.domain.errors import IdentityNotFound
from openses.protocol.auth import caller_from_headers
from openses.services import identities
from openses.store.sources import ConnectionSource
from openses.store.unit_of_work import UnitOfWork


class Admin:
    def __init__(self, settings: Settings, writes: ConnectionSource) -> None:
        self._settings = settings
        self._writes = writes

    def _unit_of_work(self, request: Request) -> UnitOfWork:
        caller = caller_from_headers(
            request.headers.get("authorization"),
            self._settings.access_keys,
            self._settings.default_account_id,
        )
        return UnitOfWork(self._writes, caller.account_id, caller.region)

    async def verify_identity(self, request: Request) -> Response:
        name = request.path_params["name"]
        try:
            identity = await run_in_threadpool(
                identities.mark_verified, self._unit_of_work(request), name
            )
        except IdentityNotFound as exc:
            return JSONResponse({"message": exc.message}, status_code=404)
        return JSONResponse(
            {"identity": identity.name, "verificationStatus": str(identity.verification_status)}
        )
