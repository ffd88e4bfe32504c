"""Sending through boto3 v1 and v2, read back through the inspection API, events checked
against the SES event schemas in tests/schemas."""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import httpx
import pytest

from openses.domain.message import EICAR
from tests.api.sending import (
    SIM,
    assert_valid,
    configuration_set,
    event_types,
    inspect,
    send_v2,
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


def test_v2_simple_send_is_captured_with_events(
    server: LiveServer, sesv2: Any, sender: str, config_set: str
) -> None:
    message_id = sesv2.send_email(
        FromEmailAddress=f"Sender Name <{sender}>",
        Destination={
            "ToAddresses": ["to@example.net"],
            "CcAddresses": ["cc@example.net"],
            "BccAddresses": ["hidden@example.net"],
        },
        ReplyToAddresses=["reply@example.net"],
        Content={
            "Simple": {
                "Subject": {"Data": "Grüße"},
                "Body": {"Text": {"Data": "plain body"}, "Html": {"Data": "<p>html body</p>"}},
                "Headers": [{"Name": "X-Campaign", "Value": "spring"}],
                "Attachments": [
                    {
                        "FileName": "report.csv",
                        "RawContent": b"a,b\n1,2\n",
                        "ContentType": "text/csv",
                    }
                ],
            }
        },
        EmailTags=[{"Name": "campaign", "Value": "spring-2026"}],
        ConfigurationSetName=config_set,
    )["MessageId"]
    message = inspect(server, message_id)
    headers = {h["name"]: h["value"] for h in message["headers"]}
    assert message["messageId"] == message_id
    assert message["from"] == f"Sender Name <{sender}>"
    assert message["destination"] == {
        "to": ["to@example.net"],
        "cc": ["cc@example.net"],
        "bcc": ["hidden@example.net"],
    }
    assert message["subject"] == "Grüße"
    assert headers["To"] == "to@example.net"
    assert headers["Cc"] == "cc@example.net"
    assert headers["Reply-To"] == "reply@example.net"
    assert headers["X-Campaign"] == "spring"
    assert headers["Message-ID"].startswith(f"<{message_id}@")
    assert "Bcc" not in headers
    assert message["text"] == "plain body"
    assert message["html"] == "<p>html body</p>"
    assert message["attachments"] == [{"name": "report.csv", "type": "text/csv", "size": 8}]
    assert message["tags"] == {"campaign": ["spring-2026"]}
    assert message["configurationSet"] == config_set
    assert event_types(message) == ["Send", "Delivery"]
    assert_valid(message)
    send_event, delivery_event = message["events"]
    mail = send_event["mail"]
    assert mail["messageId"] == message_id
    assert mail["destination"] == ["to@example.net", "cc@example.net", "hidden@example.net"]
    assert mail["sendingAccountId"] == "123456789012"
    assert mail["sourceArn"] == (
        f"arn:aws:ses:us-east-1:123456789012:identity/{sender.split('@')[1]}"
    )
    assert mail["tags"]["ses:configuration-set"] == [config_set]
    assert mail["tags"]["ses:operation"] == ["SendEmail"]
    assert mail["tags"]["ses:from-domain"] == [sender.split("@")[1]]
    assert mail["tags"]["campaign"] == ["spring-2026"]
    assert "ses:outgoing-ip" not in mail["tags"]
    assert mail["commonHeaders"]["from"] == [f"Sender Name <{sender}>"]
    assert mail["commonHeaders"]["to"] == ["to@example.net"]
    assert mail["commonHeaders"]["messageId"] == message_id
    assert delivery_event["delivery"]["recipients"] == [
        "to@example.net",
        "cc@example.net",
        "hidden@example.net",
    ]
    assert delivery_event["delivery"]["smtpResponse"] == "250 2.6.0 Message received"
    assert delivery_event["mail"]["tags"]["ses:outgoing-ip"] == ["127.0.0.1"]
    raw = httpx.get(f"{server.url}/_openses/messages/{message_id}/raw")
    assert raw.status_code == 200
    assert raw.headers["content-type"] == "message/rfc822"
    parsed = email.message_from_bytes(raw.content, policy=email.policy.default)
    assert parsed["Subject"] == "Grüße"
    assert parsed["Bcc"] is None


def test_v1_send_email_without_a_set(server: LiveServer, ses: Any, sender: str) -> None:
    message_id = ses.send_email(
        Source=sender,
        Destination={"ToAddresses": ["plain@example.net"]},
        Message={"Subject": {"Data": "v1"}, "Body": {"Text": {"Data": "hello"}}},
    )["MessageId"]
    message = inspect(server, message_id)
    assert message["text"] == "hello"
    assert message["html"] is None
    assert message["configurationSet"] is None
    # recorded for the message's insights (VDM sees every message), published nowhere
    assert [event["eventType"] for event in message["events"]] == ["Send", "Delivery"]


def test_v1_raw_email_with_ses_headers(
    server: LiveServer, ses: Any, sender: str, config_set: str
) -> None:
    raw = EmailMessage()
    raw["From"] = sender
    raw["To"] = "raw-to@example.net"
    raw["Bcc"] = "raw-bcc@example.net"
    raw["Subject"] = "raw subject"
    raw["X-SES-CONFIGURATION-SET"] = config_set
    raw["X-SES-MESSAGE-TAGS"] = "campaign=raw, team=growth"
    raw.set_content("raw body")
    message_id = ses.send_raw_email(RawMessage={"Data": raw.as_bytes()})["MessageId"]
    message = inspect(server, message_id)
    names = [h["name"].lower() for h in message["headers"]]
    assert "x-ses-configuration-set" not in names
    assert "x-ses-message-tags" not in names
    assert "bcc" not in names
    assert message["configurationSet"] == config_set
    assert message["destination"] == {
        "to": ["raw-to@example.net"],
        "cc": [],
        "bcc": ["raw-bcc@example.net"],
    }
    assert message["tags"] == {"campaign": ["raw"], "team": ["growth"]}
    assert event_types(message) == ["Send", "Delivery"]
    assert_valid(message)
    mail = message["events"][0]["mail"]
    assert mail["tags"]["campaign"] == ["raw"]
    assert mail["tags"]["ses:operation"] == ["SendRawEmail"]
    assert mail["destination"] == ["raw-to@example.net", "raw-bcc@example.net"]


def test_unverified_sender_is_rejected(ses: Any, sesv2: Any) -> None:
    source = f"nobody@{unique('unverified')}.example.com"
    with pytest.raises(ses.exceptions.MessageRejected) as raised:
        ses.send_email(
            Source=source,
            Destination={"ToAddresses": ["a@example.net"]},
            Message={"Subject": {"Data": "x"}, "Body": {"Text": {"Data": "x"}}},
        )
    assert raised.value.response["Error"]["Message"] == (
        "Email address is not verified. The following identities failed the check in region "
        f"US-EAST-1: {source}"
    )
    with pytest.raises(sesv2.exceptions.MessageRejected):
        send_v2(sesv2, source, ["a@example.net"], None)


def test_unknown_configuration_set(ses: Any, sesv2: Any, sender: str) -> None:
    name = unique("nope")
    with pytest.raises(ses.exceptions.ConfigurationSetDoesNotExistException) as raised:
        ses.send_email(
            Source=sender,
            Destination={"ToAddresses": ["a@example.net"]},
            Message={"Subject": {"Data": "x"}, "Body": {"Text": {"Data": "x"}}},
            ConfigurationSetName=name,
        )
    assert (
        raised.value.response["Error"]["Message"] == f"Configuration set <{name}> does not exist."
    )
    with pytest.raises(sesv2.exceptions.NotFoundException):
        send_v2(sesv2, sender, ["a@example.net"], name)


def test_paused_configuration_set(ses: Any, sesv2: Any, sender: str, config_set: str) -> None:
    sesv2.put_configuration_set_sending_options(
        ConfigurationSetName=config_set, SendingEnabled=False
    )
    with pytest.raises(ses.exceptions.ConfigurationSetSendingPausedException):
        ses.send_email(
            Source=sender,
            Destination={"ToAddresses": ["a@example.net"]},
            Message={"Subject": {"Data": "x"}, "Body": {"Text": {"Data": "x"}}},
            ConfigurationSetName=config_set,
        )
    with pytest.raises(sesv2.exceptions.SendingPausedException):
        send_v2(sesv2, sender, ["a@example.net"], config_set)


def test_paused_account(server: LiveServer, sender: str) -> None:
    # A fresh account, so pausing it cannot disturb other tests.
    key = "555566667777"
    ses = server.client("ses", access_key=key)
    sesv2 = server.client("sesv2", access_key=key)
    sesv2.create_email_identity(EmailIdentity=sender)
    ses.update_account_sending_enabled(Enabled=False)
    try:
        with pytest.raises(ses.exceptions.AccountSendingPausedException):
            ses.send_email(
                Source=sender,
                Destination={"ToAddresses": ["a@example.net"]},
                Message={"Subject": {"Data": "x"}, "Body": {"Text": {"Data": "x"}}},
            )
        with pytest.raises(sesv2.exceptions.SendingPausedException):
            send_v2(sesv2, sender, ["a@example.net"], None)
    finally:
        ses.update_account_sending_enabled(Enabled=True)
    assert send_v2(sesv2, sender, ["a@example.net"], None)


@pytest.mark.parametrize(
    ("tag", "message"),
    [
        (
            {"Name": "bad name", "Value": "v"},
            "Invalid tag name <bad name>: only alphanumeric ASCII characters, '_',  '-' are "
            "allowed.",
        ),
        (
            {"Name": "n", "Value": "bad value"},
            "Invalid tag value <bad value>: only alphanumeric ASCII characters, '_',  '-' , "
            "'.', '@' are allowed.",
        ),
        ({"Name": "n" * 256, "Value": "v"}, "Tag name cannot exceed 255 characters."),
        ({"Name": "n", "Value": "v" * 256}, "Tag value cannot exceed 255 characters."),
    ],
)
def test_bad_message_tags(ses: Any, tag: dict[str, str], message: str) -> None:
    # Tag checks come before the sender check, so no identity is needed.
    with pytest.raises(ses.exceptions.ClientError) as raised:
        ses.send_email(
            Source="unverified@example.invalid",
            Destination={"ToAddresses": ["a@example.net"]},
            Message={"Subject": {"Data": "x"}, "Body": {"Text": {"Data": "x"}}},
            Tags=[tag],
        )
    assert raised.value.response["Error"]["Code"] == "InvalidParameterValue"
    assert raised.value.response["Error"]["Message"] == message


def test_too_many_recipients(ses: Any, sender: str) -> None:
    with pytest.raises(ses.exceptions.ClientError) as raised:
        ses.send_email(
            Source=sender,
            Destination={"ToAddresses": [f"r{i}@example.net" for i in range(51)]},
            Message={"Subject": {"Data": "x"}, "Body": {"Text": {"Data": "x"}}},
        )
    assert raised.value.response["Error"]["Code"] == "InvalidParameterValue"
    assert raised.value.response["Error"]["Message"] == "Recipient count exceeds 50."


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        ("success", ["Send", "Delivery"]),
        ("success+label", ["Send", "Delivery"]),
        ("bounce", ["Send", "Bounce"]),
        ("bounce+abc", ["Send", "Bounce"]),
        ("ooto", ["Send", "Delivery"]),
        ("complaint", ["Send", "Delivery", "Complaint"]),
        ("suppressionlist", ["Send", "Bounce"]),
    ],
)
def test_mailbox_simulator(
    server: LiveServer, sesv2: Any, sender: str, config_set: str, local: str, expected: list[str]
) -> None:
    address = f"{local}@{SIM}"
    message = inspect(server, send_v2(sesv2, sender, [address], config_set))
    assert event_types(message) == expected
    assert_valid(message)
    last = message["events"][-1]
    if local.startswith("bounce"):
        assert last["bounce"]["bounceType"] == "Permanent"
        assert last["bounce"]["bounceSubType"] == "General"
        assert last["bounce"]["bouncedRecipients"] == [
            {
                "emailAddress": address,
                "action": "failed",
                "status": "5.1.1",
                "diagnosticCode": "smtp; 550 5.1.1 user unknown",
            }
        ]
        assert message["text"] is None
    elif local == "suppressionlist":
        assert (last["bounce"]["bounceType"], last["bounce"]["bounceSubType"]) == (
            "Permanent",
            "Suppressed",
        )
    elif local == "complaint":
        assert last["complaint"]["complainedRecipients"] == [{"emailAddress": address}]
        assert last["complaint"]["complaintFeedbackType"] == "abuse"


