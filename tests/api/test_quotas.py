"""The 24-hour quota and the send rate (issue 17), counted in recipients and enforced on every
send path with SES's errors: v1 Throttling (400), v2 TooManyRequestsException (429), bulk
destinations' AccountThrottled / AccountDailyQuotaExceeded, and SMTP's 454."""

from __future__ import annotations

import contextlib
import smtplib
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from tests.api.quota_support import MovableClock, quota_server, simple
from tests.smtp.support import trusting
from tests.support import (
    LiveServer,
    authorization,
    error_dict,
    error_tuple,
    fresh_account,
    unique,
)

RATE = 3
DAILY = 5
RATE_EXCEEDED = "Maximum sending rate exceeded."
DAILY_EXCEEDED = "Daily message quota exceeded."


@pytest.fixture(scope="module")
def clock(backend: str) -> MovableClock:
    """One per server: its SMTP certificate is made at the time the clock says."""
    return MovableClock()


@pytest.fixture(scope="module")
def limited(
    backend: str, tmp_path_factory: pytest.TempPathFactory, clock: MovableClock
) -> Iterator[LiveServer]:
    tmp = tmp_path_factory.mktemp(f"quotas-{backend}")
    with quota_server(
        backend, str(tmp), clock, max_send_rate=float(RATE), max_24_hour_send=float(DAILY)
    ) as live:
        yield live


@pytest.fixture
def account() -> str:
    return fresh_account()


@pytest.fixture
def sesv2(limited: LiveServer, account: str) -> Any:
    return limited.client("sesv2", access_key=account)


@pytest.fixture
def ses(limited: LiveServer, account: str) -> Any:
    return limited.client("ses", access_key=account)


@pytest.fixture
def sender(sesv2: Any, clock: MovableClock) -> str:
    domain = f"{unique('quota')}.example.com"
    sesv2.create_email_identity(EmailIdentity=domain)
    sesv2.create_email_template(
        TemplateName="t",
        TemplateContent={"Subject": "Hi {{name}}", "Text": "Hello {{name}}"},
    )
    clock.advance(5)  # each test starts in a second of its own
    return f"sender@{domain}"


def captured_count(server: LiveServer, account: str, source: str) -> int:
    """The account's captured messages from ``source`` (openses' own endpoints are scoped to
    the account the request is signed for)."""
    got = httpx.get(
        f"{server.url}/_openses/messages",
        params={"from": source, "limit": 100},
        headers={"Authorization": authorization(account)},
    )
    assert got.status_code == 200
    return len(got.json()["messages"])


def test_quota_reports_the_configured_limits(sesv2: Any, ses: Any) -> None:
    quota = {"Max24HourSend": float(DAILY), "MaxSendRate": float(RATE), "SentLast24Hours": 0.0}
    assert sesv2.get_account()["SendQuota"] == quota
    assert sesv2.get_account()["ProductionAccessEnabled"] is True
    assert {k: v for k, v in ses.get_send_quota().items() if k != "ResponseMetadata"} == quota


def test_unlimited_is_reported_as_minus_one(server: LiveServer) -> None:
    """The session's server has no limits (the defaults): SES's -1 for unlimited."""
    quota = server.client("sesv2", access_key=fresh_account()).get_account()["SendQuota"]
    assert quota == {"Max24HourSend": -1.0, "MaxSendRate": -1.0, "SentLast24Hours": 0.0}


def test_v2_send_rate_counts_recipients(
    limited: LiveServer, sesv2: Any, sender: str, clock: MovableClock, account: str
) -> None:
    sesv2.send_email(**simple(sender, "a@example.net", "b@example.net"))
    sesv2.send_email(**simple(sender, "c@example.net"))
    with pytest.raises(sesv2.exceptions.TooManyRequestsException) as raised:
        sesv2.send_email(**simple(sender, "d@example.net"))
    assert error_tuple(raised) == ("TooManyRequestsException", RATE_EXCEEDED, 429)
    assert captured_count(limited, account, sender) == 2  # the refused send left nothing behind
    assert sesv2.get_account()["SendQuota"]["SentLast24Hours"] == 3.0
    clock.advance(1)
    sesv2.send_email(**simple(sender, "d@example.net"))
    assert captured_count(limited, account, sender) == 3


