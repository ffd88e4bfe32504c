"""Custom verification email templates (v1 and v2), SendCustomVerificationEmail, SES's own
verification email, and the link in them, through the wire (issue 20)."""

from __future__ import annotations

import concurrent.futures
import datetime
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import botocore.exceptions
import httpx
import pytest

from openses import bootstrap
from openses.app import build_app
from openses.config import Settings
from tests.support import (
    LiveServer,
    authorization,
    database_url,
    error_tuple,
    fresh_account,
    serve_in_thread,
    strip_metadata,
    unique,
    verify_identity,
)

CONTENT = "<html><body><h1>Welcome</h1><p>One more step.</p></body></html>"
SUCCESS, FAILURE = "https://example.com/verified", "https://example.com/failed"
SUBJECT = "Amazon Web Services \N{EN DASH} Email Address Verification Request in region "
# OPENSES_PUBLIC_URL's default base, then the link's path
LINK = re.compile(r"http://127\.0\.0\.1:8585(/_openses/v/[A-Za-z0-9_-]+)")


class Clock:
    """The server's clock, moved by the test."""

    def __init__(self) -> None:
        self.now = datetime.datetime.now(datetime.UTC)

    def __call__(self) -> datetime.datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def manual(backend: str, tmp_path: Path, clock: Clock) -> Iterator[LiveServer]:
    """A server that leaves new identities Pending (OPENSES_AUTO_VERIFY_IDENTITIES=false)."""
    with database_url(backend, str(tmp_path)) as url:
        settings = Settings(
            database_url=url,
            auto_verify_identities=False,
            validate_destinations=False,
            dispatch_events=False,
            smtp_port=0,
            smtps_port=0,
        )
        app = build_app(bootstrap.server(settings, clock=clock))
        with serve_in_thread(settings, app) as live:
            yield live


def _messages_to(server: LiveServer, key: str, to: str) -> list[dict[str, Any]]:
    """The account's captured messages to ``to`` (openses' own endpoints are scoped to the
    account a request is signed for)."""
    response = httpx.get(
        f"{server.url}/_openses/messages",
        params={"to": to},
        headers={"Authorization": authorization(key)},
    )
    found: list[dict[str, Any]] = response.json()["messages"]
    return found


def _raw(server: LiveServer, key: str, message_id: str) -> str:
    return httpx.get(
        f"{server.url}/_openses/messages/{message_id}/raw",
        headers={"Authorization": authorization(key)},
    ).text


def _link(server: LiveServer, raw: str) -> str:
    """The verification link in a message, pointed at the test's server."""
    # quoted-printable may fold long lines: undo the soft line breaks first
    unfolded = raw.replace("=\r\n", "").replace("=\n", "")
    found = LINK.search(unfolded)
    assert found is not None, raw
    return server.url + found.group(1)


def _template(sender: str, **overrides: Any) -> dict[str, Any]:
    return {
        "TemplateName": unique("cve"),
        "FromEmailAddress": sender,
        "TemplateSubject": "Please confirm your address",
        "TemplateContent": CONTENT,
        "SuccessRedirectionURL": SUCCESS,
        "FailureRedirectionURL": FAILURE,
        **overrides,
    }


def _clients(server: LiveServer) -> tuple[str, Any, Any]:
    key = fresh_account()
    return key, server.client("sesv2", access_key=key), server.client("ses", access_key=key)


def _verified_sender(server: LiveServer, key: str, sesv2: Any) -> str:
    sender = f"sender@{unique('d')}.example.com"
    sesv2.create_email_identity(EmailIdentity=sender)
    verify_identity(server, key, sender)
    return sender


# -- templates ------------------------------------------------------------------------------


