"""Issue 18: each input tests/api/test_fuzz.py found answering 5xx, an unreadable answer or a
hang, as a regression test of its own, on SQLite and PostgreSQL."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import httpx

from tests.support import LiveServer

V1_NS = {"ses": "http://ses.amazonaws.com/doc/2010-12-01/"}


def v1_error(response: httpx.Response) -> tuple[int, str, str]:
    root = ET.fromstring(response.content)  # well-formed XML, or this raises
    code = root.findtext("ses:Error/ses:Code", namespaces=V1_NS)
    message = root.findtext("ses:Error/ses:Message", namespaces=V1_NS)
    return response.status_code, code or "", message or ""


def test_v1_unknown_action_with_control_characters_is_well_formed_xml(server: LiveServer) -> None:
    """Characters XML 1.0 cannot carry reach the client as U+FFFD; U+007F and tab can."""
    response = httpx.post(
        server.url,
        content=b"Action=%01%1F%7F%09&Version=2010-12-01",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert v1_error(response) == (
        400,
        "InvalidAction",
        "Could not find operation \ufffd\ufffd\x7f\t for version 2010-12-01",
    )
