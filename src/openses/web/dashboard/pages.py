"""The dashboard's pages share this: each reads through the services (configuration sets,
identities, templates, the account) or the store's read queries, in the account and region the
request may see (web/access.py); every form is a POST with the CSRF token. overview.py,
sets.py, inbox.py and resources.py hold the pages themselves."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from openses.config import Settings
from openses.domain.errors import OpensesError
from openses.protocol.auth import DEFAULT_REGION
from openses.store.sources import EngineSource
from openses.store.unit_of_work import UnitOfWork
from openses.tracking.keys import Keyring
from openses.web.access import CSRF_FIELD, Access, View
from openses.web.dashboard import preview
from openses.web.dashboard.rendering import Renderer
from openses.web.dashboard.sessions import FORGED, form_fields

T = TypeVar("T")


@dataclass(eq=False)
class Pages:
    """What every page needs; the page modules subclass it."""

    settings: Settings
    engine: Engine
    reads: EngineSource
    writes: EngineSource
    access: Access
    renderer: Renderer
    keyring: Keyring
    previews: preview.Previews
    clock: Callable[[], datetime.datetime]

    def _one(self, view: View) -> tuple[str, str]:
        return view.one(self.settings.default_account_id, DEFAULT_REGION)

    def _uow(self, view: View, *, write: bool = False) -> UnitOfWork:
        account_id, region = self._one(view)
        return UnitOfWork(self.writes if write else self.reads, account_id, region)

    def _picked(self, view: View) -> bool:
        """Resources (sets, identities, ...) live in one account and region: the operator's
        view of every account shows them once one is picked."""
        return view.scope.account_id is not None and view.scope.region is not None

    async def _in_picked(self, view: View, read: Callable[[UnitOfWork], T]) -> T | None:
        """What ``read`` finds in the view's account and region (off the event loop); None
        while the operator views every account and has not picked one."""
        if not self._picked(view) and view.operator:
            return None
        return await run_in_threadpool(read, self._uow(view))

    async def _checked_form(self, request: Request) -> dict[str, str] | Response:
        fields = await form_fields(request)
        if not self.access.csrf_ok(request, fields.get(CSRF_FIELD)):
            return JSONResponse(FORGED, 403)
        return fields

    async def _form_change(
        self,
        request: Request,
        change: Callable[[dict[str, str], UnitOfWork], str],
        *,
        status: int,
        errors: tuple[type[Exception], ...] = (OpensesError,),
    ) -> Response:
        """A form's POST: its CSRF-checked fields go to ``change``, run (off the event loop) in a
        writing unit of work of the request's account and region, which returns the page to go
        to next (a 303); one of ``errors`` that it raises answers ``status`` with its message."""
        fields = await self._checked_form(request)
        if isinstance(fields, Response):
            return fields
        view = self.access.view(request)
        try:
            location = await run_in_threadpool(change, fields, self._uow(view, write=True))
        except errors as error:
            return JSONResponse({"message": getattr(error, "message", str(error))}, status)
        return RedirectResponse(location, status_code=303)