def test_templates_round_trip_in_v1_and_v2(server: LiveServer) -> None:
    _, sesv2, ses = _clients(server)
    sender = f"sender@{unique('d')}.example.com"
    sesv2.create_email_identity(EmailIdentity=sender)
    first = _template(sender, TemplateName="a-" + unique())
    second = _template(sender, TemplateName="b-" + unique())
    sesv2.create_custom_verification_email_template(**first, Tags=[{"Key": "k", "Value": "v"}])
    ses.create_custom_verification_email_template(**second)

    assert (
        strip_metadata(
            ses.get_custom_verification_email_template(TemplateName=first["TemplateName"])
        )
        == first
    )
    assert strip_metadata(
        sesv2.get_custom_verification_email_template(TemplateName=second["TemplateName"])
    ) == {**second, "Tags": []}
    assert sesv2.get_custom_verification_email_template(TemplateName=first["TemplateName"])[
        "Tags"
    ] == [{"Key": "k", "Value": "v"}]

    metadata = [{k: v for k, v in t.items() if k != "TemplateContent"} for t in (first, second)]
    assert strip_metadata(sesv2.list_custom_verification_email_templates()) == {
        "CustomVerificationEmailTemplates": metadata
    }
    page = ses.list_custom_verification_email_templates(MaxResults=1)
    assert page["CustomVerificationEmailTemplates"] == metadata[:1]
    rest = ses.list_custom_verification_email_templates(NextToken=page["NextToken"])
    assert rest["CustomVerificationEmailTemplates"] == metadata[1:]
    assert "NextToken" not in rest

    # v1 Update changes only the members given; v2 Update replaces them all
    ses.update_custom_verification_email_template(
        TemplateName=first["TemplateName"], TemplateSubject="Changed"
    )
    got = ses.get_custom_verification_email_template(TemplateName=first["TemplateName"])
    assert strip_metadata(got) == {**first, "TemplateSubject": "Changed"}
    replaced = _template(sender, TemplateName=second["TemplateName"], TemplateContent="<p>x</p>")
    sesv2.update_custom_verification_email_template(**replaced)
    got = ses.get_custom_verification_email_template(TemplateName=second["TemplateName"])
    assert strip_metadata(got) == replaced

    sesv2.delete_custom_verification_email_template(TemplateName=first["TemplateName"])
    ses.delete_custom_verification_email_template(TemplateName=second["TemplateName"])
    assert (
        sesv2.list_custom_verification_email_templates()["CustomVerificationEmailTemplates"] == []
    )


def test_template_errors(server: LiveServer) -> None:
    _, sesv2, ses = _clients(server)
    sender = f"sender@{unique('d')}.example.com"
    sesv2.create_email_identity(EmailIdentity=sender)
    template = _template(sender)
    name = template["TemplateName"]
    sesv2.create_custom_verification_email_template(**template)

    with pytest.raises(botocore.exceptions.ClientError) as raised:
        ses.create_custom_verification_email_template(**template)
    assert error_tuple(raised) == (
        "CustomVerificationEmailTemplateAlreadyExists",
        f"Custom verification email template {name} already exists.",
        400,
    )
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        sesv2.create_custom_verification_email_template(**template)
    assert error_tuple(raised) == (
        "AlreadyExistsException",
        f"Custom verification email template {name} already exists.",
        400,
    )
    missing = unique("missing")
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        ses.get_custom_verification_email_template(TemplateName=missing)
    assert error_tuple(raised) == (
        "CustomVerificationEmailTemplateDoesNotExist",
        f"Custom verification email template {missing} does not exist.",
        400,
    )
    # v1 Delete models no errors: a missing template is no error there
    assert ses.delete_custom_verification_email_template(TemplateName=missing)
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        sesv2.delete_custom_verification_email_template(TemplateName=missing)
    assert error_tuple(raised) == (
        "NotFoundException",
        f"Custom verification email template {missing} does not exist.",
        404,
    )
    unverified = f"nobody@{unique('d')}.example.com"
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        ses.create_custom_verification_email_template(**_template(unverified))
    assert error_tuple(raised) == (
        "FromEmailAddressNotVerified",
        f"The sender address {unverified} of the custom verification email is not verified.",
        400,
    )
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        ses.update_custom_verification_email_template(
            TemplateName=name, FromEmailAddress=unverified
        )
    assert error_tuple(raised)[0] == "FromEmailAddressNotVerified"
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        sesv2.create_custom_verification_email_template(
            **_template(sender, TemplateContent="<p><script>alert(1)</script></p>")
        )
    assert error_tuple(raised) == (
        "BadRequestException",
        "The HTML tag <script> is not allowed in a custom verification email.",
        400,
    )
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        ses.update_custom_verification_email_template(
            TemplateName=name, TemplateContent="<p onclick='x()'>hi</p>"
        )
    assert error_tuple(raised) == (
        "CustomVerificationEmailInvalidContent",
        "The attribute onclick of the HTML tag <p> is not allowed in a custom verification email.",
        400,
    )
    # nothing changed
    assert strip_metadata(ses.get_custom_verification_email_template(TemplateName=name)) == (
        template
    )
    assert [
        t["TemplateName"]
        for t in sesv2.list_custom_verification_email_templates()[
            "CustomVerificationEmailTemplates"
        ]
    ] == [name]


