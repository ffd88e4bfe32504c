"""Helpers for the sending tests: a configuration set, the inspection API, event checks and a
v2 SendEmail."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import httpx

from tests.events_schema import schema_errors
from tests.support import LiveServer, unique

SIM = "simulator.amazonses.com"


@contextlib.contextmanager
def configuration_set(sesv2: Any) -> Iterator[str]:
    """A new configuration set's name, deleted afterwards."""
    name = unique("send")
    sesv2.create_configuration_set(ConfigurationSetName=name)
    yield name
    sesv2.delete_configuration_set(ConfigurationSetName=name)


def inspect(server: LiveServer, message_id: str) -> dict[str, Any]:
    response = httpx.get(f"{server.url}/_openses/messages/{message_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def event_types(message: dict[str, Any]) -> list[str]:
    return [event["eventType"] for event in message["events"]]


def assert_valid(message: dict[str, Any]) -> None:
    for event in message["events"]:
        assert schema_errors(event) == [], event


def send_v2(sesv2: Any, sender: str, to: list[str], config_set: str | None, **extra: Any) -> str:
    kwargs: dict[str, Any] = {
        "FromEmailAddress": sender,
        "Destination": {"ToAddresses": to},
        "Content": {
            "Simple": {
                "Subject": {"Data": "Hello"},
                "Body": {"Text": {"Data": "plain body"}, "Html": {"Data": "<p>html body</p>"}},
            }
        },
        **extra,
    }
    if config_set:
        kwargs["ConfigurationSetName"] = config_set
    return str(sesv2.send_email(**kwargs)["MessageId"])
