"""An export job's work (issue 20): message insights or metric data, computed from openses'
own messages and events, as CSV or JSON lines (docs/aws-behaviour.md, "Import and export
jobs")."""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from openses.domain.job import (
    DataFormat,
    ExportJob,
    InsightsFilters,
    MessageInsightsSource,
    MetricsSource,
    S3Object,
)
from openses.store.insights import SentMessage

# Statuses of messages an account sent (not openses' own mail: verification emails,
# forwarded reports, auto-replies).
SENT = {"delivered", "bounced", "complained", "suppressed"}
DELIVERY_EVENTS = (
    "SEND",
    "DELIVERY",
    "TRANSIENT_BOUNCE",
    "PERMANENT_BOUNCE",
    "UNDETERMINED_BOUNCE",
    "COMPLAINT",
)
ENGAGEMENT_EVENTS = ("OPEN", "CLICK")
_BY_STATUS = {
    "delivered": ("DELIVERY",),
    "bounced": ("PERMANENT_BOUNCE",),
    "suppressed": ("PERMANENT_BOUNCE",),
    "complained": ("DELIVERY", "COMPLAINT"),
}
INSIGHTS_COLUMNS = (
    "MessageId",
    "FromEmailAddress",
    "Subject",
    "Destination",
    "Isp",
    "LastDeliveryEvent",
    "LastEngagementEvent",
    "Timestamp",
)
METRICS_COLUMNS = ("Timestamp", "Metric", "Aggregation", "Value")


@dataclass(frozen=True, slots=True)
class Export:
    data: bytes
    processed: int
    exported: int


@dataclass(slots=True)
class Destination:
    address: str
    events: list[tuple[str, datetime.datetime]]

    @property
    def isp(self) -> str:
        """openses cannot know a recipient's mailbox provider: its domain stands for it."""
        return self.address.rsplit("@", 1)[-1]

    def last(self, kinds: Iterable[str]) -> str | None:
        wanted = set(kinds)
        found = [kind for kind, _ in self.events if kind in wanted]
        return found[-1] if found else None


def destinations(message: SentMessage) -> list[Destination]:
    """Each recipient's events as message insights name them (SEND, DELIVERY, ...)."""
    result = []
    for recipient in message.recipients:
        happened: list[tuple[str, datetime.datetime]] = [("SEND", message.created_at)]
        recorded = [
            _kind(event_type, payload, recipient) for event_type, payload, _ in message.events
        ]
        if message.events:
            happened += [
                (kind, at)
                for kind, (_, _, at) in zip(recorded, message.events, strict=True)
                if kind is not None and kind != "SEND"
            ]
        else:
            happened += [(kind, message.created_at) for kind in _BY_STATUS.get(message.status, ())]
        result.append(Destination(recipient, happened))
    return result


def _kind(event_type: str, payload: dict[str, Any], recipient: str) -> str | None:
    if event_type == "Bounce":
        bounce = payload.get("bounce", {})
        bounced = {r.get("emailAddress", "").lower() for r in bounce.get("bouncedRecipients", [])}
        if bounced and recipient not in bounced:
            return None
        return {"Permanent": "PERMANENT_BOUNCE", "Transient": "TRANSIENT_BOUNCE"}.get(
            bounce.get("bounceType", ""), "UNDETERMINED_BOUNCE"
        )
    if event_type == "Delivery":
        delivered = {r.lower() for r in payload.get("delivery", {}).get("recipients", [])}
        return "DELIVERY" if not delivered or recipient in delivered else None
    return {"Send": "SEND", "Complaint": "COMPLAINT", "Open": "OPEN", "Click": "CLICK"}.get(
        event_type
    )


# -- message insights ------------------------------------------------------------------------


def message_insights(messages: list[SentMessage], job: ExportJob) -> Export:
    source = job.source
    assert isinstance(source, MessageInsightsSource)
    records: list[dict[str, Any]] = []
    processed = 0
    for message in messages:
        if message.status not in SENT:
            continue
        if len(records) >= source.max_results:
            break
        processed += 1
        kept = [
            d
            for d in destinations(message)
            if _matches(source.include, message, d, include=True)
            and not _matches(source.exclude, message, d, include=False)
        ]
        if kept:
            records.append(_insight(message, kept))
    if job.data_format is DataFormat.JSON:
        data = "".join(json.dumps(record) + "\n" for record in records).encode()
    else:
        rows = [
            {
                "MessageId": record["MessageId"],
                "FromEmailAddress": record["FromEmailAddress"],
                "Subject": record["Subject"],
                "Destination": insight["Destination"],
                "Isp": insight["Isp"],
                "LastDeliveryEvent": insight["LastDeliveryEvent"] or "",
                "LastEngagementEvent": insight["LastEngagementEvent"] or "",
                "Timestamp": insight["Events"][0]["Timestamp"],
            }
            for record in records
            for insight in record["Insights"]
        ]
        data = _csv(INSIGHTS_COLUMNS, rows)
    return Export(data, processed, len(records))


