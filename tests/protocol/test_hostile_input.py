"""A sweep: every class of hostile value a fuzzer found (deep nesting, a huge number, a lone
surrogate, NUL, CR/LF) sent to representative operations of both protocols, in the places a
client can put it (a JSON value, a form parameter, TemplateData, a path). None may answer 5xx,
and every answer must be one the client can read (well-formed XML or JSON)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote_from_bytes

import httpx
import pytest

from tests.support import LiveServer, unique

# Each class as JSON text for a v2 body, and as UTF-8 bytes for a v1 form value.
HOSTILE_JSON = {
    "deep": "[" * 100_000 + "]" * 100_000,
    "huge-number": "9" * 5000,
    "lone-surrogate": '"a\\ud800"',
    "nul": '"a\\u0000"',
    "cr-lf": '"a\\r\\nBcc: evil@example.org"',
}
HOSTILE_FORM = {
    "deep": ("[" * 100_000 + "]" * 100_000).encode(),
    "huge-number": b"9" * 5000,
    "lone-surrogate": b"a\xed\xa0\x80",  # U+D800 as CESU-8: no valid UTF-8 spells it
    "nul": b"a\x00",
    "cr-lf": b"a\r\nBcc: evil@example.org",
}
CLASSES = list(HOSTILE_JSON)


@pytest.fixture
def stage(sesv2: Any) -> Iterator[dict[str, str]]:
    """A verified sender, a template and a configuration set for the operations to reach."""
    domain = f"{unique('d')}.example.com"
    template = unique("tpl")
    config_set = unique("set")
    sesv2.create_email_identity(EmailIdentity=domain)
    sesv2.create_email_template(
        TemplateName=template, TemplateContent={"Subject": "Hi {{name}}", "Text": "{{name}}"}
    )
    sesv2.create_configuration_set(ConfigurationSetName=config_set)
    yield {"sender": f"s@{domain}", "template": template, "set": config_set}
    sesv2.delete_configuration_set(ConfigurationSetName=config_set)
    sesv2.delete_email_template(TemplateName=template)
    sesv2.delete_email_identity(EmailIdentity=domain)


SLOT = "\ue000SLOT"  # a private-use character: where the hostile JSON text goes


def v2_requests(stage: dict[str, str], value: str) -> dict[str, tuple[str, str, str]]:
    """Operation -> (method, path, JSON body) with ``value`` (JSON text) in one member."""
    sender, template, config_set = stage["sender"], stage["template"], stage["set"]
    data = json.dumps('{"name": ' + value + "}")  # TemplateData: a string holding JSON
    simple = {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}}

    def send(**changes: Any) -> dict[str, Any]:
        body = {
            "FromEmailAddress": sender,
            "Destination": {"ToAddresses": ["a@example.net"]},
            "Content": {"Simple": simple},
        }
        return {**body, **changes}

    bodies: dict[str, tuple[str, str, dict[str, Any], str]] = {
        "CreateConfigurationSet": (
            "POST",
            "/v2/email/configuration-sets",
            {"ConfigurationSetName": SLOT},
            value,
        ),
        "CreateConfigurationSet tag": (
            "POST",
            "/v2/email/configuration-sets",
            {"ConfigurationSetName": unique("h"), "Tags": [{"Key": "k", "Value": SLOT}]},
            value,
        ),
        "PutConfigurationSetDeliveryOptions": (
            "PUT",
            f"/v2/email/configuration-sets/{config_set}/delivery-options",
            {"MaxDeliverySeconds": SLOT},
            value,
        ),
        "CreateEmailIdentity": ("POST", "/v2/email/identities", {"EmailIdentity": SLOT}, value),
        "PutSuppressedDestination": (
            "PUT",
            "/v2/email/suppression/addresses",
            {"EmailAddress": SLOT, "Reason": "BOUNCE"},
            value,
        ),
        "CreateEmailTemplate": (
            "POST",
            "/v2/email/templates",
            {"TemplateName": unique("h"), "TemplateContent": {"Subject": SLOT}},
            value,
        ),
        "TestRenderEmailTemplate": (
            "POST",
            f"/v2/email/templates/{template}/render",
            {"TemplateData": SLOT},
            data,
        ),
        "SendEmail subject": (
            "POST",
            "/v2/email/outbound-emails",
            send(Content={"Simple": {**simple, "Subject": {"Data": SLOT}}}),
            value,
        ),
        "SendEmail to": (
            "POST",
            "/v2/email/outbound-emails",
            send(Destination={"ToAddresses": [SLOT]}),
            value,
        ),
        "SendEmail set": (
            "POST",
            "/v2/email/outbound-emails",
            send(ConfigurationSetName=SLOT),
            value,
        ),
        "SendEmail template data": (
            "POST",
            "/v2/email/outbound-emails",
            send(Content={"Template": {"TemplateName": template, "TemplateData": SLOT}}),
            data,
        ),
    }
    return {
        name: (method, path, json.dumps(body).replace(json.dumps(SLOT), text))
        for name, (method, path, body, text) in bodies.items()
    }


def v1_requests(stage: dict[str, str], value: bytes) -> dict[str, dict[bytes, bytes]]:
    """Operation -> form with ``value`` (UTF-8 bytes, maybe invalid) in one parameter."""
    sender, template = stage["sender"].encode(), stage["template"].encode()
    data = b'{"name": "' + value + b'"}'
    send = {
        b"Action": b"SendEmail",
        b"Source": sender,
        b"Destination.ToAddresses.member.1": b"a@example.net",
        b"Message.Subject.Data": b"s",
        b"Message.Body.Text.Data": b"b",
    }
    return {
        "CreateConfigurationSet": {
            b"Action": b"CreateConfigurationSet",
            b"ConfigurationSet.Name": value,
        },
        "VerifyEmailIdentity": {b"Action": b"VerifyEmailIdentity", b"EmailAddress": value},
        "CreateTemplate": {
            b"Action": b"CreateTemplate",
            b"Template.TemplateName": unique("h").encode(),
            b"Template.SubjectPart": value,
        },
        "ListTemplates": {b"Action": b"ListTemplates", b"MaxItems": value},
        "TestRenderTemplate": {
            b"Action": b"TestRenderTemplate",
            b"TemplateName": template,
            b"TemplateData": data,
        },
        "SendEmail subject": {**send, b"Message.Subject.Data": value},
        "SendEmail to": {**send, b"Destination.ToAddresses.member.1": value},
        "SendEmail tag": {**send, b"Tags.member.1.Name": b"k", b"Tags.member.1.Value": value},
        "SendTemplatedEmail": {
            b"Action": b"SendTemplatedEmail",
            b"Source": sender,
            b"Destination.ToAddresses.member.1": b"a@example.net",
            b"Template": template,
            b"TemplateData": data,
        },
    }


def _form(fields: dict[bytes, bytes]) -> bytes:
    return b"&".join(
        quote_from_bytes(key).encode() + b"=" + quote_from_bytes(value).encode()
        for key, value in fields.items()
    )


@pytest.mark.parametrize("hostile", CLASSES)
def test_v2_hostile_values_never_answer_5xx(
    server: LiveServer, stage: dict[str, str], hostile: str
) -> None:
    answers = {}
    with httpx.Client(base_url=server.url, timeout=30) as client:
        for name, (method, path, body) in v2_requests(stage, HOSTILE_JSON[hostile]).items():
            response = client.request(
                method, path, content=body.encode(), headers={"Content-Type": "application/json"}
            )
            response.json()  # readable
            answers[name] = response.status_code
        # the path, too, as the bytes a client can put there
        segment = quote_from_bytes(HOSTILE_FORM[hostile][:2000], safe="")
        response = client.get("/v2/email/configuration-sets/" + segment)
        response.json()
        answers["GetConfigurationSet path"] = response.status_code
    assert {name: status for name, status in answers.items() if status >= 500} == {}


@pytest.mark.parametrize("hostile", CLASSES)
def test_v1_hostile_values_never_answer_5xx(
    server: LiveServer, stage: dict[str, str], hostile: str
) -> None:
    answers = {}
    with httpx.Client(base_url=server.url, timeout=30) as client:
        for name, fields in v1_requests(stage, HOSTILE_FORM[hostile]).items():
            response = client.post(
                "/",
                content=_form(fields),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
            ET.fromstring(response.content)  # well-formed XML
            answers[name] = response.status_code
    assert {name: status for name, status in answers.items() if status >= 500} == {}


@pytest.mark.parametrize("hostile", CLASSES)
def test_openses_endpoints_hostile_values_never_answer_5xx(
    server: LiveServer, hostile: str
) -> None:
    value = HOSTILE_FORM[hostile][:2000]
    answers = {}
    with httpx.Client(base_url=server.url, timeout=30) as client:
        for path in (
            "/_openses/messages?to=" + quote_from_bytes(value),
            "/_openses/messages?limit=" + quote_from_bytes(value),
            "/_openses/messages?cursor=" + quote_from_bytes(value),
            "/_openses/messages/" + quote_from_bytes(value, safe=""),
            "/_openses/messages/" + quote_from_bytes(value, safe="") + "/raw",
            # the dashboard (issue 19)
            *(
                f"/_openses/inbox?{name}=" + quote_from_bytes(value)
                for name in ("to", "from", "set", "tag", "q", "since", "until", "cursor")
            ),
            "/_openses/inbox/" + quote_from_bytes(value, safe=""),
            "/_openses/inbox/" + quote_from_bytes(value, safe="") + "/attachments/0",
            "/_openses/sets?q=" + quote_from_bytes(value),
            "/_openses/sets/" + quote_from_bytes(value, safe=""),
            "/_openses/templates/" + quote_from_bytes(value, safe=""),
            "/_openses/live?set=" + quote_from_bytes(value),
            "/_openses-mail/" + quote_from_bytes(value, safe=""),
        ):
            response = client.get(path)
            answers[path[:60]] = response.status_code
        for path in (
            "/_openses/dead-letters/" + quote_from_bytes(value, safe="") + "/retry",
            "/_openses/identities/" + quote_from_bytes(value, safe="") + "/verify",
        ):
            answers[path[:40]] = client.post(path).status_code
        for path, field in (
            ("/_openses/sets/" + quote_from_bytes(value, safe="") + "/sending", "enabled"),
            ("/_openses/identities/" + quote_from_bytes(value, safe="") + "/change", "action"),
            ("/_openses/suppression", "address"),
            ("/_openses/dead/retry", "id"),
            ("/_openses/view", "account"),
        ):
            form = field.encode() + b"=" + quote_from_bytes(value).encode()
            response = client.post(
                path, content=form, headers={"Content-Type": "application/x-www-form-urlencoded"}
            )
            answers["POST " + path[:60]] = response.status_code
    assert {name: status for name, status in answers.items() if status >= 500} == {}
