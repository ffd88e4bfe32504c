"""The sandbox (issue 17): OPENSES_SANDBOX=true keeps accounts to verified recipients, 200 a day
and 1 a second until ``openses account grant-production`` lifts it; PutAccountDetails is kept
and GetAccount reports it all."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner

from openses.cli import main
from tests.api.quota_support import MovableClock, quota_server, simple
from tests.smtp.support import trusting
from tests.support import LiveServer, error_tuple, fresh_account, strip_metadata, unique

SANDBOX_QUOTA = {"Max24HourSend": 200.0, "MaxSendRate": 1.0, "SentLast24Hours": 0.0}


def not_verified(*addresses: str, region: str = "US-EAST-1") -> str:
    return (
        "Email address is not verified. The following identities failed the check in region "
        f"{region}: {', '.join(addresses)}"
    )


@pytest.fixture(scope="module")
def clock(backend: str) -> MovableClock:
    return MovableClock()


@pytest.fixture(scope="module")
def sandbox(
    backend: str, tmp_path_factory: pytest.TempPathFactory, clock: MovableClock
) -> Iterator[LiveServer]:
    tmp = tmp_path_factory.mktemp(f"sandbox-{backend}")
    with quota_server(backend, str(tmp), clock, sandbox=True) as live:
        yield live


@pytest.fixture
def account() -> str:
    return fresh_account()


@pytest.fixture
def sesv2(sandbox: LiveServer, account: str) -> Any:
    return sandbox.client("sesv2", access_key=account)


@pytest.fixture
def ses(sandbox: LiveServer, account: str) -> Any:
    return sandbox.client("ses", access_key=account)


@pytest.fixture
def sender(sesv2: Any, clock: MovableClock) -> str:
    domain = f"{unique('sandbox')}.example.com"
    sesv2.create_email_identity(EmailIdentity=domain)
    clock.advance(5)
    return f"sender@{domain}"


def grant(server: LiveServer, account: str, *options: str) -> Any:
    return CliRunner().invoke(
        main,
        [
            "account",
            "grant-production",
            account,
            "--database",
            server.settings.database_url,
            *options,
        ],
    )


def test_a_new_account_is_in_the_sandbox(sesv2: Any, ses: Any) -> None:
    got = strip_metadata(sesv2.get_account())
    assert got["ProductionAccessEnabled"] is False
    assert got["SendQuota"] == SANDBOX_QUOTA
    assert "Details" not in got
    assert strip_metadata(ses.get_send_quota()) == SANDBOX_QUOTA


def test_only_verified_recipients(sesv2: Any, ses: Any, sender: str, clock: MovableClock) -> None:
    with pytest.raises(sesv2.exceptions.MessageRejected) as raised:
        sesv2.send_email(**simple(sender, "stranger@example.net", "other@example.org"))
    assert error_tuple(raised) == (
        "MessageRejected",
        not_verified("stranger@example.net", "other@example.org"),
        400,
    )
    with pytest.raises(ses.exceptions.MessageRejected) as v1_raised:
        ses.send_email(
            Source=sender,
            Destination={"ToAddresses": ["stranger@example.net"]},
            Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}},
        )
    assert error_tuple(v1_raised) == ("MessageRejected", not_verified("stranger@example.net"), 400)
    # the sender's own domain, a verified address and the simulator are allowed
    sesv2.create_email_identity(EmailIdentity="friend@example.net")
    sesv2.send_email(**simple(sender, sender.replace("sender@", "colleague@")))
    clock.advance(1)
    sesv2.send_email(**simple(sender, "friend@example.net"))
    clock.advance(1)
    sesv2.send_email(**simple(sender, "success@simulator.amazonses.com"))


def test_bulk_destinations_are_rejected_one_by_one(
    sesv2: Any, sender: str, clock: MovableClock
) -> None:
    sesv2.create_email_template(TemplateName="t", TemplateContent={"Subject": "s", "Text": "hello"})
    got = sesv2.send_bulk_email(
        FromEmailAddress=sender,
        DefaultContent={"Template": {"TemplateName": "t", "TemplateData": "{}"}},
        BulkEmailEntries=[
            {"Destination": {"ToAddresses": ["stranger@example.net"]}},
            {"Destination": {"ToAddresses": [sender]}},
        ],
    )
    results = [(r["Status"], r.get("Error")) for r in got["BulkEmailEntryResults"]]
    assert results == [
        ("MESSAGE_REJECTED", not_verified("stranger@example.net")),
        ("SUCCESS", None),
    ]


def test_one_recipient_a_second(sesv2: Any, sender: str, clock: MovableClock) -> None:
    sesv2.send_email(**simple(sender, sender))
    with pytest.raises(sesv2.exceptions.TooManyRequestsException) as raised:
        sesv2.send_email(**simple(sender, sender))
    assert error_tuple(raised) == (
        "TooManyRequestsException",
        "Maximum sending rate exceeded.",
        429,
    )
    clock.advance(1)
    sesv2.send_email(**simple(sender, sender))
    assert sesv2.get_account()["SendQuota"]["SentLast24Hours"] == 2.0


def test_200_recipients_a_day(sesv2: Any, sender: str, clock: MovableClock) -> None:
    for _ in range(200):
        sesv2.send_email(**simple(sender, sender))
        clock.advance(1)
    with pytest.raises(sesv2.exceptions.TooManyRequestsException) as raised:
        sesv2.send_email(**simple(sender, sender))
    assert error_tuple(raised) == ("TooManyRequestsException", "Daily message quota exceeded.", 429)
    assert sesv2.get_account()["SendQuota"]["SentLast24Hours"] == 200.0


def test_smtp_rejects_unverified_recipients(
    sandbox: LiveServer, sesv2: Any, sender: str, account: str
) -> None:
    with smtplib.SMTP("127.0.0.1", sandbox.settings.smtp_port, timeout=30) as client:
        client.starttls(context=trusting(sandbox))
        client.ehlo()
        client.login(account, "any password in open mode")
        client.mail(sender)
        client.rcpt("stranger@example.net")
        data = f"From: {sender}\r\nTo: stranger@example.net\r\nSubject: s\r\n\r\nb\r\n"
        code, reply = client.data(data.encode())
    assert (code, reply.decode()) == (
        554,
        "Message rejected: " + not_verified("stranger@example.net"),
    )


def test_production_access_request_and_grant(
    sandbox: LiveServer, sesv2: Any, ses: Any, sender: str, account: str
) -> None:
    sesv2.put_account_details(
        MailType="TRANSACTIONAL",
        WebsiteURL="https://example.com",
        ContactLanguage="EN",
        UseCaseDescription="Receipts for our shop.",
        AdditionalContactEmailAddresses=["ops@example.com"],
        ProductionAccessEnabled=True,
    )
    got = strip_metadata(sesv2.get_account())
    case_id = got["Details"]["ReviewDetails"]["CaseId"]
    assert case_id.isdigit()
    assert got["ProductionAccessEnabled"] is False
    assert got["Details"] == {
        "MailType": "TRANSACTIONAL",
        "WebsiteURL": "https://example.com",
        "ContactLanguage": "EN",
        "UseCaseDescription": "Receipts for our shop.",
        "AdditionalContactEmailAddresses": ["ops@example.com"],
        "ReviewDetails": {"Status": "PENDING", "CaseId": case_id},
    }

    result = grant(sandbox, account)
    assert (result.exit_code, result.output) == (
        0,
        f"production access granted to account {account} in us-east-1\n",
    )
    got = strip_metadata(sesv2.get_account())
    assert got["ProductionAccessEnabled"] is True
    assert got["SendQuota"] == {"Max24HourSend": -1.0, "MaxSendRate": -1.0, "SentLast24Hours": 0.0}
    assert got["Details"]["ReviewDetails"] == {"Status": "GRANTED", "CaseId": case_id}
    assert strip_metadata(ses.get_send_quota())["Max24HourSend"] == -1.0
    sesv2.send_email(**simple(sender, "stranger@example.net"))
    sesv2.send_email(**simple(sender, "stranger@example.net"))
    # one region at a time
    elsewhere = sandbox.client("sesv2", access_key=account, region="eu-west-1")
    assert elsewhere.get_account()["ProductionAccessEnabled"] is False


def test_grant_in_another_region(sandbox: LiveServer, account: str) -> None:
    assert grant(sandbox, account, "--region", "eu-west-1").exit_code == 0
    elsewhere = sandbox.client("sesv2", access_key=account, region="eu-west-1")
    assert elsewhere.get_account()["ProductionAccessEnabled"] is True
    home = sandbox.client("sesv2", access_key=account)
    assert home.get_account()["ProductionAccessEnabled"] is False


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["12345"], "Invalid value for ACCOUNT: a 12-digit account id is expected"),
        (
            ["123456789012", "--region", "moon"],
            "Invalid value for --region: an AWS region name is expected, such as us-east-1",
        ),
    ],
)
def test_grant_refuses_bad_arguments(
    sandbox: LiveServer, arguments: list[str], message: str
) -> None:
    result = grant(sandbox, *arguments)
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == f"Error: {message}"


def test_details_without_asking_for_production(sesv2: Any) -> None:
    sesv2.put_account_details(MailType="MARKETING", WebsiteURL="https://example.org")
    assert sesv2.get_account()["Details"] == {
        "MailType": "MARKETING",
        "WebsiteURL": "https://example.org",
        "ReviewDetails": {},
    }
