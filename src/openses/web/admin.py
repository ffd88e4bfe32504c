"""openses' own operator endpoints under ``/_openses``, outside the AWS APIs.

``POST /_openses/identities/{name}/verify`` marks an identity verified, standing in for the
verification email link or DNS record when ``auto_verify_identities`` is off. Then it also
checks the identity's DKIM records and custom MAIL FROM domain in DNS (issue 15,
services/identity_checks.py). The account and region come from the SigV4 ``Authorization``
header by the same rules as the API, or, for the operator, the ``account`` and ``region``
query parameters (web/access.py).
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from openses.domain.errors import IdentityNotFound
from openses.mail.dns_records import DnsRecords
from openses.services import identities, identity_checks
from openses.store.sources import ConnectionSource
from openses.store.unit_of_work import UnitOfWork
from openses.web.access import AccountEndpoints


@dataclass(eq=False)
class Admin(AccountEndpoints):
    _: KW_ONLY
    writes: ConnectionSource
    dns_records: DnsRecords | None = None

    def _writing(self, request: Request) -> UnitOfWork:
        return self.access.unit_of_work(request, self.writes)

    async def verify_identity(self, request: Request) -> Response:
        name = request.path_params["name"]
        if not self.access.csrf_ok(request, None):
            return JSONResponse({"message": "The request lacks the CSRF token."}, 403)
        try:
            identity = await run_in_threadpool(
                identities.mark_verified, self._writing(request), name
            )
            body = {
                "identity": identity.name,
                "verificationStatus": str(identity.verification_status),
            }
            if self.dns_records is not None and not self.settings.auto_verify_identities:
                checked = await run_in_threadpool(
                    identity_checks.check,
                    self._reading(request),
                    self._writing(request),
                    name,
                    self.dns_records,
                )
                if checked.dkim_status is not None:
                    body["dkimStatus"] = str(checked.dkim_status)
                if checked.mail_from_status is not None:
                    body["mailFromDomainStatus"] = str(checked.mail_from_status)
        except IdentityNotFound as exc:
            return JSONResponse({"message": exc.message}, status_code=404)
        return JSONResponse(body)
