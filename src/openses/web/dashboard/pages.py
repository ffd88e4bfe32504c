"""The dashboard's pages. Each reads through the services (configuration sets, identities,
templates, the account) or the store's read queries, in the account and region the request
may see (web/access.py); every form is a POST with the CSRF token."""

from __future__ import annotations

import dataclasses
import datetime
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from openses.config import Settings
from openses.domain.errors import OpensesError
from openses.domain.event_destination import RECORD_EVENT_TYPES
from openses.domain.options import SuppressionReason
from openses.mail import inspection
from openses.protocol.auth import DEFAULT_REGION
from openses.services import account, configuration_sets, identities, templates
from openses.store import dashboard as queries
from openses.store import message_search, publications
from openses.store.database import reading
from openses.store.sources import EngineSource
from openses.store.unit_of_work import UnitOfWork
from openses.tracking import tokens
from openses.tracking.keys import Keyring
from openses.tracking.links import CLICK_PATH
from openses.web.access import CSRF_FIELD, Access, View
from openses.web.dashboard import preview
from openses.web.dashboard.rendering import Renderer
from openses.web.dashboard.sessions import FORGED, form_fields
from openses.web.messages import fits_row_id

# AWS's review and probation thresholds (docs/aws-behaviour.md, reputation)
THRESHOLDS = {"bounce": ("5%", "10%"), "complaint": ("0.1%", "0.5%")}
CHART_TYPES = ("Send", "Delivery", "Bounce", "Complaint", "Open", "Click")
PAGE_SIZE = 50
RAW_SHOWN = 256 * 1024


def _date(text: str | None) -> datetime.datetime | None:
    if not text:
        return None
    try:
        return datetime.datetime.fromisoformat(text).replace(tzinfo=datetime.UTC)
    except ValueError:
        return None


def _edges(now: datetime.datetime, step: datetime.timedelta, count: int) -> list[datetime.datetime]:
    return [now - step * (count - index) for index in range(count + 1)]


def _options(value: Any) -> dict[str, Any] | None:
    return None if value is None else dataclasses.asdict(value)