def test_cc_and_bcc_count_and_the_simulator_does_not(sesv2: Any, sender: str) -> None:
    many = simple(sender, "a@example.net")
    many["Destination"]["CcAddresses"] = ["b@example.net"]
    many["Destination"]["BccAddresses"] = ["c@example.net"]
    sesv2.send_email(**many)
    sesv2.send_email(**simple(sender, "success@simulator.amazonses.com"))
    with pytest.raises(sesv2.exceptions.TooManyRequestsException):
        sesv2.send_email(**simple(sender, "d@example.net"))


def test_a_message_larger_than_the_rate_goes_alone(
    sesv2: Any, sender: str, clock: MovableClock
) -> None:
    """openses' decision: a message with more recipients than the rate is sent when its second
    is empty, never refused forever."""
    to = [f"r{i}@example.net" for i in range(RATE + 1)]
    sesv2.send_email(**simple(sender, *to))
    with pytest.raises(sesv2.exceptions.TooManyRequestsException):
        sesv2.send_email(**simple(sender, "late@example.net"))


def _fill_second(sesv2: Any, sender: str) -> None:
    sesv2.send_email(**simple(sender, *(f"fill{i}@example.net" for i in range(RATE))))


V1_SENDS: dict[str, Callable[[Any, str], Any]] = {
    "SendEmail": lambda ses, sender: ses.send_email(
        Source=sender,
        Destination={"ToAddresses": ["x@example.net"]},
        Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}},
    ),
    "SendRawEmail": lambda ses, sender: ses.send_raw_email(
        RawMessage={"Data": f"From: {sender}\r\nTo: x@example.net\r\nSubject: s\r\n\r\nb\r\n"}
    ),
    "SendTemplatedEmail": lambda ses, sender: ses.send_templated_email(
        Source=sender,
        Destination={"ToAddresses": ["x@example.net"]},
        Template="t",
        TemplateData='{"name": "x"}',
    ),
}


@pytest.mark.parametrize("operation", sorted(V1_SENDS))
def test_v1_sends_are_throttled(ses: Any, sesv2: Any, sender: str, operation: str) -> None:
    _fill_second(sesv2, sender)
    with pytest.raises(ses.exceptions.ClientError) as raised:
        V1_SENDS[operation](ses, sender)
    assert error_dict(raised) == {
        "Type": "Sender",
        "Code": "Throttling",
        "Message": RATE_EXCEEDED,
        "HTTPStatusCode": 400,
    }


def test_v1_bulk_destinations_are_throttled_one_by_one(ses: Any, sesv2: Any, sender: str) -> None:
    sesv2.send_email(**simple(sender, "a@example.net", "b@example.net"))
    got = ses.send_bulk_templated_email(
        Source=sender,
        Template="t",
        DefaultTemplateData='{"name": "x"}',
        Destinations=[
            {"Destination": {"ToAddresses": ["c@example.net"]}},
            {"Destination": {"ToAddresses": ["d@example.net"]}},
        ],
    )
    statuses = [(s["Status"], s.get("Error")) for s in got["Status"]]
    assert statuses == [("Success", None), ("AccountThrottled", RATE_EXCEEDED)]


def test_v2_bulk_destinations_are_throttled_one_by_one(sesv2: Any, sender: str) -> None:
    sesv2.send_email(**simple(sender, "a@example.net", "b@example.net"))
    got = sesv2.send_bulk_email(
        FromEmailAddress=sender,
        DefaultContent={"Template": {"TemplateName": "t", "TemplateData": '{"name": "x"}'}},
        BulkEmailEntries=[
            {"Destination": {"ToAddresses": ["c@example.net"]}},
            {"Destination": {"ToAddresses": ["d@example.net"]}},
        ],
    )
    results = [(r["Status"], r.get("Error")) for r in got["BulkEmailEntryResults"]]
    assert results == [("SUCCESS", None), ("ACCOUNT_THROTTLED", RATE_EXCEEDED)]


