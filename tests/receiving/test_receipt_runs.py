"""Receipt actions run at least once (issue 16): the mail is kept when the listener answers
250, and its actions run afterwards from the outbox. An action whose peer fails is retried,
from that action on (those before it are not run again), until the peer recovers; after too
many attempts the run is a dead letter, listed and retried at ``/_openses/dead-letters``."""

from __future__ import annotations

from typing import Any

import httpx

from tests.events.metrics_text import sample
from tests.events.peerside import eventually
from tests.peer import AwsPeer
from tests.receiving.conftest import LambdaStub
from tests.receiving.test_inbound import active_rules, bucket, keys, s3_body, send, settled
from tests.support import LiveServer, unique

ARN_PREFIX = "arn:aws:lambda:us-east-1:123456789012:function:"


def watcher(lambdas: LambdaStub) -> str:
    arn = ARN_PREFIX + unique("watch")
    lambdas.functions[arn] = {}
    return arn


def invoked(lambdas: LambdaStub, arn: str) -> int:
    return sum(1 for call in lambdas.invocations if call.function == arn)


def rules(watch: str, first: str, then: str) -> dict[str, Any]:
    return {
        "Name": "keep",
        "Actions": [
            {"LambdaAction": {"FunctionArn": watch, "InvocationType": "Event"}},
            {"S3Action": {"BucketName": first}},
            {"AddHeaderAction": {"HeaderName": "X-Kept", "HeaderValue": "yes"}},
            {"S3Action": {"BucketName": then}},
        ],
    }


def test_a_failed_action_is_retried_until_its_peer_recovers(
    receiving: LiveServer, ses: Any, peer: AwsPeer, lambdas: LambdaStub, domain: str
) -> None:
    watch, first, later = watcher(lambdas), bucket(peer), bucket(peer)
    metrics = f"{receiving.url}/metrics"
    retried_before = sample(metrics, "openses_events_retried_total", kind="receipt")
    with active_rules(ses, rules(watch, first, later)):
        peer.client("s3").delete_bucket(Bucket=later)  # the peer fails...
        message_id = send(receiving, [f"r@{domain}"], settle=False)
        eventually(
            lambda: sample(metrics, "openses_events_retried_total", kind="receipt"),
            lambda retried: retried > retried_before,
        )
        peer.client("s3").create_bucket(Bucket=later)  # ... and recovers
        settled(receiving)
    assert keys(peer, first) == [message_id]
    assert keys(peer, later) == [message_id]
    # the actions before the failed one ran once; AddHeader's header reached the retry
    assert invoked(lambdas, watch) == 1
    assert not s3_body(peer, first, message_id).startswith(b"X-Kept: yes\r\n")
    assert s3_body(peer, later, message_id).startswith(b"X-Kept: yes\r\n")


def test_a_run_that_keeps_failing_is_a_dead_letter_until_retried(
    receiving: LiveServer, ses: Any, peer: AwsPeer, lambdas: LambdaStub, domain: str
) -> None:
    watch, first, later = watcher(lambdas), bucket(peer), bucket(peer)
    with active_rules(ses, rules(watch, first, later)):
        peer.client("s3").delete_bucket(Bucket=later)
        message_id = send(receiving, [f"d@{domain}"])  # settles as a dead letter
    dead = [
        letter
        for letter in httpx.get(f"{receiving.url}/_openses/dead-letters").json()
        if letter["messageId"] == message_id
    ]
    assert [(d["kind"], d["target"]["messageId"]) for d in dead] == [("receipt", message_id)]
    assert "NoSuchBucket" in dead[0]["lastError"]
    assert keys(peer, first) == [message_id]

    peer.client("s3").create_bucket(Bucket=later)
    retried = httpx.post(f"{receiving.url}/_openses/dead-letters/{dead[0]['id']}/retry")
    assert retried.json() == {"retried": 1}
    settled(receiving)
    assert keys(peer, later) == [message_id]
    assert invoked(lambdas, watch) == 1
