"""Reputation through the wire: sends to the mailbox simulator move the bounce and complaint
rates, the reputation job reports them (GetAccount, /_openses/reputation), publishes them to
the CloudWatch peer, pauses an account in ``aws`` mode and a set with auto-pause on."""

from __future__ import annotations

import datetime
from typing import Any

import httpx
import pytest

from tests.events.peerside import eventually
from tests.peer import AwsPeer
from tests.support import (
    LiveServer,
    authorization,
    error_tuple,
    fresh_account,
    unique,
)

SIMULATOR = "simulator.amazonses.com"
SUCCESS = f"success@{SIMULATOR}"
BOUNCE = f"bounce@{SIMULATOR}"
COMPLAINT = f"complaint@{SIMULATOR}"
PAUSED = (
    "Sending paused for this account. For more information, please check the inbox of the "
    "email address associated with your AWS account."
)


def _sender(sesv2: Any) -> str:
    domain = f"{unique('rep')}.example.com"
    sesv2.create_email_identity(EmailIdentity=domain)
    return f"sender@{domain}"


def _send(sesv2: Any, source: str, to: str, configuration_set: str | None = None) -> str:
    extra = {"ConfigurationSetName": configuration_set} if configuration_set else {}
    return str(
        sesv2.send_email(
            FromEmailAddress=source,
            Destination={"ToAddresses": [to]},
            Content={"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}}},
            **extra,
        )["MessageId"]
    )


def _report(server: LiveServer, account: str, region: str = "us-east-1") -> dict[str, Any]:
    response = httpx.get(
        f"{server.url}/_openses/reputation",
        headers={"authorization": authorization(account, region)},
    )
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def _status(sesv2: Any) -> str:
    return str(sesv2.get_account()["EnforcementStatus"])


def test_bounces_put_the_account_on_probation_then_shut_it_down(enforcing: LiveServer) -> None:
    account = fresh_account()
    sesv2 = enforcing.client("sesv2", access_key=account)
    ses = enforcing.client("ses", access_key=account)
    source = _sender(sesv2)
    for _ in range(19):
        _send(sesv2, source, SUCCESS)
    # 19 sends: below the minimum volume, so no rates and no status yet
    _send(sesv2, source, BOUNCE)
    assert eventually(lambda: _status(sesv2), lambda got: got == "PROBATION") == "PROBATION"
    report = _report(enforcing, account)
    assert report["account"] | {"evaluatedAt": None} == {
        "sends": 20,
        "bounces": 1,
        "complaints": 0,
        "bounceRate": 0.05,
        "complaintRate": 0.0,
        "status": "PROBATION",
        "sendingPaused": False,
        "pausedAt": None,
        "evaluatedAt": None,
    }
    assert report["enforcement"] == "aws"
    assert ses.get_account_sending_enabled()["Enabled"] is True

    # Probation still sends; crossing 10 % shuts the account down.
    for _ in range(2):
        _send(sesv2, source, BOUNCE)
    assert eventually(lambda: _status(sesv2), lambda got: got == "SHUTDOWN") == "SHUTDOWN"
    assert sesv2.get_account()["SendingEnabled"] is False
    assert ses.get_account_sending_enabled()["Enabled"] is False
    report = _report(enforcing, account)["account"]
    assert (report["sends"], report["bounces"], report["status"]) == (22, 3, "SHUTDOWN")
    assert report["sendingPaused"] is True
    assert report["bounceRate"] == pytest.approx(3 / 22)

    with pytest.raises(sesv2.exceptions.MessageRejected) as v2_refusal:
        _send(sesv2, source, SUCCESS)
    assert error_tuple(v2_refusal) == ("MessageRejected", PAUSED, 400)
    with pytest.raises(ses.exceptions.MessageRejected) as v1_refusal:
        ses.send_email(
            Source=source,
            Destination={"ToAddresses": [SUCCESS]},
            Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}},
        )
    assert error_tuple(v1_refusal) == ("MessageRejected", PAUSED, 400)
    # The customer's own switch cannot resume an account that AWS paused.
    sesv2.put_account_sending_attributes(SendingEnabled=True)
    assert sesv2.get_account()["SendingEnabled"] is False
    # The account's other regions, and other accounts, are untouched.
    assert _report(enforcing, account, "eu-west-1")["account"]["status"] == "HEALTHY"
    assert _report(enforcing, account, "eu-west-1")["region"] == "eu-west-1"
    other = enforcing.client("sesv2", access_key=fresh_account())
    assert other.get_account()["EnforcementStatus"] == "HEALTHY"
    _send(other, _sender(other), SUCCESS)