def test_simulator_addresses_are_never_suppressed(
    server: LiveServer, sesv2: Any, sender: str, config_set: str
) -> None:
    send_v2(sesv2, sender, [f"bounce@{SIM}"], config_set)
    with pytest.raises(sesv2.exceptions.NotFoundException):
        sesv2.get_suppressed_destination(EmailAddress=f"bounce@{SIM}")


def test_eicar_is_rejected(server: LiveServer, sesv2: Any, sender: str, config_set: str) -> None:
    message_id = sesv2.send_email(
        FromEmailAddress=sender,
        Destination={"ToAddresses": ["clean@example.net"]},
        Content={
            "Simple": {
                "Subject": {"Data": "virus"},
                "Body": {"Text": {"Data": EICAR.decode()}},
            }
        },
        ConfigurationSetName=config_set,
    )["MessageId"]
    message = inspect(server, message_id)
    assert event_types(message) == ["Send", "Reject"]
    assert message["events"][1]["reject"] == {"reason": "Bad content"}
    assert message["text"] is None
    assert_valid(message)


def test_account_suppression_list(
    server: LiveServer, sesv2: Any, sender: str, config_set: str
) -> None:
    address = f"{unique('gone')}@example.net"
    sesv2.put_suppressed_destination(EmailAddress=address, Reason="BOUNCE")
    try:
        message = inspect(server, send_v2(sesv2, sender, [address, "ok@example.net"], config_set))
        assert event_types(message) == ["Send", "Delivery", "Bounce"]
        assert_valid(message)
        bounce = message["events"][2]["bounce"]
        assert (bounce["bounceType"], bounce["bounceSubType"]) == (
            "Permanent",
            "OnAccountSuppressionList",
        )
        assert [r["emailAddress"] for r in bounce["bouncedRecipients"]] == [address]
        assert message["events"][1]["delivery"]["recipients"] == ["ok@example.net"]

        # A set whose SuppressionOptions name no reasons overrides the account's list.
        sesv2.put_configuration_set_suppression_options(
            ConfigurationSetName=config_set, SuppressedReasons=[]
        )
        message = inspect(server, send_v2(sesv2, sender, [address], config_set))
        assert event_types(message) == ["Send", "Delivery"]
    finally:
        sesv2.delete_suppressed_destination(EmailAddress=address)


