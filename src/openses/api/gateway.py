"""The AWS entry point: a plain ASGI app for ``/`` (v1, Query/XML) and ``/v2/...`` (REST-JSON).

Read the wire, validate, run the handler, write the wire. It bypasses the web framework, whose
routing and request objects cost more than the rest of a small request. Every failure leaves
here as an AWS error: domain errors through ``api/errors.py``, protocol errors as they are, and
anything unexpected as InternalFailure with its traceback in the log.
"""

from __future__ import annotations

import functools
import logging
import types
import uuid
from collections.abc import Awaitable, Callable, Coroutine, Generator, MutableMapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, parse_qsl

import anyio
from sqlalchemy.util import greenlet_spawn

from openses.api import authorization, errors, registry
from openses.api.context import RequestContext
from openses.api.execution import Execution, Sources
from openses.api.guard import Guard
from openses.api.registry import Handlers
from openses.api.throttle import Throttle
from openses.api.v2 import path_names
from openses.config import Settings
from openses.domain.clock import Clock, utc_now
from openses.domain.conditions import Context
from openses.domain.errors import OpensesError
from openses.protocol import query, rest_json
from openses.protocol.auth import Caller
from openses.protocol.errors import ProtocolError, UnknownOperationError
from openses.protocol.models import V1, V2, service_model
from openses.protocol.routing import Router
from openses.protocol.sigv4 import SignedRequest
from openses.protocol.validation import validate
from openses.services import condition_keys
from openses.services.authentication import Authentication
from openses.services.configuration_sets import DestinationCheck
from openses.services.object_store import ObjectStore
from openses.services.outbound import CAPTURE, Outbound
from openses.services.receipt_rules import TargetCheck
from openses.store.database import unavailable
from openses.tracking.links import Tracker

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

log = logging.getLogger("openses.api")
_V1_VERSION = "2010-12-01"
V1_METHODS = frozenset({"GET", "POST"})
_XML = b"text/xml; charset=utf-8"
_JSON = b"application/json"


@dataclass(frozen=True, slots=True)
class WireRequest:
    method: str
    raw_path: str
    query_string: str
    headers: dict[str, str]
    body: bytes
    client_host: str
    # every header line as sent (``headers`` keeps one value a name), for the signature
    header_lines: tuple[tuple[str, str], ...] = ()
    secure: bool = False  # came over TLS (aws:SecureTransport)

    def signed(self) -> SignedRequest:
        return SignedRequest(
            self.method, self.raw_path, self.query_string, self.header_lines, self.body
        )


def is_aws_path(scope: Scope) -> bool:
    path: str = scope["path"]
    return path.startswith("/v2/") or (path == "/" and scope["method"] in V1_METHODS)


