"""Nothing a send accepts is silently dropped (issue 20): every leaf member of the installed
botocore ``sesv2`` model's SendEmail and SendBulkEmail input is either honoured (a check here,
or a named test elsewhere, shows its effect) or refused with one of the operation's AWS errors.
A botocore that grows a member turns this red until the member is decided."""

from __future__ import annotations

import base64
import importlib
import re
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from typing import Any

import botocore.exceptions
import botocore.session
import httpx
import pytest
from botocore.model import Shape

from tests.support import LiveServer, authorization, fresh_account, unique

MODEL = botocore.session.get_session().get_service_model("sesv2")
OPERATIONS = ("SendEmail", "SendBulkEmail")


def leaves(shape: Shape, path: str = "") -> Iterator[str]:
    if shape.type_name == "structure":
        for name, member in shape.members.items():
            yield from leaves(member, f"{path}.{name}" if path else name)
    elif shape.type_name == "list":
        yield from leaves(shape.member, path)
    else:
        yield path


class Sends:
    """A fresh account with a verified domain and a stored template, sending through either
    operation with the same members."""

    def __init__(self, server: LiveServer) -> None:
        self.server = server
        self.account = fresh_account()
        self.sesv2 = server.client("sesv2", access_key=self.account)
        self.domain = f"{unique('m')}.example.com"
        self.sesv2.create_email_identity(EmailIdentity=self.domain)
        self.sender = f"news@{self.domain}"
        self.template = unique("t")
        self.sesv2.create_email_template(
            TemplateName=self.template,
            TemplateContent={"Subject": "Hi {{name}}", "Text": "Hello {{name}}"},
        )

    def arn(self, kind: str, name: str, account: str | None = None) -> str:
        return f"arn:aws:ses:us-east-1:{account or self.account}:{kind}/{name}"

    def send(
        self,
        operation: str,
        *,
        to: str = "ann@example.net",
        template: dict[str, Any] | None = None,
        **members: Any,
    ) -> str:
        content = template or {"TemplateName": self.template, "TemplateData": '{"name": "Ann"}'}
        if operation == "SendEmail":
            result = self.sesv2.send_email(
                FromEmailAddress=self.sender,
                Destination={"ToAddresses": [to]},
                Content={"Template": content},
                **members,
            )
            return str(result["MessageId"])
        result = self.sesv2.send_bulk_email(
            FromEmailAddress=self.sender,
            DefaultContent={"Template": content},
            BulkEmailEntries=[{"Destination": {"ToAddresses": [to]}}],
            **members,
        )
        [entry] = result["BulkEmailEntryResults"]
        assert entry["Status"] == "SUCCESS", entry
        return str(entry["MessageId"])

    def refused(self, operation: str, **kwargs: Any) -> str:
        with pytest.raises(botocore.exceptions.ClientError) as raised:
            self.send(operation, **kwargs)
        code = str(raised.value.response["Error"]["Code"])
        errors = {shape.name for shape in MODEL.operation_model(operation).error_shapes}
        assert code in errors, code
        return code

    def message(self, message_id: str) -> Any:
        raw = httpx.get(
            f"{self.server.url}/_openses/messages/{message_id}/raw",
            headers={"Authorization": authorization(self.account)},
        ).content
        return message_from_bytes(raw, policy=policy.default)


Check = Callable[[Sends, str], None]


def _identity_arn(sends: Sends, operation: str, member: str, other_account: str) -> None:
    """The caller's own identity ARN is honoured, one that does not cover the address refused;
    one of another account gets ``other_account``'s error."""
    own: dict[str, Any] = {member: sends.arn("identity", sends.domain)}
    assert sends.send(operation, **own)
    other: dict[str, Any] = {member: sends.arn("identity", sends.domain, account="999999999999")}
    assert sends.refused(operation, **other) == other_account
    elsewhere: dict[str, Any] = {member: sends.arn("identity", "elsewhere.example.org")}
    assert sends.refused(operation, **elsewhere) == "BadRequestException"


def check_from_arn(sends: Sends, operation: str) -> None:
    # another account's identity is sending authorization's: this one does not exist there, so
    # the address is not verified (tests/api/test_sending_authorization.py has allowed sends)
    _identity_arn(sends, operation, "FromEmailAddressIdentityArn", "MessageRejected")


def check_feedback_arn(sends: Sends, operation: str) -> None:
    member = "FeedbackForwardingEmailAddressIdentityArn"
    _identity_arn(sends, operation, member, "BadRequestException")