def test_fifty_templates_per_account(server: LiveServer) -> None:
    _, sesv2, ses = _clients(server)
    sender = f"sender@{unique('d')}.example.com"
    sesv2.create_email_identity(EmailIdentity=sender)
    for number in range(50):
        ses.create_custom_verification_email_template(
            **_template(sender, TemplateName=f"t{number:02d}")
        )
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        sesv2.create_custom_verification_email_template(**_template(sender))
    assert error_tuple(raised) == (
        "LimitExceededException",
        "Maximum number of custom verification email templates (50) reached.",
        400,
    )
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        ses.create_custom_verification_email_template(**_template(sender))
    assert error_tuple(raised)[0] == "LimitExceeded"
    listed = sesv2.list_custom_verification_email_templates(PageSize=50)
    assert len(listed["CustomVerificationEmailTemplates"]) == 50
    assert "NextToken" not in listed


def test_concurrent_creates_stop_at_fifty(server: LiveServer) -> None:
    """Creates racing for the last two places: exactly two get them (the count is taken under
    the account's lock on PostgreSQL, as for templates and configuration sets)."""
    _, sesv2, ses = _clients(server)
    sender = f"sender@{unique('d')}.example.com"
    sesv2.create_email_identity(EmailIdentity=sender)
    for number in range(48):
        ses.create_custom_verification_email_template(
            **_template(sender, TemplateName=f"t{number:02d}")
        )

    def create(number: int) -> str:
        try:
            sesv2.create_custom_verification_email_template(
                **_template(sender, TemplateName=f"race{number}")
            )
        except botocore.exceptions.ClientError as error:
            return str(error.response["Error"]["Code"])
        return "created"

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = sorted(pool.map(create, range(8)))
    assert outcomes == ["LimitExceededException"] * 6 + ["created"] * 2
    listed = sesv2.list_custom_verification_email_templates(PageSize=50)
    assert len(listed["CustomVerificationEmailTemplates"]) == 50


# -- sending and the link ---------------------------------------------------------------------


def test_custom_verification_email_verifies_through_its_link(manual: LiveServer) -> None:
    key, sesv2, ses = _clients(manual)
    sender = _verified_sender(manual, key, sesv2)
    template = _template(sender)
    ses.create_custom_verification_email_template(**template)
    address = f"{unique('user')}@example.net"

    sent = sesv2.send_custom_verification_email(
        EmailAddress=address, TemplateName=template["TemplateName"]
    )
    assert ses.get_identity_verification_attributes(Identities=[address])[
        "VerificationAttributes"
    ] == {address: {"VerificationStatus": "Pending"}}
    [message] = _messages_to(manual, key, address)
    assert (message["messageId"], message["from"], message["subject"], message["status"]) == (
        sent["MessageId"],
        sender,
        "Please confirm your address",
        "verification",
    )
    raw = _raw(manual, key, sent["MessageId"])
    assert "<h1>Welcome</h1>" in raw
    link = _link(manual, raw)

    followed = httpx.get(link)
    assert (followed.status_code, followed.headers["location"]) == (302, SUCCESS)
    got = sesv2.get_email_identity(EmailIdentity=address)
    assert (got["VerificationStatus"], got["VerifiedForSendingStatus"]) == ("SUCCESS", True)
    # the link is no credential for anything else, and a second click changes nothing
    assert httpx.get(link).headers["location"] == SUCCESS

    # v1 too
    other = f"{unique('user')}@example.net"
    sent_v1 = ses.send_custom_verification_email(
        EmailAddress=other, TemplateName=template["TemplateName"]
    )
    assert [m["messageId"] for m in _messages_to(manual, key, other)] == [sent_v1["MessageId"]]


def test_an_expired_or_altered_link_fails(manual: LiveServer, clock: Clock) -> None:
    key, sesv2, ses = _clients(manual)
    sender = _verified_sender(manual, key, sesv2)
    template = _template(sender)
    sesv2.create_custom_verification_email_template(**template)
    address = f"{unique('user')}@example.net"
    sent = ses.send_custom_verification_email(
        EmailAddress=address, TemplateName=template["TemplateName"]
    )
    link = _link(manual, _raw(manual, key, sent["MessageId"]))

    altered = httpx.get(link[:-2] + ("AA" if not link.endswith("AA") else "BB"))
    assert altered.status_code == 400
    clock.now += datetime.timedelta(hours=24, seconds=1)
    expired = httpx.get(link)
    assert (expired.status_code, expired.headers["location"]) == (302, FAILURE)
    assert sesv2.get_email_identity(EmailIdentity=address)["VerificationStatus"] == "PENDING"