class Gateway:
    """Handlers run on the event loop where they can, which beats a thread hop per request
    (``api/execution.py`` decides where each runs)."""

    def __init__(
        self,
        settings: Settings,
        handlers: Handlers,
        execution: Execution,
        authentication: Authentication,
        *,
        loop_engine: AsyncEngine | None = None,
        clock: Clock = utc_now,
        tracker: Tracker | None = None,
        destination_check: DestinationCheck | None = None,
        outbound: Outbound = CAPTURE,
        receipt_check: TargetCheck | None = None,
        object_store: ObjectStore | None = None,
        throttle: Throttle | None = None,
    ) -> None:
        self._settings = settings
        self._authentication = authentication
        self._guard = Guard(settings)
        self._throttle = throttle  # OPENSES_THROTTLE=aws (issue 18)
        self._handlers = handlers
        self._execution = execution
        self._loop_engine = loop_engine
        self._clock = clock
        # every request's context: these collaborators, with its caller and connection sources
        self._new_context = functools.partial(
            RequestContext,
            settings=settings,
            clock=clock,
            tracker=tracker,
            destination_check=destination_check,
            outbound=outbound,
            receipt_check=receipt_check,
            object_store=object_store,
        )
        self._router = Router(service_model(V2))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            request = await _read(scope, receive, self._settings.body_timeout_seconds)
        except ClientGone:
            return  # nobody to answer
        except ProtocolError as refused:  # too large, or too slow (issue 18)
            status, content_type, headers, body = _refusal(scope, refused)
            headers["connection"] = "close"
        else:
            if request.raw_path.startswith("/v2/"):
                status, content_type, headers, body = await self.v2(request)
            else:
                status, content_type, headers, body = await self.v1(request)
        wire_headers = [
            (b"content-type", content_type),
            (b"content-length", str(len(body)).encode()),
            *((name.encode(), value.encode()) for name, value in headers.items()),
        ]
        await send({"type": "http.response.start", "status": status, "headers": wire_headers})
        await send({"type": "http.response.body", "body": body})

    async def aclose(self) -> None:
        self._execution.writer.close()
        if self._loop_engine is not None:
            await greenlet_spawn(self._execution.reader.close)
            await self._loop_engine.dispose()
        else:
            self._execution.reader.close()

    def _context(
        self,
        request: WireRequest,
        caller: Caller,
        request_id: str,
        sources: Sources,
        conditions: Context,
    ) -> RequestContext:
        return self._new_context(
            account_id=caller.account_id,
            region=caller.region,
            request_id=request_id,
            reads=sources.reads,
            writes=sources.writes,
            source_ip=request.client_host,
            access_key=caller.access_key,
            principal=self._authentication.principal(caller),
            conditions=conditions,
        )

    async def v1(self, request: WireRequest) -> tuple[int, bytes, dict[str, str], bytes]:
        request_id = str(uuid.uuid4())
        headers = {"x-amzn-RequestId": request_id}
        try:
            form = dict(parse_qsl(request.query_string, keep_blank_values=True))
            form.update(parse_qsl(_form_text(request.body), keep_blank_values=True))
            self._guard.check(request.headers)
            caller = self._authentication.caller(request.signed())
            query.check_form(form)
            operation = _v1_operation(form)
            if request.method == "GET":
                self._guard.check_v1_get(operation.name)
            params = query.parse_request(operation.input_shape, form)
            result = await self._run(V1, operation, params, request, caller, request_id)
            return 200, _XML, headers, query.serialize_response(operation, result, request_id)
        except Exception as exc:
            error = _wire_error(V1, exc, request_id)
            body = query.serialize_error(error.code, error.message, request_id, error.sender_fault)
            return error.status, _XML, headers, body

    async def v2(self, request: WireRequest) -> tuple[int, bytes, dict[str, str], bytes]:
        request_id = str(uuid.uuid4())
        try:
            self._guard.check(request.headers)
            caller = self._authentication.caller(request.signed())
            found = self._router.match(request.method, request.raw_path)
            if found is None:
                raise UnknownOperationError("UnknownOperationException", "", 404)
            operation = found.operation
            params = rest_json.parse_request(
                operation,
                found.uri_params,
                parse_qs(request.query_string, keep_blank_values=True),
                request.headers,
                request.body,
                found.query_members,
            )
            result = await self._run(V2, operation, params, request, caller, request_id)
            status, headers, body = rest_json.serialize_response(operation, result)
            return status, _JSON, {"x-amzn-RequestId": request_id, **headers}, body
        except Exception as exc:
            error = _wire_error(V2, exc, request_id)
            headers = {"x-amzn-RequestId": request_id, "x-amzn-ErrorType": error.code}
            return error.status, _JSON, headers, rest_json.serialize_error(error.message)

    async def _run(
        self,
        service: str,
        operation: Any,
        params: dict[str, Any],
        request: WireRequest,
        caller: Caller,
        request_id: str,
    ) -> dict[str, Any]:
        if operation.input_shape is not None:
            validate(operation.input_shape, params)
        if service == V2:
            path_names.check(operation, params)
        conditions: Context = {}
        limited = self._authentication.limits(caller)
        if limited or operation.name in authorization.SENDS:
            connection = condition_keys.Connection(
                source_ip=request.client_host,
                secure=request.secure,
                now=self._clock(),
                user_agent=request.headers.get("user-agent"),
            )
            if limited:
                conditions = condition_keys.for_request(service, params, caller, connection)
            else:  # read only by a send through another account's identity
                conditions = condition_keys.Deferred(
                    functools.partial(
                        condition_keys.for_request, service, params, caller, connection
                    )
                )
        # a key whose policies read aws:ResourceTag/ is authorized with the store at hand; a
        # key without policies may do anything in its account (authorize would allow it)
        tagged = limited and self._authentication.reads_resource_tags(caller)
        if limited and not tagged:
            authorization.authorize(
                self._authentication, caller, operation.name, params, conditions
            )
        handler = self._handlers.handler_for(service, operation.name)
        if handler is None:
            raise ProtocolError(
                "NotImplemented", f"openses does not implement {operation.name} yet.", 501
            )
        off_loop = self._handlers.off_loop(service, operation.name)

        def work(sources: Sources) -> dict[str, Any]:
            if tagged:
                tags = condition_keys.resource_tag_reader(
                    sources.reads, caller.account_id, caller.region
                )
                authorization.authorize(
                    self._authentication, caller, operation.name, params, conditions, tags
                )
            context = self._context(request, caller, request_id, sources, conditions)
            if self._throttle is not None:
                self._throttle.check(context.account_id, context.region, operation.name)
            return registry.call(handler, context, params)

        return await self._execution.run(operation.name, work, off_loop=off_loop)


