"""Faults: the peer down while events wait, a poisoned destination, dead letters retried from
the API and the command line."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.events.conftest import FAST, publishing_settings
from tests.events.metrics_text import sample
from tests.events.peerside import collect, eventually, firehose_to_s3, s3_lines, topic_with_queue
from tests.peer import AwsPeer, aws_peer
from tests.support import LiveServer, database_url, serve_in_thread, unique

SIM = "simulator.amazonses.com"


@pytest.fixture
def own_peer() -> Iterator[AwsPeer]:
    with aws_peer() as running:
        yield running


@pytest.fixture
def db_url(backend: str, tmp_path: Path) -> Iterator[str]:
    with database_url(backend, str(tmp_path)) as url:
        yield url


def send_to(server: LiveServer, domain: str, name: str, count: int) -> list[str]:
    sesv2 = server.client("sesv2")
    return [
        sesv2.send_email(
            FromEmailAddress=f"sender@{domain}",
            Destination={"ToAddresses": [f"success@{SIM}"]},
            Content={"Simple": {"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "hi"}}}},
            ConfigurationSetName=name,
        )["MessageId"]
        for _ in range(count)
    ]


def set_with_identity(server: LiveServer) -> tuple[str, str]:
    sesv2 = server.client("sesv2")
    domain = f"{unique('d')}.example.com"
    sesv2.create_email_identity(EmailIdentity=domain)
    name = unique("fault")
    sesv2.create_configuration_set(ConfigurationSetName=name)
    return domain, name


def sns_destination(server: LiveServer, name: str, destination: str, topic_arn: str) -> None:
    server.client("sesv2").create_configuration_set_event_destination(
        ConfigurationSetName=name,
        EventDestinationName=destination,
        EventDestination={
            "Enabled": True,
            "MatchingEventTypes": ["SEND", "DELIVERY"],
            "SnsDestination": {"TopicArn": topic_arn},
        },
    )


def test_events_wait_for_a_peer_that_is_down(db_url: str, own_peer: AwsPeer) -> None:
    patient = dataclasses.replace(FAST, max_attempts=1000, backoff_max_seconds=0.3)
    settings = publishing_settings(db_url, own_peer, publish=patient)
    stream_name = unique("stream")
    with serve_in_thread(settings) as server:
        domain, name = set_with_identity(server)
        stream = firehose_to_s3(own_peer, stream_name)
        server.client("sesv2").create_configuration_set_event_destination(
            ConfigurationSetName=name,
            EventDestinationName="firehose",
            EventDestination={
                "Enabled": True,
                "MatchingEventTypes": ["SEND", "DELIVERY"],
                "KinesisFirehoseDestination": {
                    "IamRoleArn": "arn:aws:iam::123456789012:role/ses",
                    "DeliveryStreamArn": stream.arn,
                },
            },
        )
        own_peer.stop()
        message_ids = send_to(server, domain, name, 5)
        metrics = f"{server.url}/metrics"
        retried = eventually(
            lambda: sample(metrics, "openses_events_retried_total", kind="firehose"),
            lambda value: value >= 3,
        )
        assert retried >= 3  # the dispatcher kept trying while the peer was away

        own_peer.start()  # a fresh moto: the stream comes back under the same ARN
        assert firehose_to_s3(own_peer, stream_name) == stream
        lines = eventually(lambda: s3_lines(own_peer, stream.bucket), lambda got: len(got) >= 10)
        events = sorted(
            (json.loads(line)["mail"]["messageId"], json.loads(line)["eventType"]) for line in lines
        )
        assert events == [
            (message_id, event_type)
            for message_id in sorted(message_ids)
            for event_type in ("Delivery", "Send")
        ]
        assert sample(metrics, "openses_events_dead_lettered_total", kind="firehose") == 0.0


def dead_letters(server: LiveServer) -> list[dict[str, Any]]:
    response = httpx.get(f"{server.url}/_openses/dead-letters")
    assert response.status_code == 200
    letters: list[dict[str, Any]] = response.json()
    return letters


def test_poisoned_destination_dead_letters_alone_and_retries(db_url: str, peer: AwsPeer) -> None:
    settings = publishing_settings(
        db_url,
        peer,
        validate_destinations=False,
        publish=dataclasses.replace(FAST, max_attempts=2),
    )
    missing_topic = unique("later")
    missing_arn = f"arn:aws:sns:us-east-1:123456789012:{missing_topic}"
    with serve_in_thread(settings) as server:
        domain, name = set_with_identity(server)
        good = topic_with_queue(peer)
        sns_destination(server, name, "good", good.arn)
        sns_destination(server, name, "poisoned", missing_arn)
        message_ids = send_to(server, domain, name, 2)

        arrived = collect(peer, good.queue_url, 4)
        assert sorted((json.loads(e["Message"])["mail"]["messageId"]) for e in arrived) == sorted(
            message_ids * 2
        )
        letters = eventually(lambda: dead_letters(server), lambda found: len(found) == 4)
        assert sorted((d["messageId"], d["destinationName"], d["kind"]) for d in letters) == sorted(
            (m, "poisoned", "sns") for m in message_ids * 2
        )
        assert {d["attempts"] for d in letters} == {2}
        assert {d["target"]["topic_arn"] for d in letters} == {missing_arn}
        assert {d["lastError"] for d in letters} == {"NotFound: Topic does not exist"}
        assert {d["configurationSet"] for d in letters} == {name}

        fixed = topic_with_queue(peer, missing_topic)
        first = letters[0]
        retried = httpx.post(f"{server.url}/_openses/dead-letters/{first['id']}/retry")
        assert retried.status_code == 200
        assert retried.json() == {"retried": 1}
        redelivered = collect(peer, fixed.queue_url, 1)
        assert [json.loads(e["Message"]) for e in redelivered] == [first["payload"]]
        assert (
            httpx.post(f"{server.url}/_openses/dead-letters/{first['id']}/retry").status_code == 404
        )

        listed = subprocess.run(
            [sys.executable, "-m", "openses", "dead-letters", "list", "--database", db_url],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        assert sorted(d["id"] for d in json.loads(listed.stdout)) == sorted(
            d["id"] for d in letters[1:]
        )
        cli = subprocess.run(
            [
                sys.executable,
                "-m",
                "openses",
                "dead-letters",
                "retry",
                "--all",
                "--database",
                db_url,
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        assert cli.stdout == "3 dead letters queued again\n"
        assert dead_letters(server) == []
        rest = collect(peer, fixed.queue_url, 3)
        assert sorted(json.dumps(json.loads(e["Message"])) for e in rest) == sorted(
            json.dumps(d["payload"]) for d in letters[1:]
        )
        metrics = f"{server.url}/metrics"
        published = eventually(
            lambda: sample(metrics, "openses_events_published_total", kind="sns"),
            lambda value: value >= 8,
        )
        assert published == 8.0
        assert sample(metrics, "openses_events_dead_lettered_total", kind="sns") == 4.0
        assert sample(metrics, "openses_events_retried_total", kind="sns") == 4.0
        assert sample(metrics, "openses_publications", kind="sns", status="published") == 8.0