def test_send_custom_verification_email_errors(manual: LiveServer) -> None:
    key, sesv2, ses = _clients(manual)
    sender = _verified_sender(manual, key, sesv2)
    template = _template(sender)
    ses.create_custom_verification_email_template(**template)
    address = f"{unique('user')}@example.net"
    missing = unique("missing")
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        ses.send_custom_verification_email(EmailAddress=address, TemplateName=missing)
    assert error_tuple(raised) == (
        "CustomVerificationEmailTemplateDoesNotExist",
        f"Custom verification email template {missing} does not exist.",
        400,
    )
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        sesv2.send_custom_verification_email(
            EmailAddress=address,
            TemplateName=template["TemplateName"],
            ConfigurationSetName=missing,
        )
    assert error_tuple(raised) == (
        "NotFoundException",
        f"Configuration set <{missing}> does not exist.",
        404,
    )
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        ses.send_custom_verification_email(
            EmailAddress="not an address", TemplateName=template["TemplateName"]
        )
    assert error_tuple(raised) == (
        "InvalidParameterValue",
        "Invalid email address<not an address>.",
        400,
    )
    # the sender's identity is gone: the template can no longer send
    sesv2.delete_email_identity(EmailIdentity=sender)
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        ses.send_custom_verification_email(
            EmailAddress=address, TemplateName=template["TemplateName"]
        )
    assert error_tuple(raised)[0] == "FromEmailAddressNotVerified"
    assert _messages_to(manual, key, address) == []
    assert (
        ses.get_identity_verification_attributes(Identities=[address])["VerificationAttributes"]
        == {}
    )


def test_ses_own_verification_email(manual: LiveServer) -> None:
    key, sesv2, ses = _clients(manual)
    v1_address, v2_address = (f"{unique('user')}@example.net" for _ in range(2))
    ses.verify_email_identity(EmailAddress=v1_address)
    sesv2.create_email_identity(EmailIdentity=v2_address)
    sesv2.create_email_identity(EmailIdentity=f"{unique('d')}.example.com")  # a domain: no mail

    for address in (v1_address, v2_address):
        [message] = _messages_to(manual, key, address)
        assert (message["from"], message["subject"], message["status"]) == (
            "Amazon Web Services <no-reply-aws@amazon.com>",
            SUBJECT + "US East (N. Virginia)",
            "verification",
        )
    link = _link(manual, _raw(manual, key, _messages_to(manual, key, v1_address)[0]["messageId"]))
    followed = httpx.get(link)
    assert (followed.status_code, followed.headers["content-type"]) == (
        200,
        "text/html; charset=utf-8",
    )
    assert ses.get_identity_verification_attributes(Identities=[v1_address, v2_address])[
        "VerificationAttributes"
    ] == {
        v1_address: {"VerificationStatus": "Success"},
        v2_address: {"VerificationStatus": "Pending"},
    }
    # v1 VerifyEmailAddress mails again, as SES restarts verification
    ses.verify_email_address(EmailAddress=v2_address)
    assert len(_messages_to(manual, key, v2_address)) == 2


def test_no_verification_email_under_auto_verification(server: LiveServer) -> None:
    key, sesv2, ses = _clients(server)
    address = f"{unique('user')}@example.net"
    ses.verify_email_identity(EmailAddress=address)
    sesv2.create_email_identity(EmailIdentity=f"{unique('user')}@example.net")
    assert _messages_to(server, key, address) == []


def test_custom_verification_email_with_a_configuration_set(server: LiveServer) -> None:
    """Capture mode: the set gets the email's Send and Delivery, and its insights show them
    (issue 20); without a set the events are kept for the insights alone."""
    key, sesv2, ses = _clients(server)
    sender = f"sender@{unique('d')}.example.com"
    sesv2.create_email_identity(EmailIdentity=sender)
    template = _template(sender)
    ses.create_custom_verification_email_template(**template)
    set_name = unique("cvset")
    sesv2.create_configuration_set(ConfigurationSetName=set_name)
    with_set = sesv2.send_custom_verification_email(
        EmailAddress=f"{unique('user')}@example.net",
        TemplateName=template["TemplateName"],
        ConfigurationSetName=set_name,
    )["MessageId"]
    without = ses.send_custom_verification_email(
        EmailAddress=f"{unique('user')}@example.net", TemplateName=template["TemplateName"]
    )["MessageId"]
    for message_id, expected_set in ((with_set, set_name), (without, None)):
        message = httpx.get(
            f"{server.url}/_openses/messages/{message_id}",
            headers={"Authorization": authorization(key)},
        ).json()
        assert (message["status"], message["configurationSet"]) == ("verification", expected_set)
        assert [e["eventType"] for e in message["events"]] == ["Send", "Delivery"]
        [insight] = sesv2.get_message_insights(MessageId=message_id)["Insights"]
        assert [e["Type"] for e in insight["Events"]] == ["SEND", "DELIVERY"]
