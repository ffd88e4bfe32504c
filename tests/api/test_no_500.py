"""Issue 13, "No 500 for any input": each input that a fuzzer found answering HTTP 500 (or
hanging) gets AWS's 4xx and changes nothing, on SQLite and PostgreSQL."""

from __future__ import annotations

import email
import json
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError

from tests.support import LiveServer, unique

V1_NS = {"ses": "http://ses.amazonaws.com/doc/2010-12-01/"}
DEEP = "[" * 100_000 + "]" * 100_000
INJECTED = "x\r\nBcc: evil@example.org"


def rejected(call: Any) -> tuple[dict[str, str], int]:
    with pytest.raises(ClientError) as raised:
        call()
    response = raised.value.response
    error = {key: response["Error"][key] for key in ("Code", "Message")}
    return error, response["ResponseMetadata"]["HTTPStatusCode"]


def v1_error(response: httpx.Response) -> tuple[int, str, str]:
    root = ET.fromstring(response.content)
    code = root.findtext("ses:Error/ses:Code", namespaces=V1_NS)
    message = root.findtext("ses:Error/ses:Message", namespaces=V1_NS)
    return response.status_code, code or "", message or ""


def v2_error(response: httpx.Response) -> tuple[int, str, dict[str, Any]]:
    return response.status_code, response.headers["x-amzn-ErrorType"], response.json()


def all_set_names(sesv2: Any) -> list[str]:
    return list(sesv2.list_configuration_sets(PageSize=1000)["ConfigurationSets"])


def messages_to(server: LiveServer, address: str) -> list[dict[str, Any]]:
    response = httpx.get(f"{server.url}/_openses/messages", params={"to": address})
    assert response.status_code == 200
    return list(response.json()["messages"])


@pytest.fixture
def sender(sesv2: Any) -> Iterator[str]:
    domain = f"{unique('d')}.example.com"
    sesv2.create_email_identity(EmailIdentity=domain)
    yield f"sender@{domain}"
    sesv2.delete_email_identity(EmailIdentity=domain)


@pytest.fixture
def template(sesv2: Any) -> Iterator[str]:
    name = unique("tpl")
    sesv2.create_email_template(
        TemplateName=name,
        TemplateContent={"Subject": "Hi {{name}}", "Text": "Body {{body}}"},
    )
    yield name
    sesv2.delete_email_template(TemplateName=name)


# --- v2 bodies: deep nesting, huge numbers ----------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            '{"ConfigurationSetName": "NAME", "Tags": ' + DEEP + "}",
            "Could not parse request body into json: nesting deeper than 100 levels",
        ),
        (
            '{"ConfigurationSetName": "NAME", "Unknown": ' + "[" * 101 + "]" * 101 + "}",
            "Could not parse request body into json: nesting deeper than 100 levels",
        ),
        (
            '{"ConfigurationSetName": "NAME", "DeliveryOptions": {"MaxDeliverySeconds": '
            + "9" * 5000
            + "}}",
            "Could not parse request body into json: a number of 5000 characters, more than 1000",
        ),
        (
            '{"ConfigurationSetName": "NAME", "DeliveryOptions": {"MaxDeliverySeconds": '
            + "9" * 30
            + "}}",
            "Numeric value (" + "9" * 30 + ") out of range of long "
            "(-9223372036854775808 - 9223372036854775807)",
        ),
    ],
    ids=["100000-deep", "101-deep", "5000-digits", "beyond-long"],
)
def test_v2_hostile_json_body_is_a_serialization_error(
    server: LiveServer, sesv2: Any, body: str, message: str
) -> None:
    name = unique("deep")
    response = httpx.post(
        f"{server.url}/v2/email/configuration-sets",
        content=body.replace("NAME", name).encode(),
        headers={"Content-Type": "application/json"},
    )
    assert v2_error(response) == (400, "SerializationException", {"message": message})
    assert name not in all_set_names(sesv2)