def test_warn_reports_but_never_pauses_and_sets_pause_themselves(
    warning: LiveServer, reputation_peer: AwsPeer
) -> None:
    account = fresh_account()
    sesv2 = warning.client("sesv2", access_key=account)
    ses = warning.client("ses", access_key=account)
    source = _sender(sesv2)
    name = unique("rep-set")
    sesv2.create_configuration_set(
        ConfigurationSetName=name, ReputationOptions={"ReputationMetricsEnabled": True}
    )
    for _ in range(18):
        _send(sesv2, source, SUCCESS, name)
    for _ in range(2):
        _send(sesv2, source, BOUNCE, name)

    def set_enabled() -> bool:
        options = sesv2.get_configuration_set(ConfigurationSetName=name)["SendingOptions"]
        return bool(options["SendingEnabled"])

    # 10 % bounces: the set is paused, the account reported SHUTDOWN but still sending.
    assert eventually(set_enabled, lambda enabled: not enabled) is False
    assert _status(sesv2) == "SHUTDOWN"
    assert sesv2.get_account()["SendingEnabled"] is True
    _send(sesv2, source, SUCCESS)
    with pytest.raises(ses.exceptions.ConfigurationSetSendingPausedException):
        ses.send_email(
            Source=source,
            Destination={"ToAddresses": [SUCCESS]},
            Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}},
            ConfigurationSetName=name,
        )
    found = _report(warning, account)["configurationSets"][name]
    assert (found["sends"], found["bounces"], found["bounceRate"]) == (20, 2, 0.1)
    assert (found["status"], found["sendingPaused"]) == ("SHUTDOWN", True)
    assert found["pausedAt"] is not None

    # CloudWatch holds the set's rates under its dimension, and the account's without one.
    cloudwatch = reputation_peer.client("cloudwatch")

    def average(metric: str, dimensions: list[dict[str, str]]) -> list[float]:
        now = datetime.datetime.now(datetime.UTC)
        points = cloudwatch.get_metric_statistics(
            Namespace="AWS/SES",
            MetricName=metric,
            Dimensions=dimensions,
            StartTime=now - datetime.timedelta(hours=1),
            EndTime=now + datetime.timedelta(hours=1),
            Period=7200,
            Statistics=["Average"],
        )["Datapoints"]
        return [float(point["Average"]) for point in points]

    dimension = [{"Name": "ses:configuration-set", "Value": name}]
    assert eventually(lambda: average("Reputation.BounceRate", dimension), bool) == [
        pytest.approx(0.1)
    ]
    assert eventually(lambda: average("Reputation.ComplaintRate", dimension), bool) == [0.0]
    listed = cloudwatch.list_metrics(Namespace="AWS/SES", MetricName="Reputation.BounceRate")
    assert [] in [metric.get("Dimensions", []) for metric in listed["Metrics"]]

    # Re-enabling the set is a fresh start: LastFreshStart, and rates from scratch.
    before = datetime.datetime.now(datetime.UTC)
    ses.update_configuration_set_sending_enabled(ConfigurationSetName=name, Enabled=True)
    described = ses.describe_configuration_set(
        ConfigurationSetName=name, ConfigurationSetAttributeNames=["reputationOptions"]
    )["ReputationOptions"]
    assert described["SendingEnabled"] is True
    assert described["ReputationMetricsEnabled"] is True
    assert described["LastFreshStart"] >= before - datetime.timedelta(seconds=1)

    def restarted() -> dict[str, Any]:
        return dict(_report(warning, account)["configurationSets"][name])

    found = eventually(restarted, lambda state: state["sends"] == 0)
    assert (found["bounceRate"], found["status"], found["sendingPaused"]) == (
        None,
        "HEALTHY",
        False,
    )
    assert set_enabled() is True
    _send(sesv2, source, SUCCESS, name)


def test_complaints_count(warning: LiveServer) -> None:
    account = fresh_account()
    sesv2 = warning.client("sesv2", access_key=account)
    source = _sender(sesv2)
    for _ in range(19):
        _send(sesv2, source, SUCCESS)
    _send(sesv2, source, COMPLAINT)
    # 1 in 20 is far past 0.5 %; in warn mode nothing is paused
    assert eventually(lambda: _status(sesv2), lambda got: got == "SHUTDOWN") == "SHUTDOWN"
    found = _report(warning, account)["account"]
    assert (found["sends"], found["complaints"], found["complaintRate"]) == (20, 1, 0.05)
    assert (found["bounces"], found["bounceRate"], found["sendingPaused"]) == (0, 0.0, False)
    _send(sesv2, source, SUCCESS)


def test_the_dashboard_shows_the_rates_against_the_thresholds(warning: LiveServer) -> None:
    account = fresh_account()
    sesv2 = warning.client("sesv2", access_key=account)
    source = _sender(sesv2)

    def overview() -> str:
        got = httpx.get(
            f"{warning.url}/_openses/", headers={"authorization": authorization(account)}
        )
        assert got.status_code == 200
        return got.text

    assert '<td data-rate="bounce">—</td>' in overview()  # no rate before the minimum volume
    for _ in range(18):
        _send(sesv2, source, SUCCESS)
    _send(sesv2, source, BOUNCE)
    _send(sesv2, source, BOUNCE)
    page = eventually(overview, lambda text: '<td data-rate="bounce">10.00%</td>' in text)
    assert '<td data-rate="bounce">10.00%</td>' in page
    assert '<td data-rate="complaint">0.00%</td>' in page
    assert "<strong data-status>SHUTDOWN</strong> over 20 sends" in page
