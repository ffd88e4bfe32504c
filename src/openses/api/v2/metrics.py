"""SES v2 metrics (issue 17): BatchGetMetricData (``/v2/email/metrics/batch``) and the
deliverability dashboard's GetDomainStatisticsReport, both read from the rollup of event
counts (services/statistics.py)."""

from __future__ import annotations

import datetime
from typing import Any

from openses.api.context import RequestContext
from openses.api.registry import Output, Wire, operation
from openses.protocol.models import V2
from openses.services import statistics as service


@operation(V2, "BatchGetMetricData")
def batch_get_metric_data(context: RequestContext, *, queries: list[Wire]) -> Output:
    results = service.metric_data(
        context.reading(),
        [
            service.MetricQuery(
                id=query["Id"],
                metric=query["Metric"],
                dimensions=dict(query.get("Dimensions") or {}),
                start=query["StartDate"],
                end=query["EndDate"],
            )
            for query in queries
        ],
    )
    return {
        "Results": [
            {"Id": result.id, "Timestamps": result.timestamps, "Values": result.values}
            for result in results
        ],
        "Errors": [],
    }


@operation(V2, "GetDomainStatisticsReport")
def get_domain_statistics_report(
    context: RequestContext,
    *,
    domain: str,
    start_date: datetime.datetime,
    end_date: datetime.datetime,
) -> Output:
    """openses knows no inbox placement: a delivery that drew a complaint counts as spam
    (SpamRawCount), any other as inbox (InboxRawCount); ReadRatePercent is opens per
    delivery."""
    days = service.domain_statistics(context.reading(), domain, start_date, end_date)
    overall: dict[str, list[int]] = {}
    for day in days:
        for isp, counts in day.isps.items():
            sums = overall.setdefault(isp, [0, 0, 0])
            for position, value in enumerate(counts):
                sums[position] += value
    delivered = sum(sums[0] for sums in overall.values())
    opened = sum(sums[2] for sums in overall.values())
    return {
        "OverallVolume": {
            "VolumeStatistics": _volume(overall.values()),
            "ReadRatePercent": 100.0 * opened / delivered if delivered else 0.0,
            "DomainIspPlacements": [
                _placement(isp, sums[0], sums[1]) for isp, sums in sorted(overall.items())
            ],
        },
        "DailyVolumes": [
            {
                "StartDate": day.start,
                "VolumeStatistics": _volume(day.isps.values()),
                "DomainIspPlacements": [
                    _placement(isp, counts[0], counts[1]) for isp, counts in day.isps.items()
                ],
            }
            for day in days
        ],
    }


def _volume(per_isp: Any) -> Wire:
    spam = sum(counts[1] for counts in per_isp)
    inbox = max(0, sum(counts[0] for counts in per_isp) - spam)
    return {
        "InboxRawCount": inbox,
        "SpamRawCount": spam,
        "ProjectedInbox": inbox,
        "ProjectedSpam": spam,
    }


def _placement(isp: str, delivered: int, spam: int) -> Wire:
    inbox = max(0, delivered - spam)
    total = inbox + spam
    return {
        "IspName": isp,
        "InboxRawCount": inbox,
        "SpamRawCount": spam,
        "InboxPercentage": 100.0 * inbox / total if total else 0.0,
        "SpamPercentage": 100.0 * spam / total if total else 0.0,
    }