# The largest request body each API reads (issue 18): its largest message, base64-encoded (and,
# for v1, form-encoded), with room to spare, so that a message just over its size limit still
# gets AWS's "Message length is more than ..." error. Beyond: 413, and the body is not read on.
MAX_V1_BODY_BYTES = 20 * 1024 * 1024
MAX_V2_BODY_BYTES = 60 * 1024 * 1024


class ClientGone(Exception):
    """The client went away before its request's body was in."""


def body_limit(path: str) -> int:
    return MAX_V2_BODY_BYTES if path.startswith("/v2/") else MAX_V1_BODY_BYTES


def _too_large(limit: int) -> ProtocolError:
    return ProtocolError(
        "RequestEntityTooLarge", f"Request body is larger than {limit} bytes.", 413
    )


async def _read(scope: Scope, receive: Receive, timeout: float) -> WireRequest:
    body = await read_body(scope, receive, body_limit(scope["path"]), timeout)
    client = scope.get("client")
    raw_path: bytes = scope.get("raw_path") or scope["path"].encode()
    lines = tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"])
    return WireRequest(
        method=scope["method"],
        raw_path=raw_path.decode("utf-8", "replace").split("?", 1)[0],
        query_string=scope["query_string"].decode("latin-1"),
        headers=dict(lines),
        body=body,
        client_host=client[0] if client else "127.0.0.1",
        header_lines=lines,
        secure=scope.get("scheme") in ("https", "wss"),
    )


async def read_body(scope: Scope, receive: Receive, limit: int, timeout: float) -> bytes:
    """The whole body, read within ``timeout`` seconds and at most ``limit`` bytes: a
    Content-Length above it is refused before any of the body is read (ProtocolError 413 or
    408; ClientGone when the client left)."""
    for name, value in scope["headers"]:
        if name == b"content-length" and value.isdigit() and int(value) > limit:
            raise _too_large(limit)
    # The common case, a small body that came with the headers: the first receive() answers
    # without waiting, and the deadline's cancel scope (a fifth of a small request's time when
    # it was entered for every request) is entered only for a body still on its way.
    message, pending = _received_now(receive)
    if message is not None and message["type"] != "http.disconnect":
        body: bytes = message.get("body", b"")
        if not message.get("more_body", False) and len(body) <= limit:
            return body
    chunks = []
    size = 0
    try:
        with anyio.fail_after(timeout):
            while True:
                if message is None:
                    message = await (pending if pending is not None else receive())
                    pending = None
                if message["type"] == "http.disconnect":
                    raise ClientGone()
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > limit:
                    raise _too_large(limit)
                chunks.append(chunk)
                if not message.get("more_body", False):
                    break
                message = None
    except TimeoutError:
        raise ProtocolError(
            "RequestTimeout",
            "Your socket connection to the server was not read from or written to within the "
            "timeout period.",
            408,
        ) from None
    return b"".join(chunks)


def _received_now(
    receive: Receive,
) -> tuple[MutableMapping[str, Any], None] | tuple[None, Awaitable[MutableMapping[str, Any]]]:
    """Starts ``receive()``: its message when it had one at hand, else an awaitable that
    finishes it (the coroutine, suspended at its first wait, driven on by the awaiting task:
    what ``await`` would have done, so that awaiting it under a deadline cancels that wait)."""
    call = receive()
    if not isinstance(call, Coroutine):
        return None, call
    try:
        waiting = call.send(None)
    except StopIteration as done:
        return done.value, None
    return None, _finish(call, waiting)


@types.coroutine
def _finish(call: Coroutine[Any, Any, Any], waiting: Any) -> Generator[Any, Any, Any]:
    """The rest of a coroutine that ``_received_now`` started, as ``yield from`` runs it."""
    while True:
        try:
            sent = yield waiting
        except GeneratorExit:
            call.close()
            raise
        except BaseException as thrown:  # a cancellation, the deadline's too
            try:
                waiting = call.throw(thrown)
            except StopIteration as done:
                return done.value
        else:
            try:
                waiting = call.send(sent)
            except StopIteration as done:
                return done.value


def _refusal(scope: Scope, error: ProtocolError) -> tuple[int, bytes, dict[str, str], bytes]:
    """A request refused before it was read: the error in its API's form."""
    request_id = str(uuid.uuid4())
    headers = {"x-amzn-RequestId": request_id}
    if scope["path"].startswith("/v2/"):
        headers["x-amzn-ErrorType"] = f"{error.code}Exception"
        return error.status, _JSON, headers, rest_json.serialize_error(error.message)
    return error.status, _XML, headers, query.serialize_error(error.code, error.message, request_id)


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
    reason = unavailable(exc)
    if reason is not None:
        log.warning("request %s: the database is unavailable: %s", request_id, reason)
        return errors.service_unavailable()
    log.exception("request %s failed", request_id)
    return errors.internal_failure()
