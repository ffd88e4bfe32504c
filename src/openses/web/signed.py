"""A Starlette request as SigV4 covers it, for openses' own endpoints to resolve their caller
through ``services/authentication.py::Authentication.caller`` as the AWS APIs do (verified in
strict mode)."""

from __future__ import annotations

from starlette.requests import Request

from openses.protocol.sigv4 import SignedRequest


async def signed_request(request: Request) -> SignedRequest:
    raw_path: bytes = request.scope.get("raw_path") or request.scope["path"].encode()
    return SignedRequest(
        method=request.method,
        raw_path=raw_path.decode("utf-8", "replace").split("?", 1)[0],
        query_string=request.scope["query_string"].decode("latin-1"),
        headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.scope["headers"]],
        body=await request.body(),
    )
