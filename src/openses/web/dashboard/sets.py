"""Configuration sets: the searchable list, one set's page, pausing and resuming its sending."""

from __future__ import annotations

import dataclasses
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from openses.domain.errors import OpensesError
from openses.services import configuration_sets
from openses.store import dashboard as queries
from openses.store import message_search
from openses.store.database import reading
from openses.store.unit_of_work import UnitOfWork
from openses.web.dashboard.pages import Pages


def _options(value: Any) -> dict[str, Any] | None:
    return None if value is None else dataclasses.asdict(value)


def _set_names(uow: UnitOfWork) -> list[str]:
    return configuration_sets.list_page(uow, next_token=None, page_size=10_000).items


class ConfigurationSets(Pages):
    async def sets(self, request: Request) -> Response:
        view = self.access.view(request)
        search = request.query_params.get("q", "").strip()
        every = await self._in_picked(view, _set_names) or []
        names = [name for name in every if search.lower() in name.lower()]
        template = "sets_rows.html" if request.headers.get("hx-request") else "sets.html"
        return self.renderer.page(request, template, view, names=names, search=search)

    async def configuration_set(self, request: Request) -> Response:
        view = self.access.view(request)
        name = request.path_params["name"]
        account_id, region = self._one(view)
        try:
            found = await run_in_threadpool(configuration_sets.get, self._uow(view), name)
        except OpensesError as error:
            return self.renderer.page(
                request, "missing.html", view, status_code=404, what=error.message
            )

        def recent() -> tuple[Any, Any, Any]:
            with reading(self.engine) as connection:
                return (
                    message_search.list_messages(
                        connection,
                        configuration_set=name,
                        account_id=account_id,
                        region=region,
                        limit=20,
                    ),
                    queries.recent_events(
                        connection,
                        queries.Scope(account_id, region),
                        configuration_set=name,
                        limit=20,
                    ),
                    queries.destination_status(connection, account_id, region, name),
                )

        messages, events, status = await run_in_threadpool(recent)
        blocks = {
            "Sending": {"SendingEnabled": found.sending_enabled},
            "Delivery": _options(found.delivery_options),
            "Tracking": _options(found.tracking_options),
            "Reputation": _options(found.reputation_options),
            "Suppression": _options(found.suppression_options),
            "VDM": _options(found.vdm_options),
            "Archiving": _options(found.archiving_options),
        }
        destinations = [
            {
                "name": destination.name,
                "enabled": destination.enabled,
                "types": [str(kind) for kind in destination.matching_event_types],
                "kind": type(destination.target).__name__,
                "target": dataclasses.asdict(destination.target),
                "status": status.get(destination.name, {}),
            }
            for destination in found.event_destinations
        ]
        return self.renderer.page(
            request,
            "set.html",
            view,
            configuration_set=found,
            blocks=blocks,
            destinations=destinations,
            messages=messages,
            events=events,
        )

    async def set_sending(self, request: Request) -> Response:
        """Pause or resume: PutConfigurationSetSendingOptions's service call."""
        name = request.path_params["name"]

        def change(fields: dict[str, str], uow: UnitOfWork) -> str:
            enabled = fields.get("enabled") == "true"
            now = self.clock()
            configuration_sets.update(uow, name, lambda cs: cs.set_sending_enabled(enabled, now))
            return f"/_openses/sets/{name}"

        return await self._form_change(request, change, status=404)
