"""What a send refuses (and accepts) before anything is stored: message tags, recipients
without a domain, bulk sends of more than 50 destinations; and the Feedback-ID header that the
reserved ``ses:feedback-id-a``/``-b`` tags feed."""

from __future__ import annotations

import email
import email.policy
import hashlib
from base64 import b64encode
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError

from tests.support import LiveServer, unique, verified_sender

ACCOUNT = "123456789012"
MISSING_DOMAIN = "Missing final '@domain'"
SIMPLE = {"Subject": {"Data": "x"}, "Body": {"Text": {"Data": "x"}}}
V2_SIMPLE = {"Simple": SIMPLE}
DATA = '{"name": "N"}'


@pytest.fixture
def sender(sesv2: Any) -> Iterator[str]:
    with verified_sender(sesv2, "v") as address:
        yield address


@pytest.fixture
def template(sesv2: Any) -> Iterator[str]:
    name = unique("vt")
    sesv2.create_email_template(
        TemplateName=name,
        TemplateContent={"Subject": "Hi {{name}}", "Text": "Dear {{name}}"},
    )
    yield name
    sesv2.delete_email_template(TemplateName=name)


def rejected(call: Callable[[], Any]) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as raised:
        call()
    response = raised.value.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )


def messages_to(server: LiveServer, address: str) -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = httpx.get(
        f"{server.url}/_openses/messages", params={"to": address}
    ).json()["messages"]
    return listed


def delivered(server: LiveServer, message_id: str) -> EmailMessage:
    raw = httpx.get(f"{server.url}/_openses/messages/{message_id}/raw")
    assert raw.status_code == 200, raw.text
    parsed: EmailMessage = email.message_from_bytes(raw.content, policy=email.policy.default)
    return parsed


def raw_mail(source: str, to: str, *, tags: str | None = None, cc: str | None = None) -> bytes:
    message = EmailMessage()
    message["From"] = source
    message["To"] = to
    if cc is not None:
        message["Cc"] = cc
    message["Subject"] = "raw"
    if tags is not None:
        message["X-SES-MESSAGE-TAGS"] = tags
    message.set_content("raw body")
    return message.as_bytes()


def opaque(sender: str) -> str:
    """openses' per-sender part of the Feedback-ID (its verified identity is the domain)."""
    key = f"{ACCOUNT}:us-east-1:{sender.split('@')[1]}"
    return b64encode(hashlib.sha256(key.encode()).digest()).decode()


# -- message tags ------------------------------------------------------------------------------

NAME_CHARS = "Invalid tag name <{}>: only alphanumeric ASCII characters, '_',  '-' are allowed."
VALUE_CHARS = (
    "Invalid tag value <{}>: only alphanumeric ASCII characters, '_',  '-' , '.', '@' are allowed."
)


# AWS's answers, recorded (localstack tests/aws/services/ses/test_ses.snapshot.json,
# test_invalid_tags_send_email): every check of the name comes before any check of the value.
@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("bad:name", "bad:value", NAME_CHARS.format("bad:name")),
        ("bad@name", "v" * 2200, NAME_CHARS.format("bad@name")),
        ("", "", "The tag name must be specified."),
        ("", "v" * 256, "The tag name must be specified."),
        ("n" * 256, "", "Tag name cannot exceed 255 characters."),
        ("n" * 256, "bad:value", "Tag name cannot exceed 255 characters."),
        ("bad name", "", NAME_CHARS.format("bad name")),
        ("ses:feedback-id-c", "v", NAME_CHARS.format("ses:feedback-id-c")),
        ("ses:feedback-id-a", "bad:value", VALUE_CHARS.format("bad:value")),
        ("ses:feedback-id-b", "", "The tag value must be specified."),
    ],
    ids=[
        "bad-name-bad-value",
        "bad-name-long-value",
        "empty-both",
        "empty-name-long-value",
        "long-name-empty-value",
        "long-name-bad-value",
        "bad-name-empty-value",
        "other-ses-name",
        "feedback-id-bad-value",
        "feedback-id-empty-value",
    ],
)
def test_tag_names_are_checked_before_values(
    server: LiveServer, ses: Any, sesv2: Any, sender: str, name: str, value: str, message: str
) -> None:
    recipient = f"{unique('never')}@example.net"
    tags = [{"Name": name, "Value": value}]
    v1 = rejected(
        lambda: ses.send_email(
            Source=sender, Destination={"ToAddresses": [recipient]}, Message=SIMPLE, Tags=tags
        )
    )
    assert v1 == ("InvalidParameterValue", message, 400)
    v2 = rejected(
        lambda: sesv2.send_email(
            FromEmailAddress=sender,
            Destination={"ToAddresses": [recipient]},
            Content=V2_SIMPLE,
            EmailTags=tags,
        )
    )
    assert v2 == ("BadRequestException", message, 400)
    assert messages_to(server, recipient) == []


