"""The condition keys of a request (issue 18): what each send shape contributes."""

from __future__ import annotations

import datetime

from openses.domain.conditions import Context
from openses.protocol.auth import Caller
from openses.services.condition_keys import (
    Connection,
    Deferred,
    for_request,
    for_smtp,
    with_message,
)

CALLER = Caller("111122223333", "us-east-1", "AKIAEXAMPLE")
CONNECTION = Connection(
    source_ip="198.51.100.7",
    secure=False,
    now=datetime.datetime(2026, 6, 1, 12, 0, tzinfo=datetime.UTC),
    user_agent="Boto3/1.0",
)
COMMON = {
    "aws:sourceip": ("198.51.100.7",),
    "aws:securetransport": ("false",),
    "aws:currenttime": ("2026-06-01T12:00:00Z",),
    "aws:epochtime": ("1780315200",),
    "aws:principalaccount": ("111122223333",),
    "aws:useragent": ("Boto3/1.0",),
}


def test_v2_send_email() -> None:
    params = {
        "FromEmailAddress": '"News Desk" <news@example.com>',
        "Destination": {
            "ToAddresses": ["A <a@example.net>"],
            "CcAddresses": ["c@example.net"],
            "BccAddresses": ["b@example.org"],
        },
        "FeedbackForwardingEmailAddress": "bounces@example.com",
    }
    assert for_request("sesv2", params, CALLER, CONNECTION) == {
        **COMMON,
        "ses:apiversion": ("2",),
        "ses:fromaddress": ("news@example.com",),
        "ses:fromdisplayname": ("News Desk",),
        "ses:recipients": ("a@example.net", "c@example.net", "b@example.org"),
        "ses:feedbackaddress": ("bounces@example.com",),
    }


def test_bulk_and_raw_recipients() -> None:
    v1_bulk = {
        "Source": "news@example.com",
        "Destinations": [
            {"Destination": {"ToAddresses": ["a@example.net"]}},
            {"Destination": {"ToAddresses": ["b@example.net"], "CcAddresses": ["c@x.org"]}},
        ],
    }
    v2_bulk = {"BulkEmailEntries": [{"Destination": {"ToAddresses": ["d@example.net"]}}]}
    v1_raw = {"Destinations": ["e@example.net", "f@example.net"], "RawMessage": {"Data": b""}}
    assert for_request("ses", v1_bulk, CALLER, CONNECTION)["ses:recipients"] == (
        "a@example.net",
        "b@example.net",
        "c@x.org",
    )
    assert for_request("sesv2", v2_bulk, CALLER, CONNECTION)["ses:recipients"] == ("d@example.net",)
    raw = for_request("ses", v1_raw, CALLER, CONNECTION)
    assert raw["ses:recipients"] == ("e@example.net", "f@example.net")
    assert raw["ses:apiversion"] == ("1",)
    assert "ses:fromaddress" not in raw
    completed = with_message(raw, "Desk <desk@example.com>", ["entry@example.net"])
    assert completed["ses:fromaddress"] == ("desk@example.com",)
    assert completed["ses:recipients"] == ("entry@example.net",)


def test_request_tags() -> None:
    params = {
        "ConfigurationSetName": "s",
        "Tags": [{"Key": "Team", "Value": "mail"}, {"Key": "cost", "Value": ""}],
    }
    found = for_request("sesv2", params, CALLER, CONNECTION)
    assert found["aws:requesttag/Team"] == ("mail",)
    assert found["aws:requesttag/cost"] == ("",)
    assert found["aws:tagkeys"] == ("Team", "cost")


def test_smtp_is_api_version_2() -> None:
    secure = Connection(source_ip="192.0.2.1", secure=True, now=CONNECTION.now)
    assert for_smtp(CALLER, secure, "a@example.com", ["b@example.net"]) == {
        "ses:apiversion": ("2",),
        "aws:sourceip": ("192.0.2.1",),
        "aws:securetransport": ("true",),
        "aws:currenttime": ("2026-06-01T12:00:00Z",),
        "aws:epochtime": ("1780315200",),
        "aws:principalaccount": ("111122223333",),
        "ses:fromaddress": ("a@example.com",),
        "ses:recipients": ("b@example.net",),
    }


def test_a_deferred_context_is_the_built_one_built_once() -> None:
    """The gateway defers a send's context (services/condition_keys.Deferred) when no
    policy needs it at once: read later, it is the context it would have built then."""
    params = {
        "FromEmailAddress": '"News Desk" <news@example.com>',
        "Destination": {"ToAddresses": ["A <a@example.net>"], "BccAddresses": ["b@x.org"]},
        "Tags": [{"Key": "team", "Value": "mail"}],
    }
    calls = []

    def build() -> Context:
        calls.append(1)
        return for_request("sesv2", params, CALLER, CONNECTION)

    deferred = Deferred(build)
    assert calls == []
    assert dict(deferred) == for_request("sesv2", params, CALLER, CONNECTION)
    assert {**deferred} == dict(deferred)
    assert len(deferred) == len(dict(deferred))
    assert deferred["ses:fromaddress"] == ("news@example.com",)
    assert "aws:requesttag/team" in deferred
    assert "ses:feedbackaddress" not in deferred
    assert with_message(deferred, "x@example.com", ["r@example.net"]) == with_message(
        for_request("sesv2", params, CALLER, CONNECTION), "x@example.com", ["r@example.net"]
    )
    assert calls == [1]
