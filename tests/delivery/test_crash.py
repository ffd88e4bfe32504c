"""Delivery is durable and at least once: accepted mail waits in the database; ``kill -9`` of
``openses serve`` in the middle of delivering loses none of it; several workers share a
PostgreSQL queue without delivering a message twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from openses.config import DeliverySettings, Settings
from tests.delivery.peers import Sink, sink
from tests.events.peerside import eventually
from tests.support import (
    LiveServer,
    database_url,
    free_port,
    serve_in_thread,
    serve_process,
    unique,
)

MESSAGES = 200


@pytest.fixture
def db_url(backend: str, tmp_path: Path) -> Iterator[str]:
    with database_url(backend, str(tmp_path)) as url:
        yield url


def accept(db_url: str, smarthost: Sink, count: int) -> set[str]:
    """Send ``count`` messages with a server whose worker is off: they wait in the queue."""
    delivery = DeliverySettings(mode="relay", smtp_relay=smarthost.url, worker=False)
    settings = Settings(
        database_url=db_url, validate_destinations=False, dispatch_events=False, delivery=delivery
    )
    with serve_in_thread(settings) as server:
        return send(server, count)


def send(server: LiveServer, count: int) -> set[str]:
    sesv2 = server.client("sesv2")
    domain = f"{unique('d')}.example.com"
    sesv2.create_email_identity(EmailIdentity=domain)
    template = unique("tpl")
    sesv2.create_email_template(
        TemplateName=template, TemplateContent={"Subject": "Hi", "Text": "hi"}
    )
    message_ids: set[str] = set()
    for start in range(0, count, 50):
        results = sesv2.send_bulk_email(
            FromEmailAddress=f"sender@{domain}",
            DefaultContent={"Template": {"TemplateName": template, "TemplateData": "{}"}},
            BulkEmailEntries=[
                {"Destination": {"ToAddresses": [f"user{i}@example.net"]}}
                for i in range(start, min(start + 50, count))
            ],
        )["BulkEmailEntryResults"]
        message_ids.update(r["MessageId"] for r in results)
    return message_ids


def worker_env(db_url: str, smarthost: Sink) -> dict[str, str]:
    return {
        "OPENSES_DATABASE_URL": db_url,
        "OPENSES_VALIDATE_DESTINATIONS": "false",
        "OPENSES_DELIVERY_MODE": "relay",
        "OPENSES_SMTP_RELAY": smarthost.url,
        "OPENSES_DELIVERY_POLL_SECONDS": "0.05",
        "OPENSES_DELIVERY_LEASE_SECONDS": "2",
        "OPENSES_DELIVERY_BATCH_SIZE": "20",
        "OPENSES_DELIVERY_CONCURRENCY": "4",
        "OPENSES_DELIVERY_RETRY_BASE_SECONDS": "0.2",
        "OPENSES_DELIVERY_RETRY_MAX_SECONDS": "0.4",
    }


def test_kill_9_while_delivering_loses_nothing(db_url: str, tmp_path: Path) -> None:
    with sink(data_delay=0.02) as smarthost:
        message_ids = accept(db_url, smarthost, MESSAGES)
        assert len(message_ids) == MESSAGES
        log = tmp_path / "serve.log"
        port = free_port()
        process = serve_process(worker_env(db_url, smarthost), port, log)
        try:
            eventually(smarthost.message_ids, lambda got: len(got) > 0)
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
        before_restart = set(smarthost.message_ids())
        assert 0 < len(before_restart) < MESSAGES, "the kill came too late to prove anything"

        process = serve_process(worker_env(db_url, smarthost), port, log)
        try:
            got = eventually(
                smarthost.message_ids, lambda got: set(got) >= message_ids, deadline=60
            )
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
    assert set(got) == message_ids


def test_two_workers_share_a_postgresql_queue(backend: str, db_url: str, tmp_path: Path) -> None:
    if backend != "postgresql":
        pytest.skip("several workers share a queue only on PostgreSQL")
    with sink(data_delay=0.005) as smarthost:
        message_ids = accept(db_url, smarthost, 100)
        log = tmp_path / "workers.log"
        env = {**os.environ, **worker_env(db_url, smarthost)}
        env["OPENSES_DELIVERY_LEASE_SECONDS"] = "60"  # no lease runs out: no re-delivery
        with log.open("ab") as output:
            workers = [
                subprocess.Popen(
                    [sys.executable, "-m", "openses", "worker"],
                    env=env,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                )
                for _ in range(2)
            ]
        try:
            eventually(smarthost.message_ids, lambda got: set(got) >= message_ids, deadline=60)
            time.sleep(0.5)  # a message delivered twice would show up by now
        finally:
            for worker in workers:
                worker.send_signal(signal.SIGTERM)
            codes = [worker.wait(timeout=30) for worker in workers]
    assert codes == [0, 0], log.read_text()
    assert sorted(smarthost.message_ids()) == sorted(message_ids)