def check_feedback_address(sends: Sends, operation: str) -> None:
    """A bounce's forwarded report goes to the feedback address, not the sender."""
    feedback = f"{unique('fb')}@{sends.domain}"
    message_id = sends.send(
        operation,
        to="bounce@simulator.amazonses.com",
        FeedbackForwardingEmailAddress=feedback,
    )
    assert message_id
    found = httpx.get(
        f"{sends.server.url}/_openses/messages",
        params={"to": feedback},
        headers={"Authorization": authorization(sends.account)},
    )
    assert [m["status"] for m in found.json()["messages"]] == ["forwarded"]


def check_endpoint(sends: Sends, operation: str) -> None:
    """boto3 signs a call with EndpointId with SigV4a (botocore[crt]): the call goes out
    through httpx, signed as open mode reads it (the key names the account)."""
    name = unique("mre")
    endpoint = sends.sesv2.create_multi_region_endpoint(
        EndpointName=name, Details={"RoutesDetails": [{"Region": "us-west-2"}]}
    )
    template = {"Template": {"TemplateName": sends.template, "TemplateData": '{"name": "Di"}'}}
    path, body = (
        (
            "outbound-emails",
            {"Destination": {"ToAddresses": ["ann@example.net"]}, "Content": template},
        )
        if operation == "SendEmail"
        else (
            "outbound-bulk-emails",
            {
                "DefaultContent": template,
                "BulkEmailEntries": [{"Destination": {"ToAddresses": ["ann@example.net"]}}],
            },
        )
    )

    def call(endpoint_id: str) -> httpx.Response:
        return httpx.post(
            f"{sends.server.url}/v2/email/{path}",
            json={"FromEmailAddress": sends.sender, "EndpointId": endpoint_id, **body},
            headers={"Authorization": authorization(sends.account)},
        )

    sent = call(endpoint["EndpointId"])
    assert sent.status_code == 200, sent.text
    refused = call("abcd1234.ef56")
    assert (refused.status_code, refused.headers.get("x-amzn-ErrorType", "")[:17]) == (
        404,
        "NotFoundException",
    ), refused.text


def check_template_arn(sends: Sends, operation: str) -> None:
    arn = sends.arn("template", sends.template)
    message_id = sends.send(
        operation, template={"TemplateArn": arn, "TemplateData": '{"name": "Bo"}'}
    )
    assert sends.message(message_id)["Subject"] == "Hi Bo"
    other = sends.arn("template", sends.template, account="999999999999")
    assert (
        sends.refused(operation, template={"TemplateArn": other, "TemplateData": "{}"})
        == "NotFoundException"
    )


def check_template_content(sends: Sends, operation: str) -> None:
    inline = {
        "TemplateContent": {"Subject": "Inline {{n}}", "Text": "t {{n}}", "Html": "<p>{{n}}</p>"},
        "TemplateData": '{"n": "7"}',
    }
    message = sends.message(sends.send(operation, template=inline))
    assert message["Subject"] == "Inline 7"
    assert message.get_body(("plain",)).get_content().strip() == "t 7"
    assert message.get_body(("html",)).get_content().strip() == "<p>7</p>"


def check_template_headers_and_attachments(sends: Sends, operation: str) -> None:
    template: dict[str, Any] = {
        "TemplateName": sends.template,
        "TemplateData": '{"name": "Cy"}',
        "Headers": [{"Name": "X-Campaign", "Value": "spring"}],
        "Attachments": [
            {
                "FileName": "a.txt",
                "RawContent": b"attached text",
                "ContentType": "text/plain",
                "ContentDisposition": "ATTACHMENT",
                "ContentDescription": "a file",
                "ContentId": "<a1>",
                "ContentTransferEncoding": "QUOTED_PRINTABLE",
            }
        ],
    }
    message = sends.message(sends.send(operation, template=template))
    assert message["X-Campaign"] == "spring"
    [part] = list(message.iter_attachments())
    assert part.get_filename() == "a.txt"
    assert part["Content-Transfer-Encoding"] == "quoted-printable"
    assert (part["Content-ID"], part["Content-Description"]) == ("<a1>", "a file")
    assert part.get_content() == "attached text"
    seven_bit: dict[str, Any] = {
        **template["Attachments"][0],
        "ContentTransferEncoding": "SEVEN_BIT",
        "RawContent": "é".encode(),
    }
    refused = {**template, "Attachments": [seven_bit]}
    assert sends.refused(operation, template=refused) == "BadRequestException"


