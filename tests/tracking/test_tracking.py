"""Open and click tracking through the wire: send HTML with a tracked configuration set, read
the captured HTML, follow the links, and read the Open and Click events back."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from openses.store.database import make_engine
from openses.store.tables import tracking_keys
from openses.tracking.tokens import Claims, Key, Kind, sign
from openses.web.tracking import PIXEL
from tests.events_schema import schema_errors
from tests.support import LiveServer, unique, verified_sender
from tests.tracking.wire import (
    BROWSER,
    HREF,
    SRC,
    TOPIC,
    events_of,
    follow,
    inspect,
    masked,
    send_html,
    tracked_set,
)

DOCUMENT = (
    "<html><head><style>p { color: red; }</style></head><body>\n"
    '<!--[if mso]><p class="mso">Outlook</p><![endif]-->\n'
    "<p>Hi &amp; welcome</p>\n"
    '<a href="https://example.com/plain">plain</a>\n'
    '<a href="https://example.com/search?q=a&amp;page=2">entities</a>\n'
    '<a ses:no-track href="https://example.com/untracked">untracked</a>\n'
    '<a href="http://example.com/tagged" ses:tags="campaign:spring;variant:b-2">tagged</a>\n'
    '<a href="mailto:someone@example.com">mail</a>\n'
    '<a href="/relative/path">relative</a> <a href="#section">anchor</a>\n'
    "</body></html>"
)
TRACKED = [
    ("https://example.com/plain", {}),
    ("https://example.com/search?q=a&page=2", {}),
    ("http://example.com/tagged", {"campaign": ["spring"], "variant": ["b-2"]}),
]
PUBLIC = "http://127.0.0.1:8585"
DOMAIN = "track.example.org"

# (TrackingOptions, open base, click base for an https link, click base for an http link)
POLICIES = {
    "public-url": (None, PUBLIC, PUBLIC, PUBLIC),
    "domain-no-policy": (
        {"CustomRedirectDomain": DOMAIN},
        f"http://{DOMAIN}",
        f"https://{DOMAIN}",
        f"http://{DOMAIN}",
    ),
    "OPTIONAL": (
        {"CustomRedirectDomain": DOMAIN, "HttpsPolicy": "OPTIONAL"},
        f"http://{DOMAIN}",
        f"https://{DOMAIN}",
        f"http://{DOMAIN}",
    ),
    "REQUIRE_OPEN_ONLY": (
        {"CustomRedirectDomain": DOMAIN, "HttpsPolicy": "REQUIRE_OPEN_ONLY"},
        f"https://{DOMAIN}",
        f"https://{DOMAIN}",
        f"http://{DOMAIN}",
    ),
    "REQUIRE": (
        {"CustomRedirectDomain": DOMAIN, "HttpsPolicy": "REQUIRE"},
        f"https://{DOMAIN}",
        f"https://{DOMAIN}",
        f"https://{DOMAIN}",
    ),
}


@pytest.fixture
def sender(sesv2: Any) -> Iterator[str]:
    with verified_sender(sesv2, "d", local_part="news") as address:
        yield address


def expected_html(open_base: str, https_base: str, http_base: str) -> str:
    return (
        "<html><head><style>p { color: red; }</style></head><body>\n"
        '<!--[if mso]><p class="mso">Outlook</p><![endif]-->\n'
        "<p>Hi &amp; welcome</p>\n"
        f'<a href="{https_base}/_openses/t/c/TOKEN">plain</a>\n'
        f'<a href="{https_base}/_openses/t/c/TOKEN">entities</a>\n'
        '<a href="https://example.com/untracked">untracked</a>\n'
        f'<a href="{http_base}/_openses/t/c/TOKEN">tagged</a>\n'
        '<a href="mailto:someone@example.com">mail</a>\n'
        '<a href="/relative/path">relative</a> <a href="#section">anchor</a>\n'
        f'<img alt="" src="{open_base}/_openses/t/o/TOKEN" width="1" height="1" '
        'style="border:0;width:1px;height:1px;" /></body></html>'
    )


@pytest.mark.parametrize("policy", list(POLICIES))
def test_links_and_pixel_are_tracked_for_every_https_policy(
    server: LiveServer, sesv2: Any, sender: str, policy: str
) -> None:
    options, open_base, https_base, http_base = POLICIES[policy]
    extra = {"TrackingOptions": options} if options else {}
    config_set = tracked_set(sesv2, ["SEND", "OPEN", "CLICK"], **extra)
    message_id = send_html(sesv2, sender, config_set, DOCUMENT)

    message = inspect(server, message_id)
    assert masked(message["html"]) == expected_html(open_base, https_base, http_base)
    assert message["text"] == "text https://example.com/t"
    links = [href for href in HREF.findall(message["html"]) if "/_openses/t/c/" in href]
    assert len(links) == 3

    for link, (target, _) in zip(links, TRACKED, strict=True):
        response = follow(server, link)
        assert response.status_code == 302
        assert response.headers["location"] == target
        assert response.headers["cache-control"] == "no-cache, no-store, must-revalidate, max-age=0"
    pixel = follow(server, SRC.findall(message["html"])[0])
    assert pixel.status_code == 200
    assert pixel.content == PIXEL
    assert pixel.headers["content-type"] == "image/gif"
    assert pixel.headers["cache-control"] == "no-cache, no-store, must-revalidate, max-age=0"
    assert pixel.headers["pragma"] == "no-cache"
    assert pixel.headers["expires"] == "0"

    events = inspect(server, message_id)["events"]
    assert [e["eventType"] for e in events] == [
        "Send",
        "Delivery",
        "Click",
        "Click",
        "Click",
        "Open",
    ]
    for event in events:
        assert schema_errors(event) == [], event
    mail = events[0]["mail"]
    clicks = [e for e in events if e["eventType"] == "Click"]
    for event, (target, tags) in zip(clicks, TRACKED, strict=True):
        assert event["mail"] == mail
        assert {k: v for k, v in event["click"].items() if k != "timestamp"} == {
            "ipAddress": "127.0.0.1",
            "userAgent": BROWSER,
            "link": target,
            "linkTags": tags,
        }
    opened = events[-1]
    assert opened["mail"] == mail
    assert {k: v for k, v in opened["open"].items() if k != "timestamp"} == {
        "ipAddress": "127.0.0.1",
        "userAgent": BROWSER,
    }


def test_each_open_and_click_is_recorded(server: LiveServer, sesv2: Any, sender: str) -> None:
    config_set = tracked_set(sesv2, ["OPEN", "CLICK"])
    message_id = send_html(sesv2, sender, config_set, DOCUMENT)
    html = inspect(server, message_id)["html"]
    link = HREF.findall(html)[0]
    for _ in range(3):
        assert follow(server, link).status_code == 302
        assert follow(server, SRC.findall(html)[0]).status_code == 200
    assert len(events_of(server, message_id, "Click")) == 3
    assert len(events_of(server, message_id, "Open")) == 3


def test_opens_only_or_clicks_only(server: LiveServer, sesv2: Any, sender: str) -> None:
    source = '<body><a href="https://example.com/" ses:tags="a:b">e</a></body>'
    opens = send_html(sesv2, sender, tracked_set(sesv2, ["OPEN"]), source)
    clicks = send_html(sesv2, sender, tracked_set(sesv2, ["CLICK", "DELIVERY"]), source)
    assert masked(inspect(server, opens)["html"]) == (
        '<body><a href="https://example.com/">e</a><img alt="" '
        f'src="{PUBLIC}/_openses/t/o/TOKEN" width="1" height="1" '
        'style="border:0;width:1px;height:1px;" /></body>'
    )
    assert masked(inspect(server, clicks)["html"]) == (
        f'<body><a href="{PUBLIC}/_openses/t/c/TOKEN">e</a></body>'
    )


def test_untracked_sends_are_left_byte_for_byte(
    server: LiveServer, sesv2: Any, sender: str
) -> None:
    no_engagement = tracked_set(sesv2, ["SEND", "DELIVERY", "BOUNCE"])
    disabled = tracked_set(sesv2, ["OPEN", "CLICK"])
    sesv2.update_configuration_set_event_destination(
        ConfigurationSetName=disabled,
        EventDestinationName="engagement",
        EventDestination={
            "Enabled": False,
            "MatchingEventTypes": ["OPEN", "CLICK"],
            "SnsDestination": {"TopicArn": TOPIC},
        },
    )
    for config_set in (None, no_engagement, disabled):
        message_id = send_html(sesv2, sender, config_set, DOCUMENT)
        assert inspect(server, message_id)["html"] == DOCUMENT


def test_template_and_raw_sends_are_tracked(server: LiveServer, sesv2: Any, sender: str) -> None:
    config_set = tracked_set(sesv2, ["CLICK"])
    template = unique("tpl")
    sesv2.create_email_template(
        TemplateName=template,
        TemplateContent={
            "Subject": "Hi {{name}}",
            "Html": '<p>Hi {{name}}, <a href="https://example.com/{{name}}">go</a></p>',
            "Text": "Hi {{name}}",
        },
    )
    templated = sesv2.send_email(
        FromEmailAddress=sender,
        Destination={"ToAddresses": ["reader@example.net"]},
        Content={"Template": {"TemplateName": template, "TemplateData": '{"name": "ana"}'}},
        ConfigurationSetName=config_set,
    )["MessageId"]
    raw = (
        f"From: {sender}\r\nTo: reader@example.net\r\nSubject: raw\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/alternative; boundary="b1"\r\n\r\n'
        "--b1\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nsee https://example.com/r\r\n"
        "--b1\r\nContent-Type: text/html; charset=utf-8\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n"
        "PHA+PGEgaHJlZj0iaHR0cHM6Ly9leGFtcGxlLmNvbS9yIj5yPC9hPjwvcD4=\r\n--b1--\r\n"
    )
    raw_id = sesv2.send_email(
        FromEmailAddress=sender,
        Destination={"ToAddresses": ["reader@example.net"]},
        Content={"Raw": {"Data": raw.encode()}},
        ConfigurationSetName=config_set,
    )["MessageId"]
    try:
        assert masked(inspect(server, templated)["html"]) == (
            f'<p>Hi ana, <a href="{PUBLIC}/_openses/t/c/TOKEN">go</a></p>'
        )
        raw_message = inspect(server, raw_id)
        assert (
            masked(raw_message["html"]) == f'<p><a href="{PUBLIC}/_openses/t/c/TOKEN">r</a></p>\n'
        )
        assert raw_message["text"] == "see https://example.com/r"
        response = follow(server, HREF.findall(raw_message["html"])[0])
        assert response.headers["location"] == "https://example.com/r"
        response = follow(server, HREF.findall(inspect(server, templated)["html"])[0])
        assert response.headers["location"] == "https://example.com/ana"
    finally:
        sesv2.delete_email_template(TemplateName=template)


def test_a_deleted_configuration_set_still_redirects_but_records_nothing(
    server: LiveServer, sesv2: Any, sender: str
) -> None:
    config_set = tracked_set(sesv2, ["OPEN", "CLICK"])
    message_id = send_html(sesv2, sender, config_set, DOCUMENT)
    html = inspect(server, message_id)["html"]
    sesv2.delete_configuration_set(ConfigurationSetName=config_set)
    response = follow(server, HREF.findall(html)[0])
    assert response.status_code == 302
    assert response.headers["location"] == "https://example.com/plain"
    assert follow(server, SRC.findall(html)[0]).content == PIXEL
    assert [e["eventType"] for e in inspect(server, message_id)["events"]] == ["Send", "Delivery"]


def test_the_user_agent_is_recorded_as_sent(server: LiveServer, sesv2: Any, sender: str) -> None:
    """X-Forwarded-For is tested with ``openses serve`` in test_keys.py: the test server's
    uvicorn believes it from loopback peers, as uvicorn does by default."""
    message_id = send_html(sesv2, sender, tracked_set(sesv2, ["OPEN"]), "<p>x</p>")
    pixel = SRC.findall(inspect(server, message_id)["html"])[0]
    follow(server, pixel)
    httpx.get(server.url + pixel.removeprefix(PUBLIC))
    follow(server, pixel, **{"User-Agent": ""})
    opens = [e["open"] for e in events_of(server, message_id, "Open")]
    assert [(o["ipAddress"], o["userAgent"]) for o in opens] == [
        ("127.0.0.1", BROWSER),
        ("127.0.0.1", f"python-httpx/{httpx.__version__}"),
        ("127.0.0.1", ""),
    ]


def _signing_key(server: LiveServer) -> Key:
    engine = make_engine(server.settings.database_url)
    try:
        with engine.connect() as connection:
            row = connection.execute(
                select(tracking_keys)
                .where(tracking_keys.c.retired_at.is_(None))
                .order_by(tracking_keys.c.id.desc())
            ).first()
    finally:
        engine.dispose()
    assert row is not None
    return Key(row.id, bytes.fromhex(row.secret))


def _token(url: str) -> str:
    return url.rsplit("/", 1)[1]


@pytest.fixture
def tracked_message(server: LiveServer, sesv2: Any, sender: str) -> tuple[str, str, str]:
    """(message id, click URL, open URL) of a tracked message."""
    message_id = send_html(sesv2, sender, tracked_set(sesv2, ["OPEN", "CLICK"]), DOCUMENT)
    html = inspect(server, message_id)["html"]
    return message_id, HREF.findall(html)[0], SRC.findall(html)[0]


def _refused(response: httpx.Response, status: int) -> None:
    assert response.status_code == status
    assert "location" not in response.headers
    assert response.headers["content-type"] == "text/html; charset=utf-8"


def test_forged_truncated_and_altered_tokens_are_refused(
    server: LiveServer, tracked_message: tuple[str, str, str]
) -> None:
    message_id, link, pixel = tracked_message
    token = _token(link)
    middle = len(token) // 2
    altered = token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1 :]
    for bad in (
        "forged",
        "AgAAAAF" + "x" * 60,
        token[:-4],
        token[:20],
        altered,
        token + "A",
        _token(pixel),  # an open token is no click token
    ):
        _refused(follow(server, f"{PUBLIC}/_openses/t/c/{bad}"), 400)
    _refused(follow(server, f"{PUBLIC}/_openses/t/o/{token}"), 400)
    _refused(follow(server, f"{PUBLIC}/_openses/t/o/{_token(pixel)[:-2]}"), 400)
    assert [e["eventType"] for e in inspect(server, message_id)["events"]] == ["Send", "Delivery"]


def test_a_target_in_the_query_string_is_ignored(
    server: LiveServer, tracked_message: tuple[str, str, str]
) -> None:
    _, link, _ = tracked_message
    for query in ("url=https://evil.example/", "redirect=https%3A%2F%2Fevil.example", "u=//evil"):
        response = follow(server, f"{link}?{query}")
        assert response.status_code == 302
        assert response.headers["location"] == "https://example.com/plain"


def test_unknown_keys_and_foreign_messages_are_not_found(
    server: LiveServer, tracked_message: tuple[str, str, str]
) -> None:
    message_id, link, _ = tracked_message
    key = _signing_key(server)
    claims = Claims(
        kind=Kind.CLICK,
        account_id="123456789012",
        region="us-east-1",
        message_id=message_id,
        link="https://evil.example/",
    )
    assert follow(server, link).status_code == 302  # the same message, really signed
    for forged in (
        sign(claims, Key(key.id + 1000, key.secret)),  # unknown key id
        sign(dataclasses.replace(claims, account_id="111111111111"), key),  # replayed elsewhere
        sign(dataclasses.replace(claims, region="eu-west-1"), key),
        sign(dataclasses.replace(claims, message_id=message_id[:-1] + "1"), key),
    ):
        _refused(follow(server, f"{PUBLIC}/_openses/t/c/{forged}"), 404)
        opened = dataclasses.replace(claims, kind=Kind.OPEN, link="")
        _refused(follow(server, f"{PUBLIC}/_openses/t/o/{sign(opened, Key(0, b'x'))}"), 404)
    assert len(events_of(server, message_id, "Click")) == 1


def test_the_account_of_the_message_is_the_account_of_the_token(
    server: LiveServer, tracked_message: tuple[str, str, str]
) -> None:
    """Another account's client reaching the link changes nothing: the token names the account,
    and the event lands in the sender's set, whatever the caller's credentials."""
    message_id, link, _ = tracked_message
    other = httpx.get(
        server.url + link.removeprefix(PUBLIC),
        headers={
            "Authorization": "AWS4-HMAC-SHA256 "
            "Credential=222222222222/20260101/eu-west-1/ses/aws4_request"
        },
        follow_redirects=False,
    )
    assert other.status_code == 302
    assert events_of(server, message_id, "Click")[0]["mail"]["sendingAccountId"] == "123456789012"
