"""Short leases, renewed while a publication is in flight: a dispatcher held up by a peer that
never answers keeps its claim past one lease, and after ``kill -9`` a restarted openses
publishes what the dead one had claimed within 15 seconds of starting (issue 18)."""

from __future__ import annotations

import datetime
import signal
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from openses.domain.clock import utc_now
from openses.store.database import make_engine
from openses.store.tables import publications
from tests.events.conftest import publishing_settings
from tests.events.peerside import collect, topic_with_queue
from tests.peer import AwsPeer
from tests.support import database_url, free_port, serve_in_thread, serve_process, unique

MESSAGES = 5
LEASE = 10.0  # the default OPENSES_PUBLISH_LEASE_SECONDS


@pytest.fixture
def db_url(backend: str, tmp_path: Path) -> Iterator[str]:
    with database_url(backend, str(tmp_path)) as url:
        yield url


@contextmanager
def black_hole() -> Iterator[str]:
    """An endpoint that accepts connections and reads requests but never answers."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            held.append(connection)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        for connection in held:
            connection.close()
        listener.close()


def leases(db_url: str) -> list[Any]:
    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            query = select(publications.c.status, publications.c.locked_until)
            return list(connection.execute(query).all())
    finally:
        engine.dispose()


def wait_for(check: Any, deadline: float) -> None:
    end = time.monotonic() + deadline
    while not check():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.1)


def test_a_killed_dispatchers_claim_is_published_soon_after_a_restart(
    db_url: str, peer: AwsPeer, tmp_path: Path
) -> None:
    topic = topic_with_queue(peer)
    quiet = publishing_settings(db_url, peer, dispatch_events=False)
    with serve_in_thread(quiet) as server:
        sesv2 = server.client("sesv2")
        domain = f"{unique('d')}.example.com"
        sesv2.create_email_identity(EmailIdentity=domain)
        name = unique("lease")
        sesv2.create_configuration_set(ConfigurationSetName=name)
        sesv2.create_configuration_set_event_destination(
            ConfigurationSetName=name,
            EventDestinationName="sns",
            EventDestination={
                "Enabled": True,
                "MatchingEventTypes": ["SEND"],
                "SnsDestination": {"TopicArn": topic.arn},
            },
        )
        for index in range(MESSAGES):
            sesv2.send_email(
                FromEmailAddress=f"sender@{domain}",
                Destination={"ToAddresses": [f"user{index}@example.net"]},
                Content={"Simple": {"Subject": {"Data": "hi"}, "Body": {"Text": {"Data": "x"}}}},
                ConfigurationSetName=name,
            )
    claimable = len(leases(db_url))  # the sends' events, and the destination's set-up notice
    assert claimable >= MESSAGES

    log = tmp_path / "serve.log"
    port = free_port()
    with black_hole() as hole:
        env = {
            "OPENSES_DATABASE_URL": db_url,
            "OPENSES_AWS_ENDPOINT_URL": hole,
            "OPENSES_PUBLISH_TIMEOUT_SECONDS": "120",
        }
        process = serve_process(env, port, log)
        try:
            wait_for(lambda: all(row.locked_until for row in leases(db_url)), deadline=30)
            first_end = max(row.locked_until for row in leases(db_url))
            # past the end of the first lease: the claim is still held, renewed
            time.sleep(max(0.0, (first_end - utc_now()).total_seconds()) + 2)
            now = utc_now()
            held = leases(db_url)
            assert {row.status for row in held} == {"pending"}
            assert all(row.locked_until > now for row in held), held
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
    last_end = max(row.locked_until for row in leases(db_url))
    assert last_end - utc_now() <= datetime.timedelta(seconds=LEASE)

    started = time.monotonic()
    process = serve_process(
        {"OPENSES_DATABASE_URL": db_url, "OPENSES_AWS_ENDPOINT_URL": peer.url}, port, log
    )
    try:
        arrived = collect(peer, topic.queue_url, claimable, deadline=30)
        elapsed = time.monotonic() - started
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    assert len(arrived) == claimable
    assert elapsed < 15, f"published {elapsed:.1f} s after the restart began"