def test_daily_quota_over_24_hours(
    limited: LiveServer, sesv2: Any, ses: Any, sender: str, clock: MovableClock, account: str
) -> None:
    for _ in range(DAILY):
        sesv2.send_email(**simple(sender, "a@example.net"))
        clock.advance(60)
    with pytest.raises(sesv2.exceptions.TooManyRequestsException) as raised:
        sesv2.send_email(**simple(sender, "a@example.net"))
    assert error_tuple(raised) == ("TooManyRequestsException", DAILY_EXCEEDED, 429)
    with pytest.raises(ses.exceptions.ClientError) as v1_raised:
        V1_SENDS["SendEmail"](ses, sender)
    assert error_dict(v1_raised)["Code"] == "Throttling"
    assert error_dict(v1_raised)["Message"] == DAILY_EXCEEDED
    got = sesv2.send_bulk_email(
        FromEmailAddress=sender,
        DefaultContent={"Template": {"TemplateName": "t", "TemplateData": '{"name": "x"}'}},
        BulkEmailEntries=[{"Destination": {"ToAddresses": ["c@example.net"]}}],
    )
    assert got["BulkEmailEntryResults"] == [
        {"Status": "ACCOUNT_DAILY_QUOTA_EXCEEDED", "Error": DAILY_EXCEEDED}
    ]
    assert captured_count(limited, account, sender) == DAILY
    # The first send leaves the 24-hour window a day (and at most a minute) after it was sent.
    clock.advance(24 * 3600 + 60 - DAILY * 60 + 1)
    sesv2.send_email(**simple(sender, "a@example.net"))
    with pytest.raises(sesv2.exceptions.TooManyRequestsException):
        sesv2.send_email(**simple(sender, "a@example.net"))


@contextlib.contextmanager
def smtp_session(server: LiveServer, account: str) -> Iterator[smtplib.SMTP]:
    with smtplib.SMTP("127.0.0.1", server.settings.smtp_port, timeout=30) as client:
        client.starttls(context=trusting(server))
        client.ehlo()
        client.login(account, "any password in open mode")
        yield client


def smtp_send(client: smtplib.SMTP, sender: str, to: str) -> tuple[int, bytes]:
    client.mail(sender)
    client.rcpt(to)
    data = f"From: {sender}\r\nTo: {to}\r\nSubject: s\r\n\r\nb\r\n".encode()
    code, reply = client.data(data)
    if code != 250:
        client.rset()
    return code, reply


def test_smtp_answers_454_over_the_rate_and_the_quota(
    limited: LiveServer, sesv2: Any, sender: str, account: str, clock: MovableClock
) -> None:
    with smtp_session(limited, account) as client:
        for _ in range(RATE):
            assert smtp_send(client, sender, "a@example.net")[0] == 250
        assert smtp_send(client, sender, "a@example.net") == (
            454,
            b"Throttling failure: Maximum sending rate exceeded.",
        )
        clock.advance(1)
        for _ in range(DAILY - RATE):
            assert smtp_send(client, sender, "a@example.net")[0] == 250
        assert smtp_send(client, sender, "a@example.net") == (
            454,
            b"Throttling failure: Daily message quota exceeded.",
        )
    assert captured_count(limited, account, sender) == DAILY


def test_quotas_are_per_account(limited: LiveServer, sesv2: Any, sender: str) -> None:
    _fill_second(sesv2, sender)
    other = limited.client("sesv2", access_key=fresh_account())
    domain = f"{unique('other')}.example.com"
    other.create_email_identity(EmailIdentity=domain)
    other.send_email(**simple(f"me@{domain}", "a@example.net"))