def test_a_header_tag_is_checked_name_first_too(server: LiveServer, ses: Any, sender: str) -> None:
    recipient = f"{unique('never')}@example.net"
    data = raw_mail(sender, recipient, tags="bad:name=bad:value")
    assert rejected(lambda: ses.send_raw_email(RawMessage={"Data": data})) == (
        "InvalidParameterValue",
        NAME_CHARS.format("bad:name"),
        400,
    )
    assert messages_to(server, recipient) == []


def test_feedback_id_tags_are_accepted_and_lead_the_feedback_id_header(
    server: LiveServer, ses: Any, sesv2: Any, sender: str, template: str
) -> None:
    both = [
        {"Name": "ses:feedback-id-a", "Value": "campaign-7"},
        {"Name": "ses:feedback-id-b", "Value": "tenant_3"},
    ]
    ids = {
        "v1-send": ses.send_email(
            Source=sender, Destination={"ToAddresses": ["a@example.net"]}, Message=SIMPLE, Tags=both
        )["MessageId"],
        "v1-raw": ses.send_raw_email(
            RawMessage={
                "Data": raw_mail(
                    sender,
                    "b@example.net",
                    tags="ses:feedback-id-a=campaign-7, ses:feedback-id-b=tenant_3",
                )
            }
        )["MessageId"],
        "v2-send": sesv2.send_email(
            FromEmailAddress=sender,
            Destination={"ToAddresses": ["c@example.net"]},
            Content=V2_SIMPLE,
            EmailTags=both,
        )["MessageId"],
        "v2-bulk": sesv2.send_bulk_email(
            FromEmailAddress=sender,
            DefaultContent={"Template": {"TemplateName": template, "TemplateData": DATA}},
            DefaultEmailTags=both[:1],
            BulkEmailEntries=[
                {"Destination": {"ToAddresses": ["d@example.net"]}, "ReplacementTags": both[1:]}
            ],
        )["BulkEmailEntryResults"][0]["MessageId"],
    }
    expected = f"campaign-7:tenant_3:1.us-east-1.{opaque(sender)}:AmazonSES"
    for kind, message_id in ids.items():
        assert delivered(server, message_id).get_all("Feedback-ID") == [expected], kind
        stored = httpx.get(f"{server.url}/_openses/messages/{message_id}").json()
        assert stored["tags"] == {
            "ses:feedback-id-a": ["campaign-7"],
            "ses:feedback-id-b": ["tenant_3"],
        }, kind

    # Without the tags both leading fields are empty, as on AWS's own mail ("::1.REGION....").
    plain = ses.send_email(
        Source=sender, Destination={"ToAddresses": ["e@example.net"]}, Message=SIMPLE
    )["MessageId"]
    assert delivered(server, plain)["Feedback-ID"] == (f"::1.us-east-1.{opaque(sender)}:AmazonSES")
    only_b = ses.send_email(
        Source=sender,
        Destination={"ToAddresses": ["f@example.net"]},
        Message=SIMPLE,
        Tags=both[1:],
    )["MessageId"]
    assert delivered(server, only_b)["Feedback-ID"] == (
        f":tenant_3:1.us-east-1.{opaque(sender)}:AmazonSES"
    )


def test_v1_bulk_accepts_feedback_id_tags(ses: Any, sender: str, template: str) -> None:
    status = ses.send_bulk_templated_email(
        Source=sender,
        Template=template,
        DefaultTemplateData=DATA,
        DefaultTags=[{"Name": "ses:feedback-id-a", "Value": "x"}],
        Destinations=[
            {
                "Destination": {"ToAddresses": ["g@example.net"]},
                "ReplacementTags": [{"Name": "ses:feedback-id-b", "Value": "y"}],
            }
        ],
    )["Status"]
    assert [entry["Status"] for entry in status] == ["Success"]


# -- recipients without a domain ---------------------------------------------------------------


@pytest.mark.parametrize("field", ["ToAddresses", "CcAddresses", "BccAddresses"])
def test_simple_and_templated_sends_refuse_a_recipient_without_a_domain(
    server: LiveServer, ses: Any, sesv2: Any, sender: str, template: str, field: str
) -> None:
    good = f"{unique('never')}@example.net"
    destination = {"ToAddresses": [good]}
    destination[field] = [*destination.get(field, []), "invalid_address"]
    v1_error = ("InvalidParameterValue", MISSING_DOMAIN, 400)
    v2_error = ("BadRequestException", MISSING_DOMAIN, 400)
    calls: list[tuple[Callable[[], Any], tuple[str, str, int]]] = [
        (lambda: ses.send_email(Source=sender, Destination=destination, Message=SIMPLE), v1_error),
        (
            lambda: ses.send_templated_email(
                Source=sender, Destination=destination, Template=template, TemplateData=DATA
            ),
            v1_error,
        ),
        (
            lambda: sesv2.send_email(
                FromEmailAddress=sender, Destination=destination, Content=V2_SIMPLE
            ),
            v2_error,
        ),
        (
            lambda: sesv2.send_email(
                FromEmailAddress=sender,
                Destination=destination,
                Content={"Template": {"TemplateName": template, "TemplateData": DATA}},
            ),
            v2_error,
        ),
    ]
    for call, expected in calls:
        assert rejected(call) == expected
    assert messages_to(server, good) == []


