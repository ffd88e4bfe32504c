"""CloudWatch: PutMetricData, a count of 1 per event, with every configured dimension.

Dimension values (SES developer guide, "Set up a CloudWatch event destination"): MESSAGE_TAG
from ``mail.tags`` (auto-tags included), EMAIL_HEADER from ``mail.headers``, LINK_TAG from a
Click's ``linkTags``; otherwise the DefaultDimensionValue. A header value with characters
outside ``A-Z a-z 0-9 _ @ - .`` means no metric at all, as AWS does. CloudWatch has no
DeliveryDelay or Subscription metric (AWS re:Post ``ses-monitor-delivery-delays``): those
events are dropped here.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from openses.events.aws import AwsClients
from openses.events.publishers import AwsPublisher, Failures, Item, Target, chunks, each_call

METRIC_NAMES = {
    "Send": "Send",
    "Reject": "Reject",
    "Bounce": "Bounce",
    "Complaint": "Complaint",
    "Delivery": "Delivery",
    "Open": "Open",
    "Click": "Click",
    "Rendering Failure": "RenderingFailure",
}
TYPE_KEYS = {
    "Bounce": "bounce",
    "Complaint": "complaint",
    "Delivery": "delivery",
    "Open": "open",
    "Click": "click",
}
MAX_DATUMS = 1000
MAX_BYTES = 1024 * 1024
_HEADER_VALUE = re.compile(r"[A-Za-z0-9_@.\-]+")
Datum = tuple[int, dict[str, Any]]


@dataclass(frozen=True)
class CloudWatchPublisher(AwsPublisher):
    namespace: str = field(kw_only=True)

    def publish(self, target: Target, items: Sequence[Item], *, region: str) -> Failures:
        datums = [
            (item.id, datum)
            for item in items
            if (datum := metric_datum(item.payload, target["dimensions"])) is not None
        ]
        return put_metric_data(self.clients, region, self.namespace, datums)


def put_metric_data(
    clients: AwsClients, region: str, namespace: str, datums: list[Datum]
) -> Failures:
    """PutMetricData of each item's datum, in calls within CloudWatch's count and size limits;
    a failed call fails the items whose datums it carried."""
    if not datums:
        return {}
    client = clients.client("cloudwatch", region)

    def send(run: list[Datum]) -> Failures:
        client.put_metric_data(Namespace=namespace, MetricData=[d for _, d in run])
        return {}

    runs = chunks(
        datums,
        max_count=MAX_DATUMS,
        max_bytes=MAX_BYTES,
        size=lambda d: len(json.dumps(d[1], default=str)),
    )
    return each_call(runs, lambda d: d[0], send)


def metric_datum(record: Any, dimensions: list[list[str]]) -> dict[str, Any] | None:
    """The metric for one event, or None where AWS publishes none."""
    if not isinstance(record, dict) or record.get("eventType") not in METRIC_NAMES:
        return None
    values = []
    for name, source, default in dimensions:
        value = dimension_value(record, name, source)
        if value is not None and source == "EMAIL_HEADER" and not _HEADER_VALUE.fullmatch(value):
            return None
        values.append({"Name": name, "Value": value if value else default})
    return {
        "MetricName": METRIC_NAMES[record["eventType"]],
        "Dimensions": values,
        "Timestamp": _when(record),
        "Value": 1.0,
        "Unit": "Count",
    }


def dimension_value(record: dict[str, Any], name: str, source: str) -> str | None:
    mail = record.get("mail", {})
    if source == "MESSAGE_TAG":
        return _first(mail.get("tags", {}).get(name))
    if source == "EMAIL_HEADER":
        for header in mail.get("headers", []):
            if header["name"].lower() == name.lower():
                return str(header["value"])
        return None
    if source == "LINK_TAG" and record.get("eventType") == "Click":
        return _first(record.get("click", {}).get("linkTags", {}).get(name))
    return None


def _first(values: Any) -> str | None:
    if isinstance(values, list) and values:
        return str(values[0])
    return None


def _when(record: dict[str, Any]) -> datetime.datetime:
    key = TYPE_KEYS.get(record["eventType"])
    stamp = record.get(key, {}).get("timestamp") if key else None
    return datetime.datetime.fromisoformat(stamp or record["mail"]["timestamp"])
