"""Sending statistics, from the rollup of event counts (store/statistics.py): v1
GetSendStatistics, v2 BatchGetMetricData and GetDomainStatisticsReport."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from openses.domain.errors import InvalidInput
from openses.domain.statistics import Counter
from openses.domain.suppression import SendDataPoint
from openses.store.statistics import Point
from openses.store.unit_of_work import UnitOfWork

STATISTICS_PERIOD = datetime.timedelta(days=14)
DAY = datetime.timedelta(days=1)
# GetDomainStatisticsReport: "The date range can't exceed 30 days" (GUESS from the SES
# deliverability dashboard's range; docs/aws-behaviour.md).
MAX_REPORT_DAYS = 30

_SEND_STATISTICS = (
    Counter.SEND,
    Counter.PERMANENT_BOUNCE,
    Counter.TRANSIENT_BOUNCE,
    Counter.SUPPRESSED_BOUNCE,
    Counter.COMPLAINT,
    Counter.REJECT,
)
_BOUNCES = (Counter.PERMANENT_BOUNCE, Counter.TRANSIENT_BOUNCE, Counter.SUPPRESSED_BOUNCE)

# BatchGetMetricData's metrics, by the rollup's counters (docs/aws-behaviour.md says why the
# DELIVERY_* ones are deliveries).
METRIC_COUNTERS: dict[str, Counter] = {
    "SEND": Counter.SEND,
    "COMPLAINT": Counter.COMPLAINT,
    "PERMANENT_BOUNCE": Counter.PERMANENT_BOUNCE,
    "TRANSIENT_BOUNCE": Counter.TRANSIENT_BOUNCE,
    "OPEN": Counter.OPEN,
    "CLICK": Counter.CLICK,
    "DELIVERY": Counter.DELIVERY,
    "DELIVERY_OPEN": Counter.DELIVERY,
    "DELIVERY_CLICK": Counter.DELIVERY,
    "DELIVERY_COMPLAINT": Counter.DELIVERY,
}
ANY_VALUE = "*"


def send_statistics(uow: UnitOfWork, now: datetime.datetime) -> list[SendDataPoint]:
    """The last two weeks in 15-minute intervals, oldest first, intervals without activity
    left out. DeliveryAttempts counts recipients (as the quota does), Rejects messages; a
    recipient suppressed by the account's list counts as a bounce, as SES reports it."""
    with uow:
        points = uow.statistics.points(since=now - STATISTICS_PERIOD, counters=_SEND_STATISTICS)
    fields: dict[datetime.datetime, dict[str, int]] = {}
    for point in points:
        bucket = fields.setdefault(point.start, {})
        name = _STATISTIC_FIELD[point.counter]
        bucket[name] = bucket.get(name, 0) + point.count
    return [SendDataPoint(timestamp=start, **counts) for start, counts in sorted(fields.items())]


_STATISTIC_FIELD = {
    Counter.SEND: "delivery_attempts",
    **dict.fromkeys(_BOUNCES, "bounces"),
    Counter.COMPLAINT: "complaints",
    Counter.REJECT: "rejects",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class MetricQuery:
    id: str
    metric: str
    dimensions: dict[str, str]
    start: datetime.datetime
    end: datetime.datetime


@dataclass(frozen=True, slots=True)
class MetricResult:
    id: str
    timestamps: list[datetime.datetime]
    values: list[int]


def check_metric_queries(queries: Sequence[MetricQuery]) -> None:
    """What the model cannot say: Ids unique, StartDate before EndDate, and a dimension with
    ``*`` alone only with single values elsewhere (botocore sesv2 BatchGetMetricDataQuery)."""
    ids = [query.id for query in queries]
    if len(set(ids)) != len(ids):
        raise InvalidInput("Query Ids must be unique within a batch.")
    for query in queries:
        if query.start >= query.end:
            raise InvalidInput(f"Query {query.id}: StartDate must be before EndDate.")


def metric_data(uow: UnitOfWork, queries: Sequence[MetricQuery]) -> list[MetricResult]:
    """One result per query: the daily sums (timestamps at 00:00 UTC) of the days in
    [StartDate, EndDate] that have any, oldest first. The mailbox simulator's mail is left
    out, as VDM leaves it out."""
    check_metric_queries(queries)
    results = []
    with uow:
        for query in queries:
            dimensions = {k: v for k, v in query.dimensions.items() if v != ANY_VALUE}
            identity = dimensions.get("EMAIL_IDENTITY")
            points = uow.statistics.points(
                since=_day(query.start),
                until=query.end,
                counters=(METRIC_COUNTERS[query.metric],),
                configuration_set=dimensions.get("CONFIGURATION_SET"),
                identities=[identity] if identity is not None else None,
                isp=dimensions.get("ISP"),
                simulator=False,
            )
            days = _daily(points)
            results.append(MetricResult(query.id, list(days), list(days.values())))
    return results


@dataclass(frozen=True, slots=True, kw_only=True)
class DailyVolume:
    start: datetime.datetime
    # the ISP's name -> (deliveries, complaints, opens)
    isps: dict[str, tuple[int, int, int]]


def domain_statistics(
    uow: UnitOfWork,
    domain: str,
    start: datetime.datetime,
    end: datetime.datetime,
) -> list[DailyVolume]:
    """Deliveries, complaints and opens per day and recipient ISP of mail sent as ``domain``
    or an address at it."""
    if start >= end:
        raise InvalidInput("StartDate must be before EndDate.")
    if end - start > datetime.timedelta(days=MAX_REPORT_DAYS):
        raise InvalidInput(f"The date range can't exceed {MAX_REPORT_DAYS} days.")
    days: dict[datetime.datetime, dict[str, list[int]]] = {}
    day = _day(start)
    while day < end:
        days[day] = {}
        day += DAY
    with uow:
        for position, counter in enumerate((Counter.DELIVERY, Counter.COMPLAINT, Counter.OPEN)):
            for isp, points in uow.statistics.points_by_isp(
                since=_day(start), until=end, counter=counter, domain=domain.lower()
            ).items():
                for point in points:
                    sums = days[_day(point.start)].setdefault(isp, [0, 0, 0])
                    sums[position] += point.count
    return [
        DailyVolume(
            start=start_of_day,
            isps={isp: (sums[0], sums[1], sums[2]) for isp, sums in sorted(isps.items())},
        )
        for start_of_day, isps in days.items()
    ]


def _daily(points: Sequence[Point]) -> dict[datetime.datetime, int]:
    days: dict[datetime.datetime, int] = {}
    for point in points:
        day = _day(point.start)
        days[day] = days.get(day, 0) + point.count
    return dict(sorted(days.items()))


def _day(moment: datetime.datetime) -> datetime.datetime:
    utc = moment.astimezone(datetime.UTC)
    return utc.replace(hour=0, minute=0, second=0, microsecond=0)