def test_identity_default_configuration_set(
    server: LiveServer, sesv2: Any, sender: str, config_set: str
) -> None:
    domain = sender.split("@")[1]
    sesv2.put_email_identity_configuration_set_attributes(
        EmailIdentity=domain, ConfigurationSetName=config_set
    )
    message = inspect(server, send_v2(sesv2, sender, ["x@example.net"], None))
    assert message["configurationSet"] == config_set
    assert event_types(message) == ["Send", "Delivery"]


def test_inspection_list_filters_and_paging(
    server: LiveServer, sesv2: Any, sender: str, config_set: str
) -> None:
    recipient = f"{unique('captured')}@example.net"
    sent = [send_v2(sesv2, sender, [recipient], config_set) for _ in range(3)]
    page = httpx.get(f"{server.url}/_openses/messages", params={"to": recipient, "limit": 2})
    assert page.status_code == 200
    first = page.json()
    assert [m["messageId"] for m in first["messages"]] == [sent[2], sent[1]]
    second = httpx.get(
        f"{server.url}/_openses/messages",
        params={"to": recipient, "limit": 2, "cursor": first["nextCursor"]},
    ).json()
    assert [m["messageId"] for m in second["messages"]] == [sent[0]]
    assert "nextCursor" not in second
    by_set = httpx.get(
        f"{server.url}/_openses/messages", params={"configurationSet": config_set}
    ).json()
    assert {m["messageId"] for m in by_set["messages"]} >= set(sent)
    by_sender = httpx.get(f"{server.url}/_openses/messages", params={"from": sender}).json()
    assert {m["messageId"] for m in by_sender["messages"]} >= set(sent)
    missing = httpx.get(f"{server.url}/_openses/messages/does-not-exist")
    assert missing.status_code == 404