def test_v2_nesting_within_the_bound_is_read(server: LiveServer, sesv2: Any) -> None:
    """An unknown member 100 levels deep is read and ignored, as before."""
    name = unique("deep")
    body = '{"ConfigurationSetName": "NAME", "Unknown": ' + "[" * 99 + "]" * 99 + "}"
    response = httpx.post(
        f"{server.url}/v2/email/configuration-sets",
        content=body.replace("NAME", name).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        assert (response.status_code, response.json()) == (200, {})
    finally:
        sesv2.delete_configuration_set(ConfigurationSetName=name)


def test_v2_integer_beyond_int_in_the_query_string(server: LiveServer) -> None:
    response = httpx.get(f"{server.url}/v2/email/configuration-sets", params={"PageSize": "9" * 30})
    assert v2_error(response) == (
        400,
        "SerializationException",
        {
            "message": "Numeric value ("
            + "9" * 30
            + ") out of range of int (-2147483648 - 2147483647)"
        },
    )


@pytest.mark.parametrize("digits", [30, 5000])
def test_v1_huge_integer_parameter_is_a_validation_error(server: LiveServer, digits: int) -> None:
    response = httpx.post(server.url, data={"Action": "ListTemplates", "MaxItems": "9" * digits})
    assert v1_error(response) == (
        400,
        "ValidationError",
        f"1 validation error detected: Value '{'9' * digits}' at 'maxItems' failed to satisfy "
        "constraint: Member must be of type integer",
    )


# --- TemplateData nested deeply ---------------------------------------------------------------


def test_deep_template_data_in_test_render(ses: Any, sesv2: Any, template: str) -> None:
    data = '{"name": ' + DEEP + "}"
    message = "Template data must be a valid JSON object: nesting deeper than 100 levels."
    assert rejected(lambda: ses.test_render_template(TemplateName=template, TemplateData=data)) == (
        {"Code": "InvalidRenderingParameter", "Message": message},
        400,
    )
    assert rejected(
        lambda: sesv2.test_render_email_template(TemplateName=template, TemplateData=data)
    ) == ({"Code": "BadRequestException", "Message": message}, 400)


def test_deep_template_data_in_sends(
    server: LiveServer, ses: Any, sesv2: Any, sender: str, template: str
) -> None:
    to = f"{unique('to')}@example.net"
    data = '{"name": ' + DEEP + "}"
    message = "Template data must be a valid JSON object: nesting deeper than 100 levels."
    assert rejected(
        lambda: ses.send_templated_email(
            Source=sender, Destination={"ToAddresses": [to]}, Template=template, TemplateData=data
        )
    ) == ({"Code": "InvalidParameterValue", "Message": message}, 400)
    assert rejected(
        lambda: sesv2.send_email(
            FromEmailAddress=sender,
            Destination={"ToAddresses": [to]},
            Content={"Template": {"TemplateName": template, "TemplateData": data}},
        )
    ) == ({"Code": "BadRequestException", "Message": message}, 400)
    bulk = ses.send_bulk_templated_email(
        Source=sender,
        Template=template,
        DefaultTemplateData=data,
        Destinations=[
            {"Destination": {"ToAddresses": [to]}, "ReplacementTemplateData": '{"body": "b"}'}
        ],
    )["Status"]
    assert bulk == [{"Status": "InvalidParameterValue", "Error": message}]
    assert messages_to(server, to) == []


# --- CR/LF in headers -------------------------------------------------------------------------


SIMPLE = {"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "b"}}}
SUBJECT = "Subject must not contain a line break (CR or LF)."


LOCAL = "Local address contains control or whitespace"


@pytest.mark.parametrize(
    ("to_suffix", "reply_to", "message", "expected"),
    [
        ("", None, {**SIMPLE, "Subject": {"Data": INJECTED}}, SUBJECT),
        ("\r\nBcc: evil@example.org", None, SIMPLE, LOCAL),
        ("", ["r@example.net\nBcc: evil@example.org"], SIMPLE, LOCAL),
        ("", ["Name\r\nBcc: evil@example.org <r@example.net>"], SIMPLE, LOCAL),
        ("", ["r\u00e9@example.net"], SIMPLE, LOCAL),
        ("", ["r@ex\u00e4mple.net"], SIMPLE, "Domain contains illegal character"),
        ("", ["r@example.net\t"], SIMPLE, "Domain contains control or whitespace"),
    ],
    ids=["subject", "to", "reply-to", "display-name", "non-ascii-local", "non-ascii-domain", "tab"],
)
def test_line_breaks_in_headers_of_a_send(
    server: LiveServer,
    ses: Any,
    sesv2: Any,
    sender: str,
    to_suffix: str,
    reply_to: list[str] | None,
    message: dict[str, Any],
    expected: str,
) -> None:
    to = f"{unique('to')}@example.net"
    destination = {"ToAddresses": [to + to_suffix]}
    extra = {"ReplyToAddresses": reply_to} if reply_to else {}
    assert rejected(
        lambda: ses.send_email(Source=sender, Destination=destination, Message=message, **extra)
    ) == ({"Code": "InvalidParameterValue", "Message": expected}, 400)
    assert rejected(
        lambda: sesv2.send_email(
            FromEmailAddress=sender,
            Destination=destination,
            Content={"Simple": message},
            **extra,
        )
    ) == ({"Code": "BadRequestException", "Message": expected}, 400)
    assert messages_to(server, to) == []
    assert messages_to(server, "evil@example.org") == []


def test_a_display_name_outside_ascii_is_still_sent(
    server: LiveServer, ses: Any, sender: str
) -> None:
    to = f"{unique('to')}@example.net"
    ses.send_email(
        Source=sender,
        Destination={"ToAddresses": [f"J\u00f6rg <{to}>"]},
        Message=SIMPLE,
    )
    assert [m["destination"] for m in messages_to(server, to)] == [
        {"to": [f"J\u00f6rg <{to}>"], "cc": [], "bcc": []}
    ]


def test_line_break_in_a_rendered_subject(
    server: LiveServer, ses: Any, sesv2: Any, sender: str, template: str
) -> None:
    to = f"{unique('to')}@example.net"
    data = json.dumps({"name": INJECTED, "body": "b"})
    message = f"The subject of template {template} renders with a line break (CR or LF)."
    assert rejected(lambda: ses.test_render_template(TemplateName=template, TemplateData=data)) == (
        {"Code": "InvalidRenderingParameter", "Message": message},
        400,
    )
    assert rejected(
        lambda: sesv2.test_render_email_template(TemplateName=template, TemplateData=data)
    ) == ({"Code": "BadRequestException", "Message": message}, 400)
    assert rejected(
        lambda: ses.send_templated_email(
            Source=sender, Destination={"ToAddresses": [to]}, Template=template, TemplateData=data
        )
    ) == ({"Code": "InvalidParameterValue", "Message": message}, 400)
    assert rejected(
        lambda: sesv2.send_email(
            FromEmailAddress=sender,
            Destination={"ToAddresses": [to]},
            Content={"Template": {"TemplateName": template, "TemplateData": data}},
        )
    ) == ({"Code": "BadRequestException", "Message": message}, 400)
    assert messages_to(server, to) == []


def test_line_break_in_a_rendered_body_injects_no_header(
    server: LiveServer, ses: Any, sender: str, template: str
) -> None:
    """CR/LF in the body is text, not a header: the message goes out, with no Bcc header."""
    to = f"{unique('to')}@example.net"
    message_id = ses.send_templated_email(
        Source=sender,
        Destination={"ToAddresses": [to]},
        Template=template,
        TemplateData=json.dumps({"name": "Ann", "body": INJECTED}),
    )["MessageId"]
    raw = httpx.get(f"{server.url}/_openses/messages/{message_id}/raw")
    assert raw.status_code == 200
    head, _, body = raw.content.partition(b"\r\n\r\n")
    names = [line.split(b":", 1)[0] for line in head.split(b"\r\n") if line[:1] not in b" \t"]
    # the sender is a domain identity: Easy DKIM signs its mail (mail/dkim.py)
    assert names == [
        b"DKIM-Signature",
        b"From",
        b"To",
        b"Subject",
        b"Message-ID",
        b"Date",
        b"MIME-Version",
        b"Content-Type",
        b"Content-Transfer-Encoding",
        b"Feedback-ID",
    ]
    assert body == b"Body x\r\nBcc: evil@example.org"
    assert messages_to(server, "evil@example.org") == []


# --- lone surrogates and NUL ------------------------------------------------------------------

SEND = (
    '{"FromEmailAddress": "s@example.com", "Destination": {"ToAddresses": ["a@example.com"]},'
    ' "Content": {"Simple": {"Subject": {"Data": "x"}, "Body": {"Text": {"Data": "y"}}}},'
    ' "ConfigurationSetName": "VALUE"}'
)
BODIES = {
    "send-set-name": ("POST", "/v2/email/outbound-emails", SEND),
    "identity": ("POST", "/v2/email/identities", '{"EmailIdentity": "VALUE@example.com"}'),
    "template-part": (
        "POST",
        "/v2/email/templates",
        '{"TemplateName": "NAME", "TemplateContent": {"Subject": "VALUE"}}',
    ),
    "suppressed-address": (
        "PUT",
        "/v2/email/suppression/addresses",
        '{"EmailAddress": "VALUE@example.com", "Reason": "BOUNCE"}',
    ),
    "tag-value": (
        "POST",
        "/v2/email/configuration-sets",
        '{"ConfigurationSetName": "NAME", "Tags": [{"Key": "k", "Value": "VALUE"}]}',
    ),
}


@pytest.mark.parametrize(
    ("escape", "what"), [("\\ud800", "a lone surrogate U+D800"), ("\\u0000", "U+0000")]
)
@pytest.mark.parametrize("case", list(BODIES))
def test_v2_unstorable_string_in_body(
    server: LiveServer, sesv2: Any, case: str, escape: str, what: str
) -> None:
    method, path, body = BODIES[case]
    name = unique("bad")
    before = stored_state(sesv2)
    response = httpx.request(
        method,
        server.url + path,
        content=body.replace("NAME", name).replace("VALUE", "a" + escape).encode(),
        headers={"Content-Type": "application/json"},
    )
    assert v2_error(response) == (
        400,
        "SerializationException",
        {"message": f"Could not parse request body into json: a string holds {what}"},
    )
    assert stored_state(sesv2) == before


def stored_state(sesv2: Any) -> dict[str, Any]:
    """What the bodies above could have stored."""
    return {
        "sets": sorted(all_set_names(sesv2)),
        "templates": sorted(
            t["TemplateName"] for t in sesv2.list_email_templates(PageSize=100)["TemplatesMetadata"]
        ),
        "identities": sorted(
            i["IdentityName"] for i in sesv2.list_email_identities(PageSize=1000)["EmailIdentities"]
        ),
        "suppressed": sorted(
            d["EmailAddress"]
            for d in sesv2.list_suppressed_destinations(PageSize=1000)[
                "SuppressedDestinationSummaries"
            ]
        ),
    }


def test_v2_nul_in_path_and_query(server: LiveServer) -> None:
    path = httpx.get(f"{server.url}/v2/email/configuration-sets/a%00b")
    assert v2_error(path) == (
        400,
        "SerializationException",
        {"message": "Could not parse request: the path holds U+0000"},
    )
    query = httpx.get(f"{server.url}/v2/email/configuration-sets", params={"NextToken": "a\x00"})
    assert v2_error(query) == (
        400,
        "SerializationException",
        {"message": "Could not parse request: the query string holds U+0000"},
    )


def test_v1_nul_in_a_parameter(server: LiveServer, unchecked_ses: Any) -> None:
    name = unique("nul")
    assert rejected(
        lambda: unchecked_ses.create_configuration_set(ConfigurationSet={"Name": name + "\x00"})
    ) == (
        {
            "Code": "InvalidParameterValue",
            "Message": "The value of ConfigurationSet.Name holds U+0000, which is not allowed.",
        },
        400,
    )
    response = httpx.post(
        server.url,
        content=b"Action=VerifyEmailIdentity&EmailAddress=a%00%40example.com",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert v1_error(response) == (
        400,
        "InvalidParameterValue",
        "The value of EmailAddress holds U+0000, which is not allowed.",
    )
    assert name not in unchecked_ses.list_configuration_sets()["ConfigurationSets"]


def test_v1_tag_value_with_nul_is_refused(unchecked_ses: Any, sender: str) -> None:
    assert rejected(
        lambda: unchecked_ses.send_email(
            Source=sender,
            Destination={"ToAddresses": ["a@example.net"]},
            Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}},
            Tags=[{"Name": "k", "Value": "v\x00"}],
        )
    ) == (
        {
            "Code": "InvalidParameterValue",
            "Message": "The value of Tags.member.1.Value holds U+0000, which is not allowed.",
        },
        400,
    )


# --- openses' own endpoints -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"limit": "0"}, "limit must be between 1 and 500"),
        ({"limit": "-1"}, "limit must be between 1 and 500"),
        ({"limit": "501"}, "limit must be between 1 and 500"),
        ({"cursor": "9" * 30}, "cursor must be a 32-bit integer"),
        ({"cursor": str(2**31)}, "cursor must be a 32-bit integer"),
        (
            {"to": "a\x00@example.com"},
            "The query parameter 'to' holds U+0000, which is not allowed.",
        ),
        (
            {"configurationSet": "\x00"},
            "The query parameter 'configurationSet' holds U+0000, which is not allowed.",
        ),
    ],
)
def test_message_listing_bad_parameters(
    server: LiveServer, params: dict[str, str], message: str
) -> None:
    response = httpx.get(f"{server.url}/_openses/messages", params=params)
    assert (response.status_code, response.json()) == (400, {"message": message})


