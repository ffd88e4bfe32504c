"""The overview (event counts over time, backlog, the account card) and the live events page."""

from __future__ import annotations

import datetime
import json
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from openses.domain.event_destination import RECORD_EVENT_TYPES
from openses.domain.reputation import ReputationState
from openses.services import account, reputation
from openses.store import dashboard as queries
from openses.store.database import reading
from openses.store.unit_of_work import UnitOfWork
from openses.web.access import View
from openses.web.dashboard.pages import Pages

# AWS's thresholds: PROBATION from the first, sending paused (SHUTDOWN) from the second
# (docs/aws-behaviour.md, "Reputation and statistics")
THRESHOLDS = {"bounce": ("5%", "10%"), "complaint": ("0.1%", "0.5%")}
CHART_TYPES = ("Send", "Delivery", "Bounce", "Complaint", "Open", "Click")


def _edges(now: datetime.datetime, step: datetime.timedelta, count: int) -> list[datetime.datetime]:
    return [now - step * (count - index) for index in range(count + 1)]


def _account_reputation(uow: UnitOfWork) -> ReputationState | None:
    """The account's state as the reputation job last assessed it (issue 17)."""
    found = reputation.states(uow)
    return next((state for state in found if state.configuration_set is None), None)


class Overview(Pages):
    # -- overview --------------------------------------------------------------------------

    async def overview(self, request: Request) -> Response:
        view = self.access.view(request)
        now = self.clock()
        found = await run_in_threadpool(self._overview, view, now)
        found["reputation"] = await self._in_picked(view, _account_reputation)
        return self.renderer.page(request, "overview.html", view, **found)

    def _overview(self, view: View, now: datetime.datetime) -> dict[str, Any]:
        hour = _edges(now, datetime.timedelta(minutes=5), 12)
        day = _edges(now, datetime.timedelta(hours=1), 24)
        with reading(self.engine) as connection:
            hourly = queries.event_series(connection, view.scope, hour)
            daily = queries.event_series(connection, view.scope, day)
            backlog = queries.backlog(connection, view.scope)
        chart = {
            "hour": {"x": [int(edge.timestamp()) for edge in hour[1:]], "series": hourly},
            "day": {"x": [int(edge.timestamp()) for edge in day[1:]], "series": daily},
            "types": list(CHART_TYPES),
        }
        totals = {name: sum(daily.get(name, [])) for name in CHART_TYPES}
        totals_hour = {name: sum(hourly.get(name, [])) for name in CHART_TYPES}
        return {
            # inside <script type="application/json">: no "<" may close the element
            "chart": json.dumps(chart).replace("<", "\\u003c"),
            "totals": totals,
            "totals_hour": totals_hour,
            "backlog": backlog,
            "thresholds": THRESHOLDS,
        }

    async def account_card(self, request: Request) -> Response:
        """The overview's account card, loaded after the page: the quota's count of the last
        24 hours' recipients (GetSendQuota's) reads every message of that day."""
        view = self.access.view(request)
        now = self.clock()
        card = await self._in_picked(view, lambda uow: account.overview(uow, now))
        status, quota = card or (None, None)
        return self.renderer.page(request, "account_card.html", view, status=status, quota=quota)

    # -- live events -----------------------------------------------------------------------

    async def live(self, request: Request) -> Response:
        view = self.access.view(request)
        return self.renderer.page(
            request,
            "live.html",
            view,
            set_name=request.query_params.get("set", ""),
            event_type=request.query_params.get("type", ""),
            types=list(RECORD_EVENT_TYPES),
        )