def test_send_limits_are_checked_before_anything_is_stored(
    server: LiveServer, ses: Any, sender: str
) -> None:
    recipient = f"{unique('never')}@example.net"
    with pytest.raises(ses.exceptions.ClientError):
        ses.send_email(
            Source=sender,
            Destination={"ToAddresses": [recipient]},
            Message={"Subject": {"Data": "x"}, "Body": {"Text": {"Data": "x"}}},
            Tags=[{"Name": "bad name", "Value": "x"}],
        )
    listed = httpx.get(f"{server.url}/_openses/messages", params={"to": recipient}).json()
    assert listed == {"messages": []}


def test_ooto_answers_the_sender_with_an_auto_reply(
    server: LiveServer, sesv2: Any, sender: str, config_set: str
) -> None:
    message_id = send_v2(sesv2, sender, [f"ooto@{SIM}"], config_set)
    replies = httpx.get(f"{server.url}/_openses/messages", params={"to": sender}).json()
    assert [m["from"] for m in replies["messages"]] == [f"ooto@{SIM}"]
    reply = inspect(server, replies["messages"][0]["messageId"])
    headers = {h["name"]: h["value"] for h in reply["headers"]}
    assert reply["subject"] == "Out of the office: Hello"
    assert reply["status"] == "auto-reply"
    assert reply["destination"] == {"to": [sender], "cc": [], "bcc": []}
    assert headers["Auto-Submitted"] == "auto-replied"
    assert headers["In-Reply-To"].startswith(f"<{message_id}@")
    assert reply["events"] == []