def test_message_listing_edges_still_answer(server: LiveServer) -> None:
    for params in ({"limit": "1"}, {"limit": "500"}, {"cursor": str(2**31 - 1)}):
        response = httpx.get(f"{server.url}/_openses/messages", params=params)
        assert response.status_code == 200


def test_nul_in_openses_paths(server: LiveServer) -> None:
    for method, path in (
        ("GET", "/_openses/messages/a%00b"),
        ("GET", "/_openses/messages/a%00b/raw"),
        ("POST", "/_openses/identities/a%00b/verify"),
    ):
        response = httpx.request(method, server.url + path)
        assert (response.status_code, response.json()) == (
            400,
            {"message": "The path holds U+0000, which is not allowed."},
        )


def test_dead_letter_retry_with_an_id_beyond_64_bits(server: LiveServer) -> None:
    for bad in ("9" * 30, str(2**31)):
        response = httpx.post(f"{server.url}/_openses/dead-letters/{bad}/retry")
        assert (response.status_code, response.json()) == (
            400,
            {"message": "the id must be a 32-bit integer"},
        )
    missing = httpx.post(f"{server.url}/_openses/dead-letters/{2**31 - 1}/retry")
    assert (missing.status_code, missing.json()) == (
        404,
        {"message": f"No dead letter with id {2**31 - 1}"},
    )


