"""Per-account scoping of /_openses (issue 18) and the admin token (issue 19), over the wire."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from tests.dashboard.conftest import TOKEN
from tests.dashboard.support import eventually, new_sender, send
from tests.support import (
    LiveServer,
    authorization,
    free_port,
    fresh_account,
    serve_process,
    unique,
)

BEARER = {"Authorization": f"Bearer {TOKEN}"}


def _ids(response: httpx.Response) -> set[str]:
    assert response.status_code == 200
    return {message["messageId"] for message in response.json()["messages"]}


def test_messages_are_scoped_per_account_and_region(dashboard: LiveServer) -> None:
    other = fresh_account()
    default_client, default_sender = new_sender(dashboard)
    other_client, other_sender = new_sender(dashboard, other)
    mine = send(default_client, default_sender)
    theirs = send(other_client, other_sender)
    url = f"{dashboard.url}/_openses/messages"

    unsigned = _ids(httpx.get(url, params={"limit": 500}))
    assert mine in unsigned
    assert theirs not in unsigned
    signed = _ids(httpx.get(url, headers={"Authorization": authorization(other)}))
    assert signed == {theirs}
    elsewhere = httpx.get(url, headers={"Authorization": authorization(other, "eu-west-1")})
    assert _ids(elsewhere) == set()
    # without the token, the account parameter is no way into another account
    assert theirs not in _ids(httpx.get(url, params={"account": other, "limit": 500}))

    for path in (f"/_openses/messages/{theirs}", f"/_openses/messages/{theirs}/raw"):
        refused = httpx.get(dashboard.url + path)
        assert (refused.status_code, refused.json()) == (
            404,
            {"message": f"No delivered message with id {theirs}"},
        )
        allowed = httpx.get(dashboard.url + path, headers={"Authorization": authorization(other)})
        assert allowed.status_code == 200
    page = httpx.get(f"{dashboard.url}/_openses/inbox/{theirs}")
    assert page.status_code == 404


def test_raw_is_never_rendered(dashboard: LiveServer) -> None:
    client, sender = new_sender(dashboard)
    message_id = send(client, sender, html="<script>alert(1)</script>")
    raw = httpx.get(f"{dashboard.url}/_openses/messages/{message_id}/raw")
    assert raw.status_code == 200
    assert raw.headers["content-type"] == "message/rfc822"
    assert raw.headers["x-content-type-options"] == "nosniff"
    assert raw.headers["content-security-policy"] == "default-src 'none'; sandbox"
    assert raw.headers["content-disposition"] == 'attachment; filename="message.eml"'
    inline = httpx.get(f"{dashboard.url}/_openses/messages/{message_id}/raw?inline=true")
    assert inline.headers["content-type"] == "text/plain; charset=utf-8"
    assert inline.headers["content-disposition"] == "inline"
    assert inline.headers["content-security-policy"] == "default-src 'none'; sandbox"
    assert inline.content == raw.content


def test_dead_letters_are_scoped(dashboard: LiveServer) -> None:
    other = fresh_account()
    client, sender = new_sender(dashboard, other)
    name = unique("dead")
    client.create_configuration_set(ConfigurationSetName=name)
    client.create_configuration_set_event_destination(
        ConfigurationSetName=name,
        EventDestinationName="missing",
        EventDestination={
            "Enabled": True,
            "MatchingEventTypes": ["SEND"],
            "SnsDestination": {"TopicArn": f"arn:aws:sns:us-east-1:{other}:{unique('none')}"},
        },
    )
    message_id = send(client, sender, configuration_set=name)
    signed = {"Authorization": authorization(other)}
    url = f"{dashboard.url}/_openses/dead-letters"
    letters = eventually(
        lambda: httpx.get(url, headers=signed).json(), lambda found: len(found) == 1
    )
    assert [(d["messageId"], d["accountId"]) for d in letters] == [(message_id, other)]
    assert message_id not in {d["messageId"] for d in httpx.get(url).json()}
    # unsigned: the default account's dead letters only, so none of these
    assert httpx.post(f"{url}/{letters[0]['id']}/retry").status_code == 404
    httpx.post(f"{url}/retry")
    assert httpx.get(url, headers=signed).json()[0]["id"] == letters[0]["id"]


def test_identity_verify_is_scoped(dashboard: LiveServer) -> None:
    other = fresh_account()
    domain = f"{unique('scoped')}.example.com"
    dashboard.client("sesv2", access_key=other).create_email_identity(EmailIdentity=domain)
    refused = httpx.post(f"{dashboard.url}/_openses/identities/{domain}/verify")
    assert refused.status_code == 404
    allowed = httpx.post(
        f"{dashboard.url}/_openses/identities/{domain}/verify",
        headers={"Authorization": authorization(other)},
    )
    assert allowed.status_code == 200


def test_browser_at_root_goes_to_the_dashboard(dashboard: LiveServer) -> None:
    visit = httpx.get(dashboard.url + "/", headers={"Accept": "text/html,*/*"})
    assert (visit.status_code, visit.headers["location"]) == (302, "/_openses/")
    # the v1 API on POST / is untouched
    quota = dashboard.client("ses").get_send_quota()
    assert quota["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_admin_token_guards_everything_but_mail_clients_paths(guarded: LiveServer) -> None:
    other = fresh_account()
    client, sender = new_sender(guarded, other)
    theirs = send(client, sender)
    mine_client, mine_sender = new_sender(guarded)
    mine = send(mine_client, mine_sender)
    url = f"{guarded.url}/_openses/messages"

    for method, path in (
        ("GET", "/_openses/messages"),
        ("GET", f"/_openses/messages/{theirs}/raw"),
        ("GET", "/_openses/dead-letters"),
        ("POST", "/_openses/dead-letters/retry"),
        ("POST", "/_openses/identities/example.com/verify"),
        ("GET", "/_openses/stream/events"),
    ):
        # a SigV4 header is no admin token
        answer = httpx.request(
            method, guarded.url + path, headers={"Authorization": authorization(other)}
        )
        assert (answer.status_code, answer.json()) == (
            401,
            {"message": "This endpoint needs the admin token (Authorization: Bearer)."},
        ), path
        assert answer.headers["www-authenticate"] == "Bearer"
    wrong = httpx.get(url, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    # the operator sees every account, or the one asked for
    everyone = _ids(httpx.get(url, headers=BEARER, params={"limit": 500}))
    assert {mine, theirs} <= everyone
    one = _ids(httpx.get(url, headers=BEARER, params={"account": other, "region": "us-east-1"}))
    assert one == {theirs}
    # mail clients' paths need no token
    assert httpx.get(f"{guarded.url}/_openses/t/o/not-a-token").status_code == 400
    assert httpx.get(f"{guarded.url}/_openses/u/not-a-token").status_code == 400
    # a browser is sent to the login form
    page = httpx.get(f"{guarded.url}/_openses/inbox", headers={"Accept": "text/html"})
    assert (page.status_code, page.headers["location"]) == (
        303,
        "/_openses/login?next=%2F_openses%2Finbox",
    )


def test_login_sets_a_strict_cookie_and_forms_need_the_csrf_token(guarded: LiveServer) -> None:
    with httpx.Client(base_url=guarded.url) as browser:
        form = browser.get("/_openses/login")
        assert form.status_code == 200
        csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
        assert csrf is not None
        refused = browser.post(
            "/_openses/login", data={"token": "wrong", "csrf": csrf[1], "next": "/_openses/"}
        )
        assert refused.status_code == 401
        logged_in = browser.post(
            "/_openses/login", data={"token": TOKEN, "csrf": csrf[1], "next": "/_openses/dead"}
        )
        assert (logged_in.status_code, logged_in.headers["location"]) == (303, "/_openses/dead")
        cookie = logged_in.headers["set-cookie"]
        assert cookie.startswith("openses_session=")
        assert "HttpOnly" in cookie
        assert "SameSite=strict" in cookie
        assert "Path=/_openses/" in cookie
        assert TOKEN not in cookie
        assert browser.get("/_openses/dead").status_code == 200
        assert browser.get("/_openses/messages").status_code == 200
        # a form without the CSRF token is refused, with it accepted
        forged = browser.post("/_openses/dead/retry", data={})
        assert (forged.status_code, forged.json()) == (
            403,
            {"message": "The request lacks the CSRF token."},
        )
        assert browser.post("/_openses/dead-letters/retry").status_code == 403
        done = browser.post("/_openses/dead/retry", data={"csrf": csrf[1]})
        assert (done.status_code, done.headers["location"]) == (303, "/_openses/dead")
    # a script with the bearer token needs no CSRF token
    retried = httpx.post(f"{guarded.url}/_openses/dead-letters/retry", headers=BEARER)
    assert retried.status_code == 200


@pytest.mark.parametrize(
    ("environment", "warned"),
    [
        ({"OPENSES_HOST": "0.0.0.0"}, True),
        ({"OPENSES_HOST": "0.0.0.0", "OPENSES_ADMIN_TOKEN": TOKEN}, False),
        ({"OPENSES_HOST": "127.0.0.1"}, False),
    ],
)
def test_serve_warns_when_open_beyond_loopback(
    tmp_path: Path, environment: dict[str, str], warned: bool
) -> None:
    log = tmp_path / "serve.log"
    env = {
        "OPENSES_DATABASE_URL": f"sqlite:///{tmp_path}/openses.db",
        "OPENSES_DISPATCH_EVENTS": "false",
        **environment,
    }
    process = serve_process(env, free_port(), log)
    try:
        lines = log.read_text().splitlines()
    finally:
        process.terminate()
        process.wait(timeout=30)
    warnings = [line.split(" WARNING openses ", 1)[1] for line in lines if " WARNING " in line]
    expected = (
        "listening on 0.0.0.0 without OPENSES_ADMIN_TOKEN: anyone who reaches this port can "
        "read the default account's captured mail and manage it from the dashboard (/_openses/)"
    )
    # (open mode beyond loopback warns about OPENSES_AUTH too: tests/test_serve_auth.py)
    assert (expected in warnings) is warned
