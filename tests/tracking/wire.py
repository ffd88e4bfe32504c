"""Helpers for tracking tests through the wire: tracked configuration sets, HTML sends, and
following tracking links at the live server with the Host the link names."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import httpx

from tests.support import LiveServer, unique

TOPIC = "arn:aws:sns:us-east-1:123456789012:tracking"
TOKEN = re.compile(r"(/_openses/t/[oc]/)[A-Za-z0-9_-]+")
HREF = re.compile(r'href="([^"]*)"')
SRC = re.compile(r'<img alt="" src="([^"]*)"')
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) openses-tests"


def tracked_set(sesv2: Any, event_types: list[str], **options: Any) -> str:
    name = unique("track")
    sesv2.create_configuration_set(ConfigurationSetName=name, **options)
    sesv2.create_configuration_set_event_destination(
        ConfigurationSetName=name,
        EventDestinationName="engagement",
        EventDestination={
            "Enabled": True,
            "MatchingEventTypes": event_types,
            "SnsDestination": {"TopicArn": TOPIC},
        },
    )
    return name


def send_html(sesv2: Any, sender: str, config_set: str | None, html: str) -> str:
    kwargs: dict[str, Any] = {
        "FromEmailAddress": sender,
        "Destination": {"ToAddresses": ["reader@example.net"]},
        "Content": {
            "Simple": {
                "Subject": {"Data": "Tracked"},
                "Body": {"Text": {"Data": "text https://example.com/t"}, "Html": {"Data": html}},
            }
        },
    }
    if config_set:
        kwargs["ConfigurationSetName"] = config_set
    return str(sesv2.send_email(**kwargs)["MessageId"])


def inspect(server: LiveServer, message_id: str) -> dict[str, Any]:
    response = httpx.get(f"{server.url}/_openses/messages/{message_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def masked(html: str) -> str:
    """The HTML with each token replaced by TOKEN, to compare whole documents."""
    return TOKEN.sub(r"\1TOKEN", html)


def follow(server: LiveServer, url: str, **headers: str) -> httpx.Response:
    """GET a tracking URL at the live server, sending the Host the URL names."""
    parts = urlsplit(url)
    target = f"{server.url}{parts.path}" + (f"?{parts.query}" if parts.query else "")
    return httpx.get(
        target,
        headers={"Host": parts.netloc, "User-Agent": BROWSER, **headers},
        follow_redirects=False,
    )


def events_of(server: LiveServer, message_id: str, event_type: str) -> list[dict[str, Any]]:
    return [e for e in inspect(server, message_id)["events"] if e["eventType"] == event_type]
