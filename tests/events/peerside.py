"""The AWS side of the event tests: make topics, queues, streams and rules on moto's server,
and read back what openses published there."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from tests.peer import REGION, AwsPeer
from tests.support import unique

ACCOUNT = "123456789012"
T = TypeVar("T")


def eventually(read: Callable[[], T], done: Callable[[T], bool], *, deadline: float = 60) -> T:
    """Poll ``read`` until ``done`` says yes, or give up after ``deadline`` seconds."""
    end = time.monotonic() + deadline
    while True:
        value = read()
        if done(value) or time.monotonic() > end:
            return value
        time.sleep(0.1)


@dataclass
class Topic:
    arn: str
    queue_url: str


def topic_with_queue(peer: AwsPeer, name: str | None = None) -> Topic:
    """An SNS topic with an SQS queue subscribed, envelopes on (RawMessageDelivery false)."""
    name = name or unique("topic")
    sns, sqs = peer.client("sns"), peer.client("sqs")
    arn = sns.create_topic(Name=name)["TopicArn"]
    queue_url = sqs.create_queue(QueueName=f"{name}-q")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    sns.subscribe(
        TopicArn=arn,
        Protocol="sqs",
        Endpoint=queue_arn,
        Attributes={"RawMessageDelivery": "false"},
    )
    return Topic(arn, queue_url)


def drain(peer: AwsPeer, queue_url: str, into: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Move every message now in the queue into ``into`` (parsed bodies); returns ``into``."""
    sqs = peer.client("sqs")
    while True:
        got = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)
        messages = got.get("Messages", [])
        if not messages:
            return into
        for message in messages:
            into.append(json.loads(message["Body"]))
        sqs.delete_message_batch(
            QueueUrl=queue_url,
            Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)
            ],
        )


def collect(peer: AwsPeer, queue_url: str, count: int, deadline: float = 60) -> list[Any]:
    """Wait until at least ``count`` messages arrived, then a moment more for extras."""
    seen: list[dict[str, Any]] = []
    eventually(lambda: drain(peer, queue_url, seen), lambda s: len(s) >= count, deadline=deadline)
    time.sleep(0.3)
    return drain(peer, queue_url, seen)


@dataclass
class Stream:
    arn: str
    bucket: str


def firehose_to_s3(peer: AwsPeer, name: str | None = None) -> Stream:
    """A stream writing to its own bucket; the bucket exists before the stream does."""
    name = name or unique("stream")
    bucket = f"{name}-bucket"
    peer.client("s3").create_bucket(Bucket=bucket)
    arn = peer.client("firehose").create_delivery_stream(
        DeliveryStreamName=name,
        DeliveryStreamType="DirectPut",
        ExtendedS3DestinationConfiguration={
            "RoleARN": f"arn:aws:iam::{ACCOUNT}:role/firehose",
            "BucketARN": f"arn:aws:s3:::{bucket}",
        },
    )["DeliveryStreamARN"]
    return Stream(arn, bucket)


def s3_lines(peer: AwsPeer, bucket: str) -> list[str]:
    """Every line of every object, in key order; each object must end in a newline."""
    s3 = peer.client("s3")
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", []))
    lines: list[str] = []
    for key in keys:
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode()
        assert body.endswith("\n")
        lines.extend(body.splitlines())
    return lines


def rule_to_queue(peer: AwsPeer, configuration_set: str) -> str:
    """A rule on the default bus sending this set's SES events to a new queue."""
    name = unique("rule")
    sqs, events = peer.client("sqs"), peer.client("events")
    queue_url: str = sqs.create_queue(QueueName=name)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    pattern = {
        "source": ["aws.ses"],
        "detail": {"mail": {"tags": {"ses:configuration-set": [configuration_set]}}},
    }
    events.put_rule(Name=name, EventPattern=json.dumps(pattern))
    events.put_targets(Rule=name, Targets=[{"Id": "queue", "Arn": queue_arn}])
    return queue_url


def default_bus_arn() -> str:
    return f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/default"