# --- template amplification -------------------------------------------------------------------

AMPLIFIER = (
    "{{#each a}}{{#each ../a}}{{#each ../../a}}xxxxxxxxxxxxxxxxxxxxxx{{/each}}{{/each}}{{/each}}"
)
HUNDRED_KB = "{{#each a}}" + "x" * 100_000 + "{{/each}}"


@pytest.fixture
def hostile_template(sesv2: Any) -> Iterator[str]:
    name = unique("amp")
    sesv2.create_email_template(
        TemplateName=name, TemplateContent={"Subject": "s", "Text": AMPLIFIER}
    )
    yield name
    sesv2.delete_email_template(TemplateName=name)


def test_hostile_render_is_refused_while_health_answers(
    server: LiveServer, ses: Any, sesv2: Any, sender: str, hostile_template: str
) -> None:
    data = json.dumps({"a": list(range(200))})
    to = f"{unique('to')}@example.net"
    steps = f"Rendering template {hostile_template} takes more than 200000 steps."
    outcomes: dict[str, Any] = {}

    def hostile() -> None:
        outcomes["v1"] = rejected(
            lambda: ses.test_render_template(TemplateName=hostile_template, TemplateData=data)
        )
        outcomes["v2"] = rejected(
            lambda: sesv2.test_render_email_template(
                TemplateName=hostile_template, TemplateData=data
            )
        )
        outcomes["send"] = rejected(
            lambda: sesv2.send_email(
                FromEmailAddress=sender,
                Destination={"ToAddresses": [to]},
                Content={"Template": {"TemplateName": hostile_template, "TemplateData": data}},
            )
        )

    worker = threading.Thread(target=hostile)
    started = time.monotonic()
    worker.start()
    slowest = 0.0
    while worker.is_alive():
        before = time.monotonic()
        response = httpx.get(f"{server.url}/health", timeout=5)
        slowest = max(slowest, time.monotonic() - before)
        assert response.json() == {"status": "ok"}
    worker.join()
    assert slowest < 1.0
    assert time.monotonic() - started < 10
    assert outcomes == {
        "v1": ({"Code": "InvalidParameterValue", "Message": steps}, 400),
        "v2": ({"Code": "BadRequestException", "Message": steps}, 400),
        "send": ({"Code": "BadRequestException", "Message": steps}, 400),
    }
    assert messages_to(server, to) == []