def test_raw_sends_refuse_a_recipient_without_a_domain(
    server: LiveServer, ses: Any, sesv2: Any, sender: str
) -> None:
    good = f"{unique('never')}@example.net"
    in_header = raw_mail(sender, good, cc="invalid_address")
    clean = raw_mail(sender, good)
    v1_error = ("InvalidParameterValue", MISSING_DOMAIN, 400)
    calls: list[tuple[Callable[[], Any], tuple[str, str, int]]] = [
        # the headers' recipients
        (lambda: ses.send_raw_email(RawMessage={"Data": in_header}), v1_error),
        # Destinations
        (
            lambda: ses.send_raw_email(
                RawMessage={"Data": clean}, Destinations=[good, "invalid_address"]
            ),
            v1_error,
        ),
        # the headers' recipients, even when Destinations names the envelope
        (
            lambda: ses.send_raw_email(RawMessage={"Data": in_header}, Destinations=[good]),
            v1_error,
        ),
        (
            lambda: sesv2.send_email(Content={"Raw": {"Data": in_header}}),
            ("BadRequestException", MISSING_DOMAIN, 400),
        ),
        (
            lambda: sesv2.send_email(
                Destination={"ToAddresses": [good, "invalid_address"]},
                Content={"Raw": {"Data": clean}},
            ),
            ("BadRequestException", MISSING_DOMAIN, 400),
        ),
    ]
    for call, expected in calls:
        assert rejected(call) == expected
    assert messages_to(server, good) == []


def test_bulk_sends_fail_the_destination_without_a_domain_alone(
    server: LiveServer, ses: Any, sesv2: Any, sender: str, template: str
) -> None:
    bad = f"{unique('never')}@example.net"
    v1 = ses.send_bulk_templated_email(
        Source=sender,
        Template=template,
        DefaultTemplateData=DATA,
        Destinations=[
            {"Destination": {"ToAddresses": ["ok-1@example.net"]}},
            {"Destination": {"ToAddresses": [bad], "BccAddresses": ["invalid_address"]}},
        ],
    )["Status"]
    assert v1[0]["Status"] == "Success"
    assert v1[1] == {"Status": "InvalidParameterValue", "Error": MISSING_DOMAIN}
    v2 = sesv2.send_bulk_email(
        FromEmailAddress=sender,
        DefaultContent={"Template": {"TemplateName": template, "TemplateData": DATA}},
        BulkEmailEntries=[
            {"Destination": {"ToAddresses": [bad, "invalid_address"]}},
            {"Destination": {"ToAddresses": ["ok-2@example.net"]}},
        ],
    )["BulkEmailEntryResults"]
    assert v2[0] == {"Status": "INVALID_PARAMETER", "Error": MISSING_DOMAIN}
    assert v2[1]["Status"] == "SUCCESS"
    assert messages_to(server, bad) == []


# -- bulk sends of more than 50 destinations ---------------------------------------------------


def test_bulk_sends_take_at_most_50_destinations(
    server: LiveServer, ses: Any, sesv2: Any, sender: str, template: str
) -> None:
    tag = unique("many")
    addresses = [f"{tag}-{i}@example.net" for i in range(51)]
    message = "Destination count exceeds 50."
    assert rejected(
        lambda: ses.send_bulk_templated_email(
            Source=sender,
            Template=template,
            DefaultTemplateData=DATA,
            Destinations=[{"Destination": {"ToAddresses": [a]}} for a in addresses],
        )
    ) == ("InvalidParameterValue", message, 400)
    assert rejected(
        lambda: sesv2.send_bulk_email(
            FromEmailAddress=sender,
            DefaultContent={"Template": {"TemplateName": template, "TemplateData": DATA}},
            BulkEmailEntries=[{"Destination": {"ToAddresses": [a]}} for a in addresses],
        )
    ) == ("BadRequestException", message, 400)
    for address in addresses:
        assert messages_to(server, address) == []

    # Exactly 50 go out.
    v2 = sesv2.send_bulk_email(
        FromEmailAddress=sender,
        DefaultContent={"Template": {"TemplateName": template, "TemplateData": DATA}},
        BulkEmailEntries=[{"Destination": {"ToAddresses": [a]}} for a in addresses[:50]],
    )["BulkEmailEntryResults"]
    assert [entry["Status"] for entry in v2] == ["SUCCESS"] * 50
