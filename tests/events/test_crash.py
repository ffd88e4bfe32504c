"""At least once across crashes: ``kill -9`` of ``openses serve`` in the middle of dispatching,
and two dispatchers (a server and ``openses worker``) sharing one PostgreSQL database."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from openses.store.database import make_engine
from openses.store.outbox import PUBLISHED
from openses.store.tables import publications
from tests.events.conftest import FAST, publishing_settings
from tests.events.metrics_text import sample
from tests.events.peerside import Stream, eventually, firehose_to_s3, s3_lines
from tests.peer import AwsPeer
from tests.support import (
    LiveServer,
    database_url,
    free_port,
    serve_in_thread,
    serve_process,
    unique,
)

MESSAGES = 250  # two events each (Send, Delivery), to each of STREAMS destinations
STREAMS = 4
Arrival = tuple[int, str, str]  # stream, message id, event type


@pytest.fixture
def db_url(backend: str, tmp_path: Path) -> Iterator[str]:
    with database_url(backend, str(tmp_path)) as url:
        yield url


def prepare(server: LiveServer, streams: list[Stream]) -> tuple[str, str, str]:
    """A verified domain, a template and a set with one Firehose destination per stream, each
    taking Send and Delivery events."""
    sesv2 = server.client("sesv2")
    domain = f"{unique('d')}.example.com"
    sesv2.create_email_identity(EmailIdentity=domain)
    template = unique("tpl")
    sesv2.create_email_template(
        TemplateName=template, TemplateContent={"Subject": "Hi", "Text": "hi {{n}}"}
    )
    name = unique("crash")
    sesv2.create_configuration_set(ConfigurationSetName=name)
    for index, stream in enumerate(streams):
        sesv2.create_configuration_set_event_destination(
            ConfigurationSetName=name,
            EventDestinationName=f"firehose-{index}",
            EventDestination={
                "Enabled": True,
                "MatchingEventTypes": ["SEND", "DELIVERY"],
                "KinesisFirehoseDestination": {
                    "IamRoleArn": "arn:aws:iam::123456789012:role/ses",
                    "DeliveryStreamArn": stream.arn,
                },
            },
        )
    return domain, template, name


def send_bulk(server: LiveServer, domain: str, template: str, name: str, count: int) -> set[str]:
    sesv2 = server.client("sesv2")
    message_ids: set[str] = set()
    for start in range(0, count, 50):
        results = sesv2.send_bulk_email(
            FromEmailAddress=f"sender@{domain}",
            DefaultContent={"Template": {"TemplateName": template, "TemplateData": '{"n": 1}'}},
            BulkEmailEntries=[
                {"Destination": {"ToAddresses": [f"user{i}@example.net"]}}
                for i in range(start, min(start + 50, count))
            ],
            ConfigurationSetName=name,
        )["BulkEmailEntryResults"]
        message_ids.update(r["MessageId"] for r in results)
    return message_ids


def arrived(peer: AwsPeer, streams: list[Stream]) -> list[Arrival]:
    found: list[Arrival] = []
    for index, stream in enumerate(streams):
        records = (json.loads(line) for line in s3_lines(peer, stream.bucket))
        found.extend((index, r["mail"]["messageId"], r["eventType"]) for r in records)
    return found


def expect(streams: list[Stream], message_ids: set[str]) -> set[Arrival]:
    return {
        (index, m, t)
        for index in range(len(streams))
        for m in message_ids
        for t in ("Send", "Delivery")
    }


def serve(
    db_url: str, peer: AwsPeer, port: int, log: Path, *, batch_size: int = 100
) -> subprocess.Popen[bytes]:
    env = {
        "OPENSES_DATABASE_URL": db_url,
        "OPENSES_AWS_ENDPOINT_URL": peer.url,
        "OPENSES_PUBLISH_BATCH_SIZE": str(batch_size),
        "OPENSES_PUBLISH_POLL_SECONDS": "0.05",
        "OPENSES_PUBLISH_LEASE_SECONDS": "1",
        "OPENSES_PUBLISH_BACKOFF_BASE_SECONDS": "0.05",
        "OPENSES_PUBLISH_BACKOFF_MAX_SECONDS": "0.2",
    }
    return serve_process(env, port, log)


def _first_published(db_url: str, deadline: float = 60) -> None:
    engine = make_engine(db_url)
    count = select(func.count()).select_from(publications).where(publications.c.status == PUBLISHED)
    try:
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            with engine.connect() as connection:
                if connection.execute(count).scalar_one() > 0:
                    return
            time.sleep(0.01)
    finally:
        engine.dispose()


def test_kill_9_while_dispatching_loses_nothing(db_url: str, peer: AwsPeer, tmp_path: Path) -> None:
    streams = [firehose_to_s3(peer) for _ in range(STREAMS)]
    quiet = publishing_settings(db_url, peer, dispatch_events=False)
    with serve_in_thread(quiet) as server:
        domain, template, name = prepare(server, streams)
        message_ids = send_bulk(server, domain, template, name, MESSAGES)
    expected = expect(streams, message_ids)
    assert len(expected) == 2 * MESSAGES * STREAMS

    log = tmp_path / "serve.log"
    port = free_port()
    # Small batches, and the kill as soon as the store says the first ones were published:
    # on an idle machine the peer's view came too late, after the last batch.
    process = serve(db_url, peer, port, log, batch_size=10)
    try:
        _first_published(db_url)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    before_restart = arrived(peer, streams)
    assert 0 < len(set(before_restart)) < len(expected)  # killed mid-way

    process = serve(db_url, peer, port, log)
    try:
        after = eventually(
            lambda: arrived(peer, streams), lambda got: set(got) >= expected, deadline=60
        )
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    assert set(after) == expected


def test_two_dispatchers_share_postgresql(
    backend: str, db_url: str, peer: AwsPeer, tmp_path: Path
) -> None:
    if backend != "postgresql":
        pytest.skip("several dispatchers share a database only on PostgreSQL")
    streams = [firehose_to_s3(peer) for _ in range(STREAMS)]
    settings = publishing_settings(
        db_url, peer, publish=dataclasses.replace(FAST, batch_size=10, lease_seconds=60)
    )
    metrics_port = free_port()
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "OPENSES_DATABASE_URL": db_url,
        "OPENSES_AWS_ENDPOINT_URL": peer.url,
        "OPENSES_PUBLISH_BATCH_SIZE": "10",
        "OPENSES_PUBLISH_POLL_SECONDS": "0.05",
    }
    with serve_in_thread(settings) as server, log.open("ab") as output:
        worker = subprocess.Popen(
            [sys.executable, "-m", "openses", "worker", "--metrics-port", str(metrics_port)],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            domain, template, name = prepare(server, streams)
            message_ids = send_bulk(server, domain, template, name, 50)
            expected = expect(streams, message_ids)
            got = eventually(lambda: arrived(peer, streams), lambda got: set(got) >= expected)
            time.sleep(0.5)  # anything delivered twice would show up by now
            assert sorted(arrived(peer, streams)) == sorted(expected)
            published = sample(
                f"{server.url}/metrics", "openses_events_published_total", kind="firehose"
            ) + sample(
                f"http://127.0.0.1:{metrics_port}/metrics",
                "openses_events_published_total",
                kind="firehose",
            )
            assert published == len(expected) == len(got)
        finally:
            worker.send_signal(signal.SIGTERM)
            assert worker.wait(timeout=30) == 0, log.read_text()
