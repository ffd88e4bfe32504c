"""Templated sending through boto3 v1 and v2 (SendTemplatedEmail, SendBulkTemplatedEmail and
v2 Template content): rendering, rendering failures and per-destination results."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.api.sending import (
    assert_valid,
    configuration_set,
    event_types,
    inspect,
)
from tests.support import LiveServer, unique, verified_sender


@pytest.fixture
def sender(sesv2: Any) -> Iterator[str]:
    """A verified sending domain; yields an address on it."""
    with verified_sender(sesv2, "d") as address:
        yield address


@pytest.fixture
def config_set(sesv2: Any) -> Iterator[str]:
    with configuration_set(sesv2) as name:
        yield name


@pytest.fixture
def template(sesv2: Any) -> Iterator[str]:
    name = unique("tpl")
    sesv2.create_email_template(
        TemplateName=name,
        TemplateContent={
            "Subject": "Hi {{name}}",
            "Text": "Dear {{name}}, your plan is {{plan.tier}}.",
            "Html": "<p>Dear {{name}}</p>{{#if vip}}<b>VIP</b>{{/if}}",
        },
    )
    yield name
    sesv2.delete_email_template(TemplateName=name)


def test_templated_send_v1_and_v2(
    server: LiveServer, ses: Any, sesv2: Any, sender: str, config_set: str, template: str
) -> None:
    data = '{"name": "Ada", "plan": {"tier": "pro"}, "vip": true}'
    v1_id = ses.send_templated_email(
        Source=sender,
        Destination={"ToAddresses": ["ada@example.net"]},
        Template=template,
        TemplateData=data,
        ConfigurationSetName=config_set,
    )["MessageId"]
    v2_id = sesv2.send_email(
        FromEmailAddress=sender,
        Destination={"ToAddresses": ["ada@example.net"]},
        Content={"Template": {"TemplateName": template, "TemplateData": data}},
        ConfigurationSetName=config_set,
    )["MessageId"]
    for message_id in (v1_id, v2_id):
        message = inspect(server, message_id)
        assert message["subject"] == "Hi Ada"
        assert message["text"] == "Dear Ada, your plan is pro."
        assert message["html"] == "<p>Dear Ada</p><b>VIP</b>"
        assert event_types(message) == ["Send", "Delivery"]
        assert_valid(message)


def test_missing_template_is_refused(ses: Any, sesv2: Any, sender: str) -> None:
    with pytest.raises(ses.exceptions.TemplateDoesNotExistException):
        ses.send_templated_email(
            Source=sender,
            Destination={"ToAddresses": ["a@example.net"]},
            Template=unique("missing"),
            TemplateData="{}",
        )
    with pytest.raises(sesv2.exceptions.NotFoundException):
        sesv2.send_email(
            FromEmailAddress=sender,
            Destination={"ToAddresses": ["a@example.net"]},
            Content={"Template": {"TemplateName": unique("missing"), "TemplateData": "{}"}},
        )


def test_rendering_failure_is_accepted_and_not_delivered(
    server: LiveServer, ses: Any, sender: str, config_set: str, template: str
) -> None:
    message_id = ses.send_templated_email(
        Source=sender,
        Destination={"ToAddresses": ["ada@example.net"]},
        Template=template,
        TemplateData='{"plan": {"tier": "pro"}}',
        ConfigurationSetName=config_set,
    )["MessageId"]
    message = inspect(server, message_id)
    assert event_types(message) == ["Send", "Rendering Failure"]
    assert message["events"][1]["failure"] == {
        "templateName": template,
        "errorMessage": "Attribute 'name' is not present in the rendering data.",
    }
    assert message["text"] is None
    assert message["status"] == "rendering_failed"
    assert_valid(message)


def test_bulk_send_with_one_bad_destination(
    server: LiveServer, ses: Any, sesv2: Any, sender: str, config_set: str, template: str
) -> None:
    v1 = ses.send_bulk_templated_email(
        Source=sender,
        Template=template,
        DefaultTemplateData='{"plan": {"tier": "free"}}',
        ConfigurationSetName=config_set,
        Destinations=[
            {
                "Destination": {"ToAddresses": ["one@example.net"]},
                "ReplacementTemplateData": '{"name": "One"}',
            },
            {"Destination": {"ToAddresses": ["two@example.net"]}},
            {
                "Destination": {"ToAddresses": ["three@example.net"]},
                "ReplacementTemplateData": '{"name": "Three", "plan": {"tier": "pro"}}',
                "ReplacementTags": [{"Name": "who", "Value": "three"}],
            },
        ],
    )["Status"]
    assert [entry["Status"] for entry in v1] == ["Success", "Success", "Success"]
    one, two, three = (inspect(server, entry["MessageId"]) for entry in v1)
    assert one["text"] == "Dear One, your plan is free."
    assert event_types(one) == ["Send", "Delivery"]
    assert event_types(two) == ["Send", "Rendering Failure"]
    assert two["text"] is None
    assert three["text"] == "Dear Three, your plan is pro."
    assert three["tags"] == {"who": ["three"]}
    for message in (one, two, three):
        assert_valid(message)

    v2 = sesv2.send_bulk_email(
        FromEmailAddress=sender,
        DefaultContent={
            "Template": {"TemplateName": template, "TemplateData": '{"plan": {"tier": "x"}}'}
        },
        BulkEmailEntries=[
            {
                "Destination": {"ToAddresses": ["four@example.net"]},
                "ReplacementEmailContent": {
                    "ReplacementTemplate": {"ReplacementTemplateData": '{"name": "Four"}'}
                },
            },
            {"Destination": {"ToAddresses": ["five@example.net"]}},
        ],
        ConfigurationSetName=config_set,
    )["BulkEmailEntryResults"]
    assert [entry["Status"] for entry in v2] == ["SUCCESS", "SUCCESS"]
    assert event_types(inspect(server, v2[0]["MessageId"])) == ["Send", "Delivery"]
    assert event_types(inspect(server, v2[1]["MessageId"])) == ["Send", "Rendering Failure"]
