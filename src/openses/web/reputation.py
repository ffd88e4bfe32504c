"""``GET /_openses/reputation`` (issue 17): the caller's account and region's reputation and
each of its configuration sets', as the reputation job (events/reputation.py) last assessed
them: volumes in the window, rates (null until the window holds the minimum volume), status,
and whether reputation enforcement paused the sending. The account and region are the request's
view (web/access.py): the signing key's, or the operator's pick."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from openses.domain.reputation import EnforcementStatus, ReputationState
from openses.protocol.timestamps import iso8601
from openses.services import reputation
from openses.web.access import AccountEndpoints


class ReputationEndpoint(AccountEndpoints):
    async def report(self, request: Request) -> Response:
        uow = self._reading(request)
        account_id, region = uow.account_id, uow.region
        states = await run_in_threadpool(reputation.states, uow)
        account = next((s for s in states if s.configuration_set is None), None)
        policy = self.settings.reputation
        return JSONResponse(
            {
                "accountId": account_id,
                "region": region,
                "enforcement": policy.enforcement,
                "windowHours": policy.window_hours,
                "minVolume": policy.min_volume,
                "account": _state(account),
                "configurationSets": {
                    s.configuration_set: _state(s)
                    for s in states
                    if s.configuration_set is not None
                },
            }
        )


def _state(state: ReputationState | None) -> dict[str, Any]:
    if state is None:
        return {
            "sends": 0,
            "bounces": 0,
            "complaints": 0,
            "bounceRate": None,
            "complaintRate": None,
            "status": EnforcementStatus.HEALTHY,
            "sendingPaused": False,
            "pausedAt": None,
            "evaluatedAt": None,
        }
    found = state.reputation
    return {
        "sends": found.volumes.sends,
        "bounces": found.volumes.bounces,
        "complaints": found.volumes.complaints,
        "bounceRate": found.bounce_rate,
        "complaintRate": found.complaint_rate,
        "status": found.status,
        "sendingPaused": state.sending_paused,
        "pausedAt": iso8601(state.paused_at) if state.paused_at else None,
        "evaluatedAt": iso8601(state.evaluated_at),
    }
