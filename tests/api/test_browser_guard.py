"""What a browser or the network must not do, in open mode as in strict (issue 18): cross-site
requests on the API and on state-changing endpoints of openses' own, v1 GETs that change state,
and Host headers openses does not answer to (DNS rebinding). Mail-client paths stay open."""

from __future__ import annotations

import asyncio
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import httpx
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from openses import bootstrap
from openses.api.guard import allowed_hosts, host_name
from openses.config import Settings
from openses.protocol.auth import Caller
from openses.protocol.errors import AccessError
from openses.web.signed import signed_request
from tests.support import AUTHORIZATION, LiveServer

CROSS_SITE = "Cross-site requests from a browser are refused."
NS = "{http://ses.amazonaws.com/doc/2010-12-01/}"
FORM = {"Content-Type": "application/x-www-form-urlencoded", "Authorization": AUTHORIZATION}
LIST_IDENTITIES = "Action=ListIdentities&Version=2010-12-01"


def v1_error(response: httpx.Response) -> tuple[int, str, str]:
    error = ElementTree.fromstring(response.content).find(f"{NS}Error")
    assert error is not None
    return (
        response.status_code,
        error.findtext(f"{NS}Code") or "",
        error.findtext(f"{NS}Message") or "",
    )


def v2_error(response: httpx.Response) -> tuple[int, str, str]:
    return response.status_code, response.headers["x-amzn-ErrorType"], response.json()["message"]


def host_of(server: LiveServer) -> str:
    return urlsplit(server.url).netloc


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://127.0.0.1:1"},
    ],
)
def test_cross_site_requests_are_refused_on_both_apis(
    server: LiveServer, headers: dict[str, str]
) -> None:
    v2 = httpx.get(
        server.url + "/v2/email/account", headers={"Authorization": AUTHORIZATION, **headers}
    )
    assert v2_error(v2) == (403, "AccessDeniedException", CROSS_SITE)
    v1 = httpx.post(server.url + "/", content=LIST_IDENTITIES, headers={**FORM, **headers})
    assert v1_error(v1) == (403, "AccessDenied", CROSS_SITE)


@pytest.mark.parametrize("site", ["same-origin", "none"])
def test_same_origin_and_user_initiated_requests_pass(server: LiveServer, site: str) -> None:
    headers = {"Authorization": AUTHORIZATION, "Sec-Fetch-Site": site, "Origin": server.url}
    assert httpx.get(server.url + "/v2/email/account", headers=headers).status_code == 200


def test_a_foreign_host_header_is_refused_and_loopback_names_pass(server: LiveServer) -> None:
    port = urlsplit(server.url).port
    headers = {"Authorization": AUTHORIZATION, "Host": f"rebind.evil.example:{port}"}
    refused = httpx.get(server.url + "/v2/email/account", headers=headers)
    assert v2_error(refused) == (
        403,
        "AccessDeniedException",
        "The Host header names 'rebind.evil.example', which is not one of the hosts openses "
        "answers to (OPENSES_ALLOWED_HOSTS).",
    )
    v1 = httpx.post(server.url + "/", content=LIST_IDENTITIES, headers={**FORM, **headers})
    assert v1_error(v1)[:2] == (403, "AccessDenied")
    web = httpx.get(server.url + "/_openses/messages", headers={"Host": "rebind.evil.example"})
    assert (web.status_code, web.json()) == (
        403,
        {
            "message": "The Host header names 'rebind.evil.example', which is not one of the "
            "hosts openses answers to (OPENSES_ALLOWED_HOSTS)."
        },
    )
    for name in ("localhost", "127.0.0.1", "[::1]", "LOCALHOST."):
        headers = {"Authorization": AUTHORIZATION, "Host": f"{name}:{port}"}
        assert httpx.get(server.url + "/v2/email/account", headers=headers).status_code == 200


def test_v1_get_is_for_reads_only(server: LiveServer) -> None:
    auth = {"Authorization": AUTHORIZATION}
    read = httpx.get(server.url + "/?" + LIST_IDENTITIES, headers=auth)
    assert read.status_code == 200
    quota = httpx.get(server.url + "/?Action=GetSendQuota&Version=2010-12-01", headers=auth)
    assert quota.status_code == 200
    write = httpx.get(
        server.url + "/?Action=VerifyEmailIdentity&EmailAddress=a%40example.com", headers=auth
    )
    assert v1_error(write) == (
        405,
        "MethodNotAllowed",
        "The action VerifyEmailIdentity changes state and must be sent with POST.",
    )
    listed = httpx.get(server.url + "/?" + LIST_IDENTITIES, headers=auth).content
    assert b"a@example.com" not in listed