class Pages:
    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        reads: EngineSource,
        writes: EngineSource,
        access: Access,
        renderer: Renderer,
        keyring: Keyring,
        previews: preview.Previews,
        clock: Callable[[], datetime.datetime],
    ) -> None:
        self._settings = settings
        self._engine = engine
        self._reads = reads
        self._writes = writes
        self._access = access
        self._renderer = renderer
        self._keyring = keyring
        self._previews = previews
        self._clock = clock

    # -- helpers ---------------------------------------------------------------------------

    def _one(self, view: View) -> tuple[str, str]:
        return view.one(self._settings.default_account_id, DEFAULT_REGION)

    def _uow(self, view: View, *, write: bool = False) -> UnitOfWork:
        account_id, region = self._one(view)
        return UnitOfWork(self._writes if write else self._reads, account_id, region)

    def _picked(self, view: View) -> bool:
        """Resources (sets, identities, ...) live in one account and region: the operator's
        view of every account shows them once one is picked."""
        return view.scope.account_id is not None and view.scope.region is not None

    async def _checked_form(self, request: Request) -> dict[str, str] | Response:
        fields = await form_fields(request)
        if not self._access.csrf_ok(request, fields.get(CSRF_FIELD)):
            return JSONResponse(FORGED, 403)
        return fields

    # -- overview --------------------------------------------------------------------------

    async def overview(self, request: Request) -> Response:
        view = self._access.view(request)
        now = self._clock()
        found = await run_in_threadpool(self._overview, view, now)
        return self._renderer.page(request, "overview.html", view, **found)

    def _overview(self, view: View, now: datetime.datetime) -> dict[str, Any]:
        hour = _edges(now, datetime.timedelta(minutes=5), 12)
        day = _edges(now, datetime.timedelta(hours=1), 24)
        with reading(self._engine) as connection:
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
        view = self._access.view(request)
        status = quota = None
        if self._picked(view) or not view.operator:
            status, quota = await run_in_threadpool(
                account.overview, self._uow(view), self._clock()
            )
        return self._renderer.page(request, "account_card.html", view, status=status, quota=quota)

    # -- configuration sets ------------------------------------------------------------------

    async def sets(self, request: Request) -> Response:
        view = self._access.view(request)
        search = request.query_params.get("q", "").strip()
        names: list[str] = []
        if self._picked(view) or not view.operator:
            page = await run_in_threadpool(
                lambda: configuration_sets.list_page(
                    self._uow(view), next_token=None, page_size=10_000
                )
            )
            names = [name for name in page.names if search.lower() in name.lower()]
        template = "sets_rows.html" if request.headers.get("hx-request") else "sets.html"
        return self._renderer.page(request, template, view, names=names, search=search)

    async def configuration_set(self, request: Request) -> Response:
        view = self._access.view(request)
        name = request.path_params["name"]
        account_id, region = self._one(view)
        try:
            found = await run_in_threadpool(configuration_sets.get, self._uow(view), name)
        except OpensesError as error:
            return self._renderer.page(
                request, "missing.html", view, status_code=404, what=error.message
            )

        def recent() -> tuple[Any, Any, Any]:
            with reading(self._engine) as connection:
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
        return self._renderer.page(
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
        fields = await self._checked_form(request)
        if isinstance(fields, Response):
            return fields
        view = self._access.view(request)
        name = request.path_params["name"]
        enabled = fields.get("enabled") == "true"
        now = self._clock()
        try:
            await run_in_threadpool(
                configuration_sets.update,
                self._uow(view, write=True),
                name,
                lambda cs: cs.set_sending_enabled(enabled, now),
            )
        except OpensesError as error:
            return JSONResponse({"message": error.message}, 404)
        return RedirectResponse(f"/_openses/sets/{name}", status_code=303)

    # -- inbox -----------------------------------------------------------------------------

    def inbox_filters(self, request: Request) -> dict[str, Any]:
        params = request.query_params
        until = _date(params.get("until"))
        return {
            "to": params.get("to") or None,
            "from_address": params.get("from") or None,
            "configuration_set": params.get("set") or None,
            "tag": params.get("tag") or None,
            "subject": params.get("q") or None,
            "since": _date(params.get("since")),
            "until": until + datetime.timedelta(days=1) if until else None,
        }

    async def inbox(self, request: Request) -> Response:
        view = self._access.view(request)
        filters = self.inbox_filters(request)
        cursor = request.query_params.get("cursor", "")
        before = int(cursor) if cursor.isdigit() and fits_row_id(int(cursor)) else None

        def query() -> list[message_search.MessageRow]:
            with reading(self._engine) as connection:
                return message_search.list_messages(
                    connection,
                    account_id=view.scope.account_id,
                    region=view.scope.region,
                    before=before,
                    limit=PAGE_SIZE,
                    **filters,
                )

        rows = await run_in_threadpool(query)
        kept = {
            key: value
            for key, value in request.query_params.items()
            if key in {"to", "from", "set", "tag", "q", "since", "until"} and value
        }
        newest = rows[0].id if rows and before is None else None
        return self._renderer.page(
            request,
            "inbox_rows.html" if request.headers.get("hx-request") else "inbox.html",
            view,
            rows=rows,
            params=kept,
            stream=(
                "/_openses/stream/messages?" + urlencode({**kept, "after": newest or 0})
                if before is None
                else None
            ),
            next_cursor=rows[-1].id if len(rows) == PAGE_SIZE else None,
            query=urlencode(kept),
        )

    async def message(self, request: Request) -> Response:
        view = self._access.view(request)
        message_id = request.path_params["message_id"]

        def load() -> tuple[Any, list[dict[str, Any]]] | None:
            with reading(self._engine) as connection:
                row = message_search.get_message(
                    connection, message_id, view.scope.account_id, view.scope.region
                )
                if row is None:
                    return None
                return row, message_search.message_events(connection, message_id)

        found = await run_in_threadpool(load)
        if found is None:
            return self._renderer.page(
                request, "missing.html", view, status_code=404, what=f"No message {message_id}"
            )
        row, events = found
        parts = inspection.read(row.raw) if row.raw is not None else inspection.Parts()
        raw_text = (row.raw or b"")[:RAW_SHOWN].decode("utf-8", "replace")
        return self._renderer.page(
            request,
            "message.html",
            view,
            row=row,
            parts=parts,
            events=events,
            links=self._links(parts.html or ""),
            preview_url=self._previews.url(message_id) if parts.html else None,
            raw=raw_text,
            raw_cut=row.raw is not None and len(row.raw) > RAW_SHOWN,
        )

    def _links(self, html: str) -> list[tuple[str, str | None]]:
        """Each tracked link of the message with the address it leads to."""
        found = []
        for href in preview.hrefs(html):
            target = None
            if CLICK_PATH in href:
                token = href.split(CLICK_PATH, 1)[1].split("?", 1)[0]
                try:
                    target = tokens.verify(token, self._keyring.lookup).link
                except tokens.InvalidToken:  # UnknownKey is one too
                    target = None
            found.append((href, target))
        return found

    async def attachment(self, request: Request) -> Response:
        view = self._access.view(request)
        message_id = request.path_params["message_id"]
        index = request.path_params["index"]

        def load() -> Any:
            with reading(self._engine) as connection:
                return message_search.get_message(
                    connection, message_id, view.scope.account_id, view.scope.region
                )

        row = await run_in_threadpool(load)
        found = inspection.attachment(row.raw, index) if row is not None and row.raw else None
        if found is None:
            return JSONResponse({"message": f"No attachment {index} in {message_id}"}, 404)
        name, _type, data = found
        return Response(
            data,
            media_type="application/octet-stream",
            headers={
                "Content-Disposition": preview.attachment_disposition(name or f"part-{index}"),
                "X-Content-Type-Options": "nosniff",
                "Content-Security-Policy": "default-src 'none'; sandbox",
            },
        )

    # -- live events -----------------------------------------------------------------------

    async def live(self, request: Request) -> Response:
        view = self._access.view(request)
        return self._renderer.page(
            request,
            "live.html",
            view,
            set_name=request.query_params.get("set", ""),
            event_type=request.query_params.get("type", ""),
            types=list(RECORD_EVENT_TYPES),
        )

    # -- dead letters ----------------------------------------------------------------------

    async def dead_letters(self, request: Request) -> Response:
        view = self._access.view(request)
        rows = await run_in_threadpool(
            lambda: publications.list_dead(
                self._engine, account_id=view.scope.account_id, region=view.scope.region
            )
        )
        return self._renderer.page(request, "dead.html", view, rows=rows)

    async def retry_dead(self, request: Request) -> Response:
        fields = await self._checked_form(request)
        if isinstance(fields, Response):
            return fields
        view = self._access.view(request)
        chosen = fields.get("id", "")
        ids = [int(chosen)] if chosen.isdigit() and fits_row_id(int(chosen)) else None
        if chosen and ids is None:
            return JSONResponse({"message": "the id must be a 32-bit integer"}, 400)
        now = self._clock()
        await run_in_threadpool(
            lambda: publications.retry_dead(
                self._engine,
                now,
                ids,
                account_id=view.scope.account_id,
                region=view.scope.region,
            )
        )
        return RedirectResponse("/_openses/dead", status_code=303)

    # -- suppression list, identities, templates --------------------------------------------

    async def suppression(self, request: Request) -> Response:
        view = self._access.view(request)
        entries: list[Any] = []
        if self._picked(view) or not view.operator:
            page = await run_in_threadpool(
                lambda: account.list_suppressed_destinations(
                    self._uow(view),
                    reasons=(),
                    start=None,
                    end=None,
                    next_token=None,
                    page_size=1000,
                )
            )
            entries = page.destinations
        return self._renderer.page(
            request, "suppression.html", view, entries=entries, reasons=list(SuppressionReason)
        )

    async def suppression_change(self, request: Request) -> Response:
        fields = await self._checked_form(request)
        if isinstance(fields, Response):
            return fields
        view = self._access.view(request)
        address = fields.get("address", "").strip()
        try:
            if fields.get("action") == "remove":
                await run_in_threadpool(
                    account.delete_suppressed_destination, self._uow(view, write=True), address
                )
            else:
                reason = SuppressionReason(fields.get("reason", "BOUNCE"))
                await run_in_threadpool(
                    account.put_suppressed_destination,
                    self._uow(view, write=True),
                    address,
                    reason,
                    self._clock(),
                )
        except (OpensesError, ValueError) as error:
            return JSONResponse({"message": getattr(error, "message", str(error))}, 400)
        return RedirectResponse("/_openses/suppression", status_code=303)

    async def identities(self, request: Request) -> Response:
        view = self._access.view(request)
        found: list[Any] = []
        if self._picked(view) or not view.operator:
            page = await run_in_threadpool(
                lambda: identities.list_page(self._uow(view), next_token=None, page_size=1000)
            )
            found = page.identities
        return self._renderer.page(request, "identities.html", view, identities=found)

    async def identity_change(self, request: Request) -> Response:
        fields = await self._checked_form(request)
        if isinstance(fields, Response):
            return fields
        view = self._access.view(request)
        name = request.path_params["name"]
        try:
            if fields.get("action") == "delete":
                await run_in_threadpool(identities.delete, self._uow(view, write=True), name)
            else:
                await run_in_threadpool(identities.mark_verified, self._uow(view, write=True), name)
        except OpensesError as error:
            return JSONResponse({"message": error.message}, 404)
        return RedirectResponse("/_openses/identities", status_code=303)

    async def templates(self, request: Request) -> Response:
        view = self._access.view(request)
        found: list[Any] = []
        if self._picked(view) or not view.operator:
            page = await run_in_threadpool(
                lambda: templates.list_page(self._uow(view), next_token=None, page_size=1000)
            )
            found = page.templates
        return self._renderer.page(request, "templates.html", view, templates=found)

    async def template_delete(self, request: Request) -> Response:
        """DeleteEmailTemplate's service call."""
        fields = await self._checked_form(request)
        if isinstance(fields, Response):
            return fields
        view = self._access.view(request)
        try:
            await run_in_threadpool(
                templates.delete, self._uow(view, write=True), request.path_params["name"]
            )
        except OpensesError as error:
            return JSONResponse({"message": error.message}, 404)
        return RedirectResponse("/_openses/templates", status_code=303)

    async def template(self, request: Request) -> Response:
        """The template, and TestRenderEmailTemplate's rendering of it with sample data."""
        view = self._access.view(request)
        name = request.path_params["name"]
        data = request.query_params.get("data") or "{}"
        try:
            found = await run_in_threadpool(templates.get, self._uow(view), name)
        except OpensesError as error:
            return self._renderer.page(
                request, "missing.html", view, status_code=404, what=error.message
            )
        try:
            rendered = await run_in_threadpool(
                lambda: templates.preview(self._uow(view), name, data, now=self._clock())
            )
            problem = None
        except OpensesError as error:
            rendered, problem = None, error.message
        return self._renderer.page(
            request,
            "template.html",
            view,
            template=found,
            data=data,
            rendered=rendered,
            problem=problem,
        )
