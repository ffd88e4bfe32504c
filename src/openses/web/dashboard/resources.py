"""Dead letters, the suppression list, identities and templates: lists and what to do with them."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from openses.domain.errors import OpensesError
from openses.domain.identity import EmailIdentity
from openses.domain.options import SuppressionReason
from openses.domain.suppression import SuppressedDestination
from openses.domain.template import EmailTemplate
from openses.services import account, identities, templates
from openses.store import publications
from openses.store.unit_of_work import UnitOfWork
from openses.web.dashboard.pages import Pages
from openses.web.messages import fits_row_id


# What the list pages show: the first 1000 of each, as one page of the services' lists.
def _suppressed(uow: UnitOfWork) -> list[SuppressedDestination]:
    return account.list_suppressed_destinations(
        uow, reasons=(), start=None, end=None, next_token=None, page_size=1000
    ).items


def _identities(uow: UnitOfWork) -> list[EmailIdentity]:
    return identities.list_page(uow, next_token=None, page_size=1000).items


def _templates(uow: UnitOfWork) -> list[EmailTemplate]:
    return templates.list_page(uow, next_token=None, page_size=1000).items


class Resources(Pages):
    # -- dead letters ----------------------------------------------------------------------

    async def dead_letters(self, request: Request) -> Response:
        view = self.access.view(request)
        rows = await run_in_threadpool(
            lambda: publications.list_dead(
                self.engine, account_id=view.scope.account_id, region=view.scope.region
            )
        )
        return self.renderer.page(request, "dead.html", view, rows=rows)

    async def retry_dead(self, request: Request) -> Response:
        fields = await self._checked_form(request)
        if isinstance(fields, Response):
            return fields
        view = self.access.view(request)
        chosen = fields.get("id", "")
        ids = [int(chosen)] if chosen.isdigit() and fits_row_id(int(chosen)) else None
        if chosen and ids is None:
            return JSONResponse({"message": "the id must be a 32-bit integer"}, 400)
        now = self.clock()
        await run_in_threadpool(
            lambda: publications.retry_dead(
                self.engine,
                now,
                ids,
                account_id=view.scope.account_id,
                region=view.scope.region,
            )
        )
        return RedirectResponse("/_openses/dead", status_code=303)

    # -- suppression list, identities, templates --------------------------------------------

    async def suppression(self, request: Request) -> Response:
        view = self.access.view(request)
        entries = await self._in_picked(view, _suppressed) or []
        return self.renderer.page(
            request, "suppression.html", view, entries=entries, reasons=list(SuppressionReason)
        )

    async def suppression_change(self, request: Request) -> Response:
        def change(fields: dict[str, str], uow: UnitOfWork) -> str:
            address = fields.get("address", "").strip()
            if fields.get("action") == "remove":
                account.delete_suppressed_destination(uow, address)
            else:
                reason = SuppressionReason(fields.get("reason", "BOUNCE"))
                account.put_suppressed_destination(uow, address, reason, self.clock())
            return "/_openses/suppression"

        return await self._form_change(
            request, change, status=400, errors=(OpensesError, ValueError)
        )

    async def identities(self, request: Request) -> Response:
        view = self.access.view(request)
        found = await self._in_picked(view, _identities) or []
        return self.renderer.page(request, "identities.html", view, identities=found)

    async def identity_change(self, request: Request) -> Response:
        name = request.path_params["name"]

        def change(fields: dict[str, str], uow: UnitOfWork) -> str:
            if fields.get("action") == "delete":
                identities.delete(uow, name)
            else:
                identities.mark_verified(uow, name)
            return "/_openses/identities"

        return await self._form_change(request, change, status=404)

    async def templates(self, request: Request) -> Response:
        view = self.access.view(request)
        found = await self._in_picked(view, _templates) or []
        return self.renderer.page(request, "templates.html", view, templates=found)

    async def template_create(self, request: Request) -> Response:
        """CreateEmailTemplate's service call, with its checks (name, size, syntax, limit)."""

        def change(fields: dict[str, str], uow: UnitOfWork) -> str:
            template = EmailTemplate(
                name=fields.get("name", "").strip(),
                created_at=self.clock(),
                subject=fields.get("subject") or None,
                text=fields.get("text") or None,
                html=fields.get("html") or None,
            )
            templates.create(uow, template, limit=self.settings.max_templates)
            return f"/_openses/templates/{template.name}"

        return await self._form_change(request, change, status=400)

    async def template_delete(self, request: Request) -> Response:
        """DeleteEmailTemplate's service call."""

        def change(fields: dict[str, str], uow: UnitOfWork) -> str:
            templates.delete(uow, request.path_params["name"])
            return "/_openses/templates"

        return await self._form_change(request, change, status=404)

    async def template(self, request: Request) -> Response:
        """The template, and TestRenderEmailTemplate's rendering of it with sample data."""
        view = self.access.view(request)
        name = request.path_params["name"]
        data = request.query_params.get("data") or "{}"
        try:
            found = await run_in_threadpool(templates.get, self._uow(view), name)
        except OpensesError as error:
            return self.renderer.page(
                request, "missing.html", view, status_code=404, what=error.message
            )
        try:
            rendered = await run_in_threadpool(
                lambda: templates.preview(self._uow(view), name, data, now=self.clock())
            )
            problem = None
        except OpensesError as error:
            rendered, problem = None, error.message
        return self.renderer.page(
            request,
            "template.html",
            view,
            template=found,
            data=data,
            rendered=rendered,
            problem=problem,
        )
