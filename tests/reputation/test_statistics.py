"""Statistics from the rollup of event counts, through the wire: v1 GetSendStatistics, v2
BatchGetMetricData and GetDomainStatisticsReport, and the account's VDM attributes."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Engine

from openses.domain.message import EICAR
from openses.store.database import make_engine
from tests.reputation.counting import count_message
from tests.support import LiveServer, error_tuple, fresh_account, strip_metadata, unique

SIMULATOR = "simulator.amazonses.com"
MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def account() -> str:
    return fresh_account()


@pytest.fixture
def sesv2(server: LiveServer, account: str) -> Any:
    return server.client("sesv2", access_key=account)


@pytest.fixture
def ses(server: LiveServer, account: str) -> Any:
    return server.client("ses", access_key=account)


@pytest.fixture
def engine(server: LiveServer) -> Iterator[Engine]:
    engine = make_engine(server.settings.database_url)
    yield engine
    engine.dispose()


def _sender(sesv2: Any) -> tuple[str, str]:
    domain = f"{unique('stats')}.example.com"
    sesv2.create_email_identity(EmailIdentity=domain)
    return domain, f"sender@{domain}"


def _send(sesv2: Any, source: str, to: list[str], configuration_set: str | None = None) -> None:
    extra = {"ConfigurationSetName": configuration_set} if configuration_set else {}
    sesv2.send_email(
        FromEmailAddress=source,
        Destination={"ToAddresses": to},
        Content={"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}}},
        **extra,
    )


def _totals(points: list[dict[str, Any]]) -> dict[str, int]:
    names = ("DeliveryAttempts", "Bounces", "Complaints", "Rejects")
    return {name: sum(int(point[name]) for point in points) for name in names}


def test_send_statistics_count_what_was_sent(ses: Any, sesv2: Any, account: str) -> None:
    _, source = _sender(sesv2)
    _send(sesv2, source, ["a@example.net", "b@example.net", "c@example.net"])
    _send(sesv2, source, [f"bounce@{SIMULATOR}"])
    _send(sesv2, source, [f"complaint@{SIMULATOR}"])
    _send(sesv2, source, [f"suppressionlist@{SIMULATOR}"])
    sesv2.put_suppressed_destination(EmailAddress="gone@example.net", Reason="BOUNCE")
    _send(sesv2, source, ["gone@example.net", "d@example.net"])
    # A message with a virus is rejected: one Reject, and no delivery attempt
    sesv2.send_email(
        FromEmailAddress=source,
        Destination={"ToAddresses": ["x@example.net", "y@example.net"]},
        Content={"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": EICAR.decode()}}}},
    )
    points = ses.get_send_statistics()["SendDataPoints"]
    assert all(p["Timestamp"].minute % 15 == 0 and p["Timestamp"].second == 0 for p in points)
    assert _totals(points) == {
        "DeliveryAttempts": 8,
        "Bounces": 3,
        "Complaints": 1,
        "Rejects": 1,
    }


@pytest.fixture
def record_at(engine: Engine, account: str) -> Callable[..., None]:
    def record(at: datetime.datetime, *to: str, bounce: str | None = None) -> None:
        count_message(engine, account, at, *to, bounce=bounce)

    return record


def test_send_statistics_are_15_minute_intervals_over_two_weeks(
    ses: Any, record_at: Callable[..., None]
) -> None:
    earlier = datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=3)
    start = earlier.replace(minute=earlier.minute - earlier.minute % 15, second=0, microsecond=0)
    record_at(start + 1 * MINUTE, "a@example.net", "b@example.net")
    record_at(start + 14 * MINUTE, "c@example.net", bounce="Permanent")
    record_at(start + 16 * MINUTE, "d@example.net", bounce="Transient")
    record_at(start - 29 * MINUTE, "e@example.net")
    record_at(start - datetime.timedelta(days=15), "f@example.net")
    assert ses.get_send_statistics()["SendDataPoints"] == [
        {
            "Timestamp": start - 30 * MINUTE,
            "DeliveryAttempts": 1,
            "Bounces": 0,
            "Complaints": 0,
            "Rejects": 0,
        },
        {
            "Timestamp": start,
            "DeliveryAttempts": 3,
            "Bounces": 1,
            "Complaints": 0,
            "Rejects": 0,
        },
        {
            "Timestamp": start + 15 * MINUTE,
            "DeliveryAttempts": 1,
            "Bounces": 1,
            "Complaints": 0,
            "Rejects": 0,
        },
    ]


def _query(query_id: str, metric: str, **dimensions: str) -> dict[str, Any]:
    now = datetime.datetime.now(datetime.UTC)
    query: dict[str, Any] = {
        "Id": query_id,
        "Namespace": "VDM",
        "Metric": metric,
        "StartDate": now - datetime.timedelta(days=1),
        "EndDate": now + datetime.timedelta(hours=1),
    }
    if dimensions:
        query["Dimensions"] = dimensions
    return query


def test_batch_get_metric_data(sesv2: Any) -> None:
    domain, source = _sender(sesv2)
    name = unique("stats-set")
    sesv2.create_configuration_set(ConfigurationSetName=name)
    _send(sesv2, source, ["a@gmail.com", "b@example.net"], name)
    _send(sesv2, source, ["c@gmail.com"])
    _send(sesv2, source, [f"bounce@{SIMULATOR}"], name)  # the simulator: not in VDM
    sesv2.put_suppressed_destination(EmailAddress="gone@gmail.com", Reason="BOUNCE")
    _send(sesv2, source, ["gone@gmail.com"])  # the suppression list: not a PERMANENT_BOUNCE
    queries = [
        _query("send", "SEND"),
        _query("delivery", "DELIVERY"),
        _query("set", "SEND", CONFIGURATION_SET=name),
        _query("identity", "DELIVERY", EMAIL_IDENTITY=domain),
        _query("other", "DELIVERY", EMAIL_IDENTITY=f"other-{domain}"),
        _query("gmail", "SEND", ISP="Gmail"),
        _query("gmail_set", "SEND", ISP="Gmail", CONFIGURATION_SET=name),
        _query("any", "SEND", ISP="*", CONFIGURATION_SET=name),
        _query("bounces", "PERMANENT_BOUNCE"),
        _query("complaints", "COMPLAINT"),
    ]
    response = sesv2.batch_get_metric_data(Queries=queries)
    today = datetime.datetime.now(datetime.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    values = {result["Id"]: result["Values"] for result in response["Results"]}
    assert values == {
        "send": [4],
        "delivery": [3],
        "set": [2],
        "identity": [3],
        "other": [],
        "gmail": [3],
        "gmail_set": [1],
        "any": [2],
        "bounces": [],
        "complaints": [],
    }
    stamps = {r["Id"]: r["Timestamps"] for r in response["Results"] if r["Values"]}
    # moments a minute either side of midnight may fall on two days: compare the last one
    assert {id_: days[-1] for id_, days in stamps.items()} == dict.fromkeys(stamps, today)
    assert response["Errors"] == []


def test_batch_get_metric_data_errors(sesv2: Any, server: LiveServer) -> None:
    duplicate = [_query("q", "SEND"), _query("q", "OPEN")]
    with pytest.raises(sesv2.exceptions.BadRequestException) as raised:
        sesv2.batch_get_metric_data(Queries=duplicate)
    assert error_tuple(raised) == (
        "BadRequestException",
        "Query Ids must be unique within a batch.",
        400,
    )
    backwards = _query("q", "SEND")
    backwards["StartDate"], backwards["EndDate"] = backwards["EndDate"], backwards["StartDate"]
    with pytest.raises(sesv2.exceptions.BadRequestException) as raised:
        sesv2.batch_get_metric_data(Queries=[backwards])
    assert error_tuple(raised) == (
        "BadRequestException",
        "Query q: StartDate must be before EndDate.",
        400,
    )
    unchecked = server.client("sesv2", access_key=fresh_account(), validate=False)
    with pytest.raises(sesv2.exceptions.BadRequestException) as raised:
        unchecked.batch_get_metric_data(Queries=[_query(str(n), "SEND") for n in range(11)])
    assert error_tuple(raised)[0] == "BadRequestException"
    with pytest.raises(sesv2.exceptions.BadRequestException) as raised:
        unchecked.batch_get_metric_data(Queries=[{**_query("q", "SEND"), "Namespace": "AWS"}])
    assert error_tuple(raised)[0] == "BadRequestException"


def test_domain_statistics_report(sesv2: Any) -> None:
    domain, source = _sender(sesv2)
    _send(sesv2, source, ["a@gmail.com", "b@gmail.com", "c@example.net"])
    _send(sesv2, source, [f"complaint@{SIMULATOR}"])  # the simulator is left out
    now = datetime.datetime.now(datetime.UTC)
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    report = strip_metadata(
        sesv2.get_domain_statistics_report(
            Domain=domain, StartDate=today, EndDate=today + datetime.timedelta(days=1)
        )
    )
    gmail = {
        "IspName": "Gmail",
        "InboxRawCount": 2,
        "SpamRawCount": 0,
        "InboxPercentage": 100.0,
        "SpamPercentage": 0.0,
    }
    other = {**gmail, "IspName": "Other", "InboxRawCount": 1}
    volume = {"InboxRawCount": 3, "SpamRawCount": 0, "ProjectedInbox": 3, "ProjectedSpam": 0}
    assert report == {
        "OverallVolume": {
            "VolumeStatistics": volume,
            "ReadRatePercent": 0.0,
            "DomainIspPlacements": [gmail, other],
        },
        "DailyVolumes": [
            {"StartDate": today, "VolumeStatistics": volume, "DomainIspPlacements": [gmail, other]}
        ],
    }
    with pytest.raises(sesv2.exceptions.BadRequestException) as raised:
        sesv2.get_domain_statistics_report(
            Domain=domain, StartDate=today, EndDate=today + datetime.timedelta(days=31)
        )
    assert error_tuple(raised) == (
        "BadRequestException",
        "The date range can't exceed 30 days.",
        400,
    )


def test_account_vdm_attributes(sesv2: Any) -> None:
    assert "VdmAttributes" not in sesv2.get_account()
    attributes = {
        "VdmEnabled": "ENABLED",
        "DashboardAttributes": {"EngagementMetrics": "ENABLED"},
        "GuardianAttributes": {"OptimizedSharedDelivery": "DISABLED"},
    }
    assert strip_metadata(sesv2.put_account_vdm_attributes(VdmAttributes=attributes)) == {}
    assert sesv2.get_account()["VdmAttributes"] == attributes
    sesv2.put_account_vdm_attributes(VdmAttributes={"VdmEnabled": "DISABLED"})
    assert sesv2.get_account()["VdmAttributes"] == {"VdmEnabled": "DISABLED"}
