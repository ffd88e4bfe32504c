"""The two HTTP entry points: read the wire, validate, run the handler, write the wire.

Every failure leaves here as an AWS error: domain errors through ``api/errors.py``, protocol
errors as they are, and anything unexpected as InternalFailure with its traceback in the log.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any
from urllib.parse import parse_qs, parse_qsl

import anyio
import anyio.to_thread
from sqlalchemy import Engine
from starlette.requests import Request
from starlette.responses import Response

from openses.api import errors, registry
from openses.api.context import RequestContext
from openses.config import Settings
from openses.domain.errors import OpensesError
from openses.protocol import query, rest_json
from openses.protocol.auth import caller_from_headers
from openses.protocol.errors import ProtocolError, UnknownOperationError
from openses.protocol.models import V1, V2, service_model
from openses.protocol.routing import Router
from openses.protocol.validation import validate

log = logging.getLogger("openses.api")
_V1_VERSION = "2010-12-01"
# SQLite work takes microseconds, one writer at a time: it runs on the event loop, which beats a
# thread hop per request. PostgreSQL waits on the network, so a few threads keep it busy; many
# threads only fight over the interpreter lock.
DEFAULT_POSTGRESQL_THREADS = 4


class Gateway:
    def __init__(self, settings: Settings, engine: Engine) -> None:
        self._settings = settings
        self._engine = engine
        self._router = Router(service_model(V2))
        threads = settings.database_threads
        if threads is None:
            threads = 0 if engine.dialect.name == "sqlite" else DEFAULT_POSTGRESQL_THREADS
        self._threads = threads
        self._limiters: list[anyio.CapacityLimiter] = []

    def _limiter(self) -> anyio.CapacityLimiter:
        # Created on first use, inside the event loop that serves the requests.
        if not self._limiters:
            self._limiters.append(anyio.CapacityLimiter(max(self._threads, 1)))
        return self._limiters[0]
        registry.load()

    def _context(self, request: Request, request_id: str) -> RequestContext:
        caller = caller_from_headers(
            request.headers.get("authorization"),
            self._settings.access_keys,
            self._settings.default_account_id,
        )
        return RequestContext(
            account_id=caller.account_id,
            region=caller.region,
            request_id=request_id,
            settings=self._settings,
            engine=self._engine,
            source_ip=request.client.host if request.client else "127.0.0.1",
            access_key=caller.access_key,
        )

    async def v1(self, request: Request) -> Response:
        request_id = str(uuid.uuid4())
        try:
            form = dict(parse_qsl(request.url.query, keep_blank_values=True))
            form.update(parse_qsl(_form_text(await request.body()), keep_blank_values=True))
            operation = _v1_operation(form)
            params = query.parse_request(operation.input_shape, form)
            result = await self._run(V1, operation, params, request, request_id)
            body = query.serialize_response(operation, result, request_id)
            return _xml(200, body, request_id)
        except Exception as exc:
            error = _wire_error(V1, exc, request_id)
            body = query.serialize_error(error.code, error.message, request_id, error.sender_fault)
            return _xml(error.status, body, request_id)

    async def v2(self, request: Request) -> Response:
        request_id = str(uuid.uuid4())
        try:
            raw_path = request.scope.get("raw_path", b"").decode().split("?", 1)[0]
            found = self._router.match(request.method, raw_path or request.url.path)
            if found is None:
                raise UnknownOperationError("UnknownOperationException", "", 404)
            operation = found.operation
            params = rest_json.parse_request(
                operation,
                found.uri_params,
                parse_qs(request.url.query, keep_blank_values=True),
                request.headers,
                await request.body(),
                found.query_members,
            )
            result = await self._run(V2, operation, params, request, request_id)
            status, headers, body = rest_json.serialize_response(operation, result)
            return _json(status, body, request_id, headers)
        except Exception as exc:
            error = _wire_error(V2, exc, request_id)
            headers = {"x-amzn-ErrorType": error.code}
            return _json(
                error.status, rest_json.serialize_error(error.message), request_id, headers
            )

    async def _run(
        self,
        service: str,
        operation: Any,
        params: dict[str, Any],
        request: Request,
        request_id: str,
    ) -> dict[str, Any]:
        if operation.input_shape is not None:
            validate(operation.input_shape, params)
        handler = registry.handler_for(service, operation.name)
        if handler is None:
            raise ProtocolError(
                "NotImplemented", f"openses does not implement {operation.name} yet.", 501
            )
        context = self._context(request, request_id)
        if self._threads == 0 and not registry.calls_out(service, operation.name):
            return registry.call(handler, context, params)
        return await anyio.to_thread.run_sync(
            registry.call, handler, context, params, limiter=self._limiter()
        )


def _form_text(body: bytes) -> str:
    try:
        return body.decode()
    except UnicodeDecodeError:
        # AWS's common error for an unreadable query (its documented status is 404).
        raise ProtocolError(
            "MalformedQueryString", "The query string contains a syntax error.", 404
        ) from None


def _v1_operation(form: dict[str, str]) -> Any:
    action = form.get("Action")
    if not action:
        raise ProtocolError("MissingAction", "The request must contain the parameter Action.")
    model = service_model(V1)
    if action not in model.operation_names:
        raise ProtocolError(
            "InvalidAction", f"Could not find operation {action} for version {_V1_VERSION}"
        )
    return model.operation_model(action)


def _wire_error(service: str, exc: Exception, request_id: str) -> errors.WireError:
    if isinstance(exc, OpensesError):
        return errors.from_domain(service, exc)
    if isinstance(exc, ProtocolError):
        return errors.from_protocol(service, exc)
    log.exception("request %s failed", request_id)
    return errors.internal_failure()


def _xml(status: int, body: bytes, request_id: str) -> Response:
    return Response(
        body, status, {"x-amzn-RequestId": request_id}, media_type="text/xml; charset=utf-8"
    )


def _json(status: int, body: bytes, request_id: str, headers: dict[str, str]) -> Response:
    return Response(
        body,
        status,
        {"x-amzn-RequestId": request_id, **headers},
        media_type="application/json",
    )
