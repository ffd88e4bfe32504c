"""Pinpoint: PutEvents to the destination's application, as ``_email.*`` events.

SES documents no record format for Pinpoint (the events feed the project's email dashboards),
so each event becomes one Pinpoint event named after Pinpoint's own email event types, on an
endpoint per message. Pinpoint takes no DeliveryDelay or Subscription events (SES developer
guide): those are dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openses.events.aws import region_of, resource_name
from openses.events.publishers import AwsPublisher, Failures, Item, Target, chunks, each_call

EVENT_TYPES = {
    "Send": "_email.send",
    "Reject": "_email.rejected",
    "Bounce": "_email.hardbounce",
    "Complaint": "_email.complaint",
    "Delivery": "_email.delivered",
    "Open": "_email.open",
    "Click": "_email.click",
    "Rendering Failure": "_email.rendering_failure",
}
MAX_EVENTS = 100
MAX_BYTES = 4 * 1024 * 1024
Event = tuple[int, str, dict[str, Any]]


class PinpointPublisher(AwsPublisher):
    def publish(self, target: Target, items: Sequence[Item], *, region: str) -> Failures:
        arn = target.get("application_arn")
        if not arn:
            return {}
        client = self.clients.client("pinpoint", region_of(arn))
        application = resource_name(arn)
        events = [event for item in items if (event := _event(item)) is not None]

        def send(run: list[Event]) -> Failures:
            batch: dict[str, Any] = {}
            for item_id, endpoint, event in run:
                entry = batch.setdefault(endpoint, {"Endpoint": {}, "Events": {}})
                entry["Events"][str(item_id)] = event
            answer = client.put_events(
                ApplicationId=application, EventsRequest={"BatchItem": batch}
            )
            results = answer.get("EventsResponse", {}).get("Results", {})
            failures: Failures = {}
            for item_id, endpoint, _ in run:
                status = (
                    results.get(endpoint, {}).get("EventsItemResponse", {}).get(str(item_id), {})
                )
                if status.get("StatusCode", 202) >= 400:
                    failures[item_id] = f"{status['StatusCode']}: {status.get('Message', '')}"
            return failures

        runs = chunks(events, max_count=MAX_EVENTS, max_bytes=MAX_BYTES, size=lambda e: 1024)
        return each_call(runs, lambda event: event[0], send)


def _event(item: Item) -> Event | None:
    record = item.payload
    if not isinstance(record, dict) or record.get("eventType") not in EVENT_TYPES:
        return None
    mail = record["mail"]
    attributes = {
        "message_id": mail["messageId"],
        "from_address": mail["source"],
        "destination": ",".join(mail.get("destination", [])),
    }
    for name, values in mail.get("tags", {}).items():
        if values:
            attributes[name] = str(values[0])
    event_type = EVENT_TYPES[record["eventType"]]
    if record.get("bounce", {}).get("bounceType") == "Transient":
        event_type = "_email.softbounce"
    event = {
        "EventType": event_type,
        "Timestamp": mail["timestamp"],
        "Attributes": attributes,
    }
    return item.id, mail["messageId"], event