def check_configuration_overrides(sends: Sends, operation: str) -> None:
    """ENABLED or DISABLED wins over what the set tracks (its OPEN and CLICK destinations);
    an open tracked without a set is recorded for the message's insights."""
    name = unique("track")
    sends.sesv2.create_configuration_set(ConfigurationSetName=name)
    sends.sesv2.create_configuration_set_event_destination(
        ConfigurationSetName=name,
        EventDestinationName="engagement",
        EventDestination={
            "Enabled": True,
            "MatchingEventTypes": ["OPEN", "CLICK"],
            "SnsDestination": {"TopicArn": "arn:aws:sns:us-east-1:123456789012:t"},
        },
    )
    inline = {
        "TemplateContent": {"Subject": "s", "Html": '<p><a href="https://example.com/x">x</a></p>'},
        "TemplateData": "{}",
    }

    def html(**members: Any) -> str:
        message = sends.message(sends.send(operation, template=inline, **members))
        return str(message.get_body(("html",)).get_content())

    tracked = html(ConfigurationSetName=name)
    assert ("/_openses/t/o/" in tracked, "/_openses/t/c/" in tracked) == (True, True)
    disabled = {"Tracking": {"OpenTrackingEnabled": "DISABLED", "ClickTrackingEnabled": "DISABLED"}}
    untracked = html(ConfigurationSetName=name, ConfigurationOverrides=disabled)
    assert "/_openses/t/" not in untracked
    assert 'href="https://example.com/x"' in untracked
    opens_only = {"Tracking": {"OpenTrackingEnabled": "ENABLED"}}
    message_id = sends.send(operation, template=inline, ConfigurationOverrides=opens_only)
    body = str(sends.message(message_id).get_body(("html",)).get_content())
    assert ("/_openses/t/o/" in body, "/_openses/t/c/" in body) == (True, False)
    pixel = re.search(r'src="[^"]*(/_openses/t/o/[^"]+)"', body)
    assert pixel is not None, body
    assert httpx.get(sends.server.url + pixel.group(1)).status_code == 200
    insights = sends.sesv2.get_message_insights(MessageId=message_id)["Insights"]
    assert [e["Type"] for e in insights[0]["Events"]] == ["SEND", "DELIVERY", "OPEN"]


def check_charset(sends: Sends, operation: str) -> None:
    """Charset names the encoding of Data, which JSON has already decoded: the text arrives
    intact (openses writes UTF-8)."""
    message_id = sends.sesv2.send_email(
        FromEmailAddress=sends.sender,
        Destination={"ToAddresses": ["ann@example.net"]},
        Content={
            "Simple": {
                "Subject": {"Data": "Café", "Charset": "ISO-8859-1"},
                "Body": {
                    "Text": {"Data": "Crème", "Charset": "ISO-8859-1"},
                    "Html": {"Data": "<b>brûlée</b>", "Charset": "UTF-8"},
                },
            }
        },
    )["MessageId"]
    message = sends.message(message_id)
    assert message["Subject"] == "Café"
    assert message.get_body(("plain",)).get_content().strip() == "Crème"
    assert message.get_body(("html",)).get_content().strip() == "<b>brûlée</b>"


def check_simple_attachment_encoding(sends: Sends, operation: str) -> None:
    message_id = sends.sesv2.send_email(
        FromEmailAddress=sends.sender,
        Destination={"ToAddresses": ["ann@example.net"]},
        Content={
            "Simple": {
                "Subject": {"Data": "files"},
                "Body": {"Text": {"Data": "see attached"}},
                "Attachments": [
                    {
                        "FileName": "n.txt",
                        "RawContent": b"seven bit",
                        "ContentTransferEncoding": "SEVEN_BIT",
                    },
                    {"FileName": "b.bin", "RawContent": b"\x00\x01"},
                ],
            }
        },
    )["MessageId"]
    parts = list(sends.message(message_id).iter_attachments())
    assert [p["Content-Transfer-Encoding"] for p in parts] == ["7bit", "base64"]
    assert parts[1].get_payload(decode=True) == base64.b64decode(base64.b64encode(b"\x00\x01"))


# Members whose effect a test elsewhere asserts through the wire: module -> test function.
ELSEWHERE: dict[str, tuple[str, str | None]] = {
    "FromEmailAddress": ("tests.api.test_sending", "test_v2_simple_send_is_captured_with_events"),
    "Destination": ("tests.api.test_sending", "test_v2_simple_send_is_captured_with_events"),
    "ReplyToAddresses": ("tests.api.test_sending", "test_v2_simple_send_is_captured_with_events"),
    "Content.Simple": ("tests.api.test_sending", "test_v2_simple_send_is_captured_with_events"),
    "Content.Raw": ("tests.api.test_bad_input", "test_v2_valid_raw_body_is_accepted"),
    "Content.Template.TemplateName": ("tests.api.test_templated_sending", None),
    "Content.Template.TemplateData": ("tests.api.test_templated_sending", None),
    "EmailTags": ("tests.api.test_sending", None),
    "ConfigurationSetName": ("tests.api.test_sending", None),
    "TenantName": ("tests.api.test_tenants", None),
    "ListManagementOptions": ("tests.api.test_contact_lists", None),
    "DefaultEmailTags": ("tests.api.test_templated_sending", None),
    "DefaultContent.Template.TemplateName": ("tests.api.test_templated_sending", None),
    "DefaultContent.Template.TemplateData": ("tests.api.test_templated_sending", None),
    "BulkEmailEntries": ("tests.api.test_templated_sending", None),
}

