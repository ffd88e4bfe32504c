"""``GET /_openses/reputation`` (issue 17): the caller's account and region's reputation and
each of its configuration sets', as the reputation job (events/reputation.py) last assessed
them: volumes in the window, rates (null until the window holds the minimum volume), status,
and whether reputation enforcement paused the sending. The account and region come from the
SigV4 ``Authorization`` header, as in the API."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from openses.config import Settings
from openses.domain.reputation import EnforcementStatus, ReputationState
from openses.protocol.auth import caller_from_headers
from openses.protocol.timestamps import iso8601
from openses.services import reputation
from openses.store.sources import ConnectionSource
from openses.store.unit_of_work import UnitOfWork


class ReputationEndpoint:
    def __init__(self, settings: Settings, reads: ConnectionSource) -> None:
        self._settings = settings
        self._reads = reads

    async def report(self, request: Request) -> Response:
        caller = caller_from_headers(
            request.headers.get("authorization"),
            self._settings.access_keys,
            self._settings.default_account_id,
        )
        uow = UnitOfWork(self._reads, caller.account_id, caller.region)
        states = await run_in_threadpool(reputation.states, uow)
        account = next((s for s in states if s.configuration_set is None), None)
        policy = self._settings.reputation
        return JSONResponse(
            {
                "accountId": caller.account_id,
                "region": caller.region,
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
