"""SNS: PublishBatch to the destination's topic, Message = the event JSON.

Event-publishing records carry AWS's Subject; the one-off validation text and identity
notifications (targets marked ``notification``) go without one, as AWS sends them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
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
)

SUBJECT = "Amazon SES Email Event Notification"
MAX_ENTRIES = 10
MAX_BYTES = 256 * 1024


class SnsPublisher(AwsPublisher):
    def publish(self, target: Target, items: Sequence[Item], *, region: str) -> Failures:
        topic = target["topic_arn"]
        client = self.clients.client("sns", region_of(topic))
        notification = bool(target.get("notification"))
        entries = [_entry(item, notification) for item in items]

        def send(run: list[dict[str, Any]]) -> Failures:
            answer = client.publish_batch(TopicArn=topic, PublishBatchRequestEntries=run)
            return {
                int(failed["Id"]): f"{failed.get('Code')}: {failed.get('Message', '')}"
                for failed in answer.get("Failed", [])
            }

        runs = chunks(entries, max_count=MAX_ENTRIES, max_bytes=MAX_BYTES, size=_size)
        return each_call(runs, lambda entry: int(entry["Id"]), send)


def _entry(item: Item, notification: bool) -> dict[str, Any]:
    if isinstance(item.payload, str):
        return {"Id": str(item.id), "Message": item.payload}
    if notification:
        return {"Id": str(item.id), "Message": json.dumps(item.payload)}
    return {"Id": str(item.id), "Message": compact(item.payload), "Subject": SUBJECT}


def _size(entry: dict[str, Any]) -> int:
    return len(entry["Message"].encode()) + len(entry.get("Subject", ""))
