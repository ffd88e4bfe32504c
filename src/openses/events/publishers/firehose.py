"""Kinesis Data Firehose: PutRecordBatch, one newline-terminated JSON record per event.

SES appends ``\\n`` to every record so that the objects in S3 read as JSON Lines (SES developer
guide, "Retrieving Amazon SES event data from Firehose"). The destination's IamRoleArn is
assumed when ``assume_roles`` is on.
"""

from __future__ import annotations

from collections.abc import Sequence

from openses.events.aws import region_of, resource_name
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

MAX_RECORDS = 500
MAX_BYTES = 4 * 1024 * 1024


class FirehosePublisher(AwsPublisher):
    def publish(self, target: Target, items: Sequence[Item], *, region: str) -> Failures:
        stream_arn = target["delivery_stream_arn"]
        client = self.clients.client(
            "firehose", region_of(stream_arn), role_arn=target.get("iam_role_arn")
        )
        stream = resource_name(stream_arn)
        records = [(item.id, (compact(item.payload) + "\n").encode()) for item in items]

        def send(run: list[tuple[int, bytes]]) -> Failures:
            answer = client.put_record_batch(
                DeliveryStreamName=stream, Records=[{"Data": data} for _, data in run]
            )
            if not answer.get("FailedPutCount"):
                return {}
            return entry_failures(run, answer["RequestResponses"])

        runs = chunks(records, max_count=MAX_RECORDS, max_bytes=MAX_BYTES, size=lambda r: len(r[1]))
        return each_call(runs, lambda record: record[0], send)
