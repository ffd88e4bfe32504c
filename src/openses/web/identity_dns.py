"""openses' identity DNS endpoints (issue 15), outside the AWS APIs:

- ``GET /_openses/identities/{name}/dns``: the DNS records to publish for the identity's DKIM
  keys and custom MAIL FROM domain (services/identity_checks.records_to_publish says which).
- ``POST /_openses/identities/{name}/verify`` (web/admin.py) runs the DNS check as well.

The account and region come from the SigV4 ``Authorization`` header, as in the API.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from openses.domain.errors import IdentityNotFound
from openses.services import identity_checks, return_path
from openses.web.access import AccountEndpoints


class IdentityDnsEndpoints(AccountEndpoints):
    async def records(self, request: Request) -> Response:
        name = request.path_params["name"]
        uow = self._reading(request)
        try:
            found = await run_in_threadpool(
                identity_checks.records_to_publish,
                uow,
                name,
                dkim_domain=self.settings.dkim_domain,
                return_domain=return_path.default_domain(
                    self.settings.return_path_domain, uow.region
                ),
            )
        except IdentityNotFound as exc:
            return JSONResponse({"message": exc.message}, status_code=404)
        return JSONResponse(
            {
                "identity": name,
                "records": [
                    {
                        "name": record.name,
                        "type": record.type,
                        "value": record.value,
                        "purpose": record.purpose,
                        "publishedBy": record.published_by,
                    }
                    for record in found
                ],
            }
        )
