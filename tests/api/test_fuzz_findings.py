"""Issue 18: each input tests/api/test_fuzz.py found answering 5xx, an unreadable answer or a
hang, as a regression test of its own, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

import httpx
import pytest

from tests.support import LiveServer, all_set_names, unique

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


LONG_REGION = "r" * 300
# longer than the store's region columns, yet spelled as a region
LONG_BUT_REGION_SHAPED = "aa-" + "b" * 40 + "-1"


def _authorization(region: str) -> str:
    return (
        f"AWS4-HMAC-SHA256 Credential=123456789012/20240101/{region}/ses/aws4_request, "
        "SignedHeaders=host, Signature=0"
    )


@pytest.mark.parametrize("region", [LONG_REGION, LONG_BUT_REGION_SHAPED, "local"])
def test_open_mode_refuses_a_scope_that_names_no_region(
    server: LiveServer, sesv2: Any, region: str
) -> None:
    """Open mode verifies no signature, but the region it reads from the scope must still be
    one (on PostgreSQL a 300-character region answered 500: region columns hold 32)."""
    name = unique("rgn")
    message = f"Credential should be scoped to a valid region, not '{region}'."
    v1 = httpx.post(
        server.url,
        content=f"Action=CreateConfigurationSet&ConfigurationSet.Name={name}".encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Authorization": _authorization(region),
        },
    )
    assert v1_error(v1) == (403, "IncompleteSignature", message)
    v2 = httpx.post(
        f"{server.url}/v2/email/configuration-sets",
        content=json.dumps({"ConfigurationSetName": name}).encode(),
        headers={"Content-Type": "application/json", "Authorization": _authorization(region)},
    )
    assert (v2.status_code, v2.headers["x-amzn-ErrorType"], v2.json()) == (
        403,
        "IncompleteSignatureException",
        {"message": message},
    )
    assert name not in all_set_names(sesv2)