def test_state_changing_endpoints_of_openses_refuse_cross_site_posts(server: LiveServer) -> None:
    url = server.url + "/_openses/dead-letters/retry"
    refused = httpx.post(url, headers={"Origin": "https://evil.example"})
    assert (refused.status_code, refused.json()) == (403, {"message": CROSS_SITE})
    refused = httpx.post(url, headers={"Sec-Fetch-Site": "cross-site"})
    assert refused.status_code == 403
    assert httpx.post(url, headers={"Origin": server.url}).status_code == 200
    # reads are not state-changing: a cross-site GET of a JSON endpoint cannot be read back
    # by the page anyway (no CORS headers)
    assert httpx.get(server.url + "/_openses/messages?limit=1").status_code == 200


def test_mail_client_paths_take_any_site_and_any_host(server: LiveServer) -> None:
    foreign = {
        "Host": "links.customer.example",
        "Origin": "https://mail.example",
        "Sec-Fetch-Site": "cross-site",
    }
    opened = httpx.get(server.url + "/_openses/t/o/not-a-token", headers=foreign)
    clicked = httpx.get(server.url + "/_openses/t/c/not-a-token", headers=foreign)
    unsubscribed = httpx.post(
        server.url + "/_openses/u/not-a-token",
        headers=foreign,
        data={"List-Unsubscribe": "One-Click"},
    )
    # not the guard's 403: each endpoint's own page for a token it does not know
    for answer in (opened, clicked, unsubscribed):
        assert answer.status_code == 400
        assert "This link is not valid." in answer.text


def test_allowed_hosts_defaults_follow_the_bound_address() -> None:
    assert allowed_hosts(Settings()) == frozenset({"localhost", "127.0.0.1", "::1"})
    assert allowed_hosts(Settings(host="127.0.0.2")) == frozenset(
        {"localhost", "127.0.0.1", "::1", "127.0.0.2"}
    )
    assert allowed_hosts(Settings(public_url="https://SES.example.com:8443/x")) == frozenset(
        {"localhost", "127.0.0.1", "::1", "ses.example.com"}
    )
    assert allowed_hosts(Settings(host="0.0.0.0")) is None
    assert allowed_hosts(Settings(allowed_hosts=("ses.example.com",))) == frozenset(
        {"ses.example.com"}
    )
    assert allowed_hosts(Settings(allowed_hosts=("*",))) is None


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("127.0.0.1:8585", "127.0.0.1"),
        ("[::1]:8585", "::1"),
        ("[::1]", "::1"),
        ("Example.COM.", "example.com"),
        ("ses.example.com:443", "ses.example.com"),
    ],
)
def test_host_names_are_read_without_port_case_or_final_dot(header: str, name: str) -> None:
    assert host_name(header) == name


def test_openses_endpoints_can_resolve_callers_as_the_api_does(tmp_path: Path) -> None:
    """web/signed.py: a request to an endpoint of openses' own, signed by botocore, resolves to
    the key's account through the same Authentication as the API, verified in strict mode."""
    seen: list[Caller] = []
    settings = Settings(
        database_url=f"sqlite:///{tmp_path}/w.db",
        auth="strict",
        access_keys={"AKIAWEB": "777777777777"},
        access_key_secrets={"AKIAWEB": "web-secret"},
        smtp_port=0,
        smtps_port=0,
    )
    root = bootstrap.server(settings)

    async def whoami(request: Request) -> Response:
        try:
            caller = root.authentication.caller(await signed_request(request))
        except AccessError as error:
            return JSONResponse({"code": error.code}, error.status)
        seen.append(caller)
        return JSONResponse({"account": caller.account_id})

    app = Starlette(routes=[Route("/_openses/whoami", whoami, methods=["POST"])])
    request = AWSRequest(method="POST", url="http://127.0.0.1/_openses/whoami", data=b"{}")
    SigV4Auth(Credentials("AKIAWEB", "web-secret"), "ses", "eu-west-1").add_auth(request)
    headers = dict(request.headers.items())

    async def post(body: bytes) -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            return await client.post("/_openses/whoami", headers=headers, content=body)

    answer = asyncio.run(post(b"{}"))
    assert (answer.status_code, answer.json()) == (200, {"account": "777777777777"})
    assert seen == [Caller("777777777777", "eu-west-1", "AKIAWEB")]
    tampered = asyncio.run(post(b"{ }"))
    assert (tampered.status_code, tampered.json()) == (403, {"code": "SignatureDoesNotMatch"})
    root.engine.dispose()
