"""EventBridge: PutEvents to the destination's bus, ``detail`` = the event record.

Source ``aws.ses`` and the detail-types of the SES EventBridge reference. Real EventBridge keeps
``aws.*`` sources for AWS itself, so the source is a setting (``eventbridge_source``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from openses.events.aws import region_of
from openses.events.publishers import (
    AwsPublisher,
    Failures,
    Item,
    Target,
    chunks,
    compact,
    each_call,
    entry_failures,
)

DETAIL_TYPES = {
    "Send": "Email Sent",
    "Reject": "Email Rejected",
    "Bounce": "Email Bounced",
    "Complaint": "Email Complaint Received",
    "Delivery": "Email Delivered",
    "Open": "Email Opened",
    "Click": "Email Clicked",
    "Rendering Failure": "Email Rendering Failed",
    "DeliveryDelay": "Email Delivery Delayed",
    "Subscription": "Email Subscribed",
}
MAX_ENTRIES = 10
MAX_BYTES = 256 * 1024
Entry = tuple[int, dict[str, Any]]


@dataclass(frozen=True)
class EventBridgePublisher(AwsPublisher):
    source: str = field(kw_only=True)

    def publish(self, target: Target, items: Sequence[Item], *, region: str) -> Failures:
        bus = target["event_bus_arn"]
        client = self.clients.client("eventbridge", region_of(bus))
        failures: Failures = {}
        entries: list[Entry] = []
        for item in items:
            payload = item.payload
            if not isinstance(payload, dict) or payload.get("eventType") not in DETAIL_TYPES:
                failures[item.id] = "not an SES event record"
                continue
            entries.append(
                (
                    item.id,
                    {
                        "Source": self.source,
                        "DetailType": DETAIL_TYPES[payload["eventType"]],
                        "Detail": compact(payload),
                        "EventBusName": bus,
                        "Resources": [],
                    },
                )
            )

        def send(run: list[Entry]) -> Failures:
            answer = client.put_events(Entries=[entry for _, entry in run])
            if not answer.get("FailedEntryCount"):
                return {}
            return entry_failures(run, answer["Entries"])

        runs = chunks(entries, max_count=MAX_ENTRIES, max_bytes=MAX_BYTES, size=_size)
        failures.update(each_call(runs, lambda entry: entry[0], send))
        return failures


def _size(entry: Entry) -> int:
    """PutEvents entry size as the EventBridge guide computes it."""
    body = entry[1]
    return (
        len(body["Source"].encode())
        + len(body["DetailType"].encode())
        + len(body["Detail"].encode())
        + len(body["EventBusName"].encode())
        + 14  # the Time field
    )