def _insight(message: SentMessage, kept: list[Destination]) -> dict[str, Any]:
    return {
        "MessageId": message.message_id,
        "FromEmailAddress": message.from_address,
        "Subject": message.subject or "",
        "EmailTags": [
            {"Name": name, "Value": value}
            for name, values in message.tags.items()
            for value in (values if isinstance(values, list) else [values])
        ],
        "Insights": [
            {
                "Destination": d.address,
                "Isp": d.isp,
                "LastDeliveryEvent": d.last(DELIVERY_EVENTS),
                "LastEngagementEvent": d.last(ENGAGEMENT_EVENTS),
                "Events": [{"Timestamp": at.isoformat(), "Type": kind} for kind, at in d.events],
            }
            for d in kept
        ],
    }


def _matches(
    filters: InsightsFilters, message: SentMessage, destination: Destination, *, include: bool
) -> bool:
    """Include: every filter given must match. Exclude: any filter given that matches."""
    checks = [
        (filters.from_email_address, message.from_address),
        (filters.destination, destination.address),
        (filters.subject, message.subject or ""),
        (filters.isp, destination.isp),
        (filters.tenant_name, None),  # openses has no tenants yet: no message has one
        (filters.last_delivery_event, destination.last(DELIVERY_EVENTS)),
        (filters.last_engagement_event, destination.last(ENGAGEMENT_EVENTS)),
    ]
    results = [
        value is not None and value.lower() in {v.lower() for v in wanted}
        for wanted, value in checks
        if wanted
    ]
    if include:
        return all(results)
    return any(results)


# -- metric data ------------------------------------------------------------------------------

# The count a RATE divides by: sends, or deliveries for the DELIVERY_* engagement metrics.
_RATE_BASE = {
    "DELIVERY_OPEN": "DELIVERY",
    "DELIVERY_CLICK": "DELIVERY",
    "DELIVERY_COMPLAINT": "DELIVERY",
}


def metrics(messages: list[SentMessage], job: ExportJob) -> Export:
    source = job.source
    assert isinstance(source, MetricsSource)
    per_day: dict[datetime.date, Counter[str]] = {}
    day = source.start.date()
    while day <= source.end.date():
        per_day[day] = Counter()
        day += datetime.timedelta(days=1)
    processed = 0
    for message in messages:
        if message.status not in SENT:
            continue
        for destination in destinations(message):
            if not _in_dimensions(source, message, destination):
                continue
            processed += 1
            kinds = {kind for kind, _ in destination.events}
            counts = per_day.setdefault(message.created_at.date(), Counter())
            counts.update(kinds)
            if "DELIVERY" in kinds:
                counts.update(f"DELIVERY_{k}" for k in ("OPEN", "CLICK", "COMPLAINT") if k in kinds)
    rows = []
    for day, counts in sorted(per_day.items()):
        for metric in source.metrics:
            value: float = counts[metric.name]
            if metric.aggregation == "RATE":
                base = counts[_RATE_BASE.get(metric.name, "SEND")]
                value = value / base if base else 0.0
            rows.append(
                {
                    "Timestamp": day.isoformat(),
                    "Metric": metric.name,
                    "Aggregation": metric.aggregation,
                    "Value": value,
                }
            )
    if job.data_format is DataFormat.JSON:
        data = "".join(json.dumps(row) + "\n" for row in rows).encode()
    else:
        data = _csv(METRICS_COLUMNS, rows)
    return Export(data, processed, len(rows))


def _in_dimensions(source: MetricsSource, message: SentMessage, destination: Destination) -> bool:
    for name, values in source.dimensions:
        wanted = {v.lower() for v in values}
        if name == "CONFIGURATION_SET":
            ok = (message.configuration_set or "").lower() in wanted
        elif name == "EMAIL_IDENTITY":
            sender = message.from_address.lower()
            ok = sender in wanted or sender.rsplit("@", 1)[-1] in wanted
        elif name == "ISP":
            ok = destination.isp.lower() in wanted
        else:  # TENANT_NAME: openses has no tenants yet
            ok = False
        if not ok:
            return False
    return True


def _csv(columns: tuple[str, ...], rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def export_object(bucket: str, job: ExportJob) -> S3Object:
    return S3Object(bucket, f"export-jobs/{job.job_id}/export.{job.data_format.extension}")