def test_message_size_limits(ses: Any, sesv2: Any, sender: str) -> None:
    big = "x" * (10 * 1024 * 1024 + 1)
    with pytest.raises(ses.exceptions.ClientError) as raised:
        ses.send_email(
            Source=sender,
            Destination={"ToAddresses": ["big@example.net"]},
            Message={"Subject": {"Data": "big"}, "Body": {"Text": {"Data": big}}},
        )
    error = raised.value.response["Error"]
    assert error["Code"] == "InvalidParameterValue"
    assert re.fullmatch(
        r"Message length is more than 10485760 bytes long: '\d+'\.", error["Message"]
    )
    # v2 accepts up to 40 MB.
    message_id = sesv2.send_email(
        FromEmailAddress=sender,
        Destination={"ToAddresses": ["big@example.net"]},
        Content={"Simple": {"Subject": {"Data": "big"}, "Body": {"Text": {"Data": big}}}},
    )["MessageId"]
    assert re.fullmatch(r"[0-9a-f]{16}-[0-9a-f-]{36}-000000", message_id)


@pytest.mark.parametrize("depth", [1, 4, 9])
def test_a_verified_domain_covers_subdomains_at_any_depth(sesv2: Any, depth: int) -> None:
    """Few candidate names take a fixed statement, many an expanding one: both find the
    domain, in any letter case, and an unverified sibling domain is still refused."""
    domain = f"{unique('deep')}.example.com"
    sesv2.create_email_identity(EmailIdentity=domain)
    try:
        labels = ".".join(f"l{i}" for i in range(depth))
        accepted = send_v2(sesv2, f"someone@{labels}.{domain.upper()}", ["a@example.net"], None)
        assert accepted
        with pytest.raises(sesv2.exceptions.MessageRejected):
            send_v2(sesv2, f"someone@{labels}.other-{domain}", ["a@example.net"], None)
    finally:
        sesv2.delete_email_identity(EmailIdentity=domain)