CHECKS: dict[str, Check] = {
    "FromEmailAddressIdentityArn": check_from_arn,
    "FeedbackForwardingEmailAddress": check_feedback_address,
    "FeedbackForwardingEmailAddressIdentityArn": check_feedback_arn,
    "EndpointId": check_endpoint,
    "ConfigurationOverrides": check_configuration_overrides,
    "Content.Template.TemplateArn": check_template_arn,
    "Content.Template.TemplateContent": check_template_content,
    "Content.Template.Headers": check_template_headers_and_attachments,
    "Content.Template.Attachments": check_template_headers_and_attachments,
    "Content.Simple.Subject.Charset": check_charset,
    "Content.Simple.Body.Text.Charset": check_charset,
    "Content.Simple.Body.Html.Charset": check_charset,
    "Content.Simple.Attachments.ContentTransferEncoding": check_simple_attachment_encoding,
    "DefaultContent.Template.TemplateArn": check_template_arn,
    "DefaultContent.Template.TemplateContent": check_template_content,
    "DefaultContent.Template.Headers": check_template_headers_and_attachments,
    "DefaultContent.Template.Attachments": check_template_headers_and_attachments,
}


def _decided_by(path: str) -> str | None:
    """The longest prefix of ``path`` (at member boundaries) that CHECKS or ELSEWHERE decides."""
    parts = path.split(".")
    for end in range(len(parts), 0, -1):
        prefix = ".".join(parts[:end])
        if prefix in CHECKS or prefix in ELSEWHERE:
            return prefix
    return None


@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_member_is_decided(operation: str) -> None:
    shape = MODEL.operation_model(operation).input_shape
    undecided = [path for path in leaves(shape) if _decided_by(path) is None]
    assert undecided == [], f"{operation}: decide (honour or refuse) {undecided}"


def test_the_tests_named_elsewhere_exist() -> None:
    for member, (module_name, function) in ELSEWHERE.items():
        module = importlib.import_module(module_name)
        if function is not None:
            assert callable(getattr(module, function, None)), (member, module_name, function)
        else:
            assert any(name.startswith("test_") for name in vars(module)), member


def _cases() -> list[tuple[str, str]]:
    cases = []
    for operation in OPERATIONS:
        shape = MODEL.operation_model(operation).input_shape
        decided = {_decided_by(path) for path in leaves(shape)}
        cases += [(operation, member) for member in sorted(d for d in decided if d in CHECKS)]
    return cases


@pytest.mark.parametrize(("operation", "member"), _cases())
def test_member_is_honoured_or_refused(server: LiveServer, operation: str, member: str) -> None:
    CHECKS[member](Sends(server), operation)


def test_v1_identity_and_template_arns(server: LiveServer) -> None:
    """v1's SourceArn, FromArn, ReturnPathArn and TemplateArn follow the same rules."""
    sends = Sends(server)
    ses = server.client("ses", access_key=sends.account)
    own, other = sends.arn("identity", sends.domain), sends.arn("identity", "x.example.org")
    simple = {
        "Source": sends.sender,
        "Destination": {"ToAddresses": ["ann@example.net"]},
        "Message": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "t"}}},
    }
    assert ses.send_email(**simple, SourceArn=own, ReturnPathArn=own)["MessageId"]
    with pytest.raises(ses.exceptions.ClientError) as raised:
        ses.send_email(**simple, SourceArn=other)
    assert raised.value.response["Error"]["Code"] == "InvalidParameterValue"
    raw = f"From: {sends.sender}\r\nTo: ann@example.net\r\nSubject: r\r\n\r\nbody\r\n".encode()
    assert ses.send_raw_email(RawMessage={"Data": raw}, FromArn=own, SourceArn=own)["MessageId"]
    templated = {
        "Source": sends.sender,
        "Destination": {"ToAddresses": ["ann@example.net"]},
        "Template": sends.template,
        "TemplateData": '{"name": "Ed"}',
    }
    template_arn = sends.arn("template", sends.template)
    assert ses.send_templated_email(**templated, TemplateArn=template_arn)["MessageId"]
    with pytest.raises(ses.exceptions.ClientError) as raised:
        ses.send_templated_email(**templated, TemplateArn=sends.arn("template", "another"))
    assert raised.value.response["Error"]["Code"] == "InvalidParameterValue"