def test_rendering_beyond_the_message_size_limit(ses: Any, sesv2: Any) -> None:
    """The subject (1 character) then 100,000 characters an item: rendering stops at the first
    piece beyond the API's limit, 10 MB on v1 and 40 MB on v2."""
    name = unique("big")
    sesv2.create_email_template(
        TemplateName=name, TemplateContent={"Subject": "s", "Text": HUNDRED_KB}
    )
    try:
        data = json.dumps({"a": list(range(1000))})
        assert rejected(lambda: ses.test_render_template(TemplateName=name, TemplateData=data)) == (
            {
                "Code": "InvalidParameterValue",
                "Message": "Message length is more than 10485760 bytes long: '10500001'.",
            },
            400,
        )
        assert rejected(
            lambda: sesv2.test_render_email_template(TemplateName=name, TemplateData=data)
        ) == (
            {
                "Code": "BadRequestException",
                "Message": "Message length is more than 41943040 bytes long: '42000001'.",
            },
            400,
        )
        small = json.dumps({"a": list(range(2))})
        rendered = ses.test_render_template(TemplateName=name, TemplateData=small)
        message = email.message_from_string(rendered["RenderedTemplate"])
        assert message.get_payload(decode=True) == b"x" * 200_000
    finally:
        sesv2.delete_email_template(TemplateName=name)


@pytest.mark.parametrize(
    ("header", "name"),
    [
        (b"Subject: a\x00b", "Subject"),
        (b"Subject: =?utf-8?b?YQBi?=", "Subject"),  # "a\x00b" as an encoded word
        (b"X-SES-MESSAGE-TAGS: a=b\x00", "X-SES-MESSAGE-TAGS"),
    ],
    ids=["raw", "encoded-word", "tags-header"],
)
def test_raw_message_header_holding_nul(
    server: LiveServer, ses: Any, sender: str, header: bytes, name: str
) -> None:
    to = f"{unique('to')}@example.net"
    raw = f"From: {sender}\r\nTo: {to}\r\n".encode() + header + b"\r\n\r\nbody"
    assert rejected(lambda: ses.send_raw_email(RawMessage={"Data": raw})) == (
        {
            "Code": "InvalidParameterValue",
            "Message": f"The header '{name}' holds U+0000, which is not allowed.",
        },
        400,
    )
    assert messages_to(server, to) == []
