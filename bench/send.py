"""The send benchmark: SendEmail (v2) through a configuration set whose SNS destination is a
topic on the moto peer, subscribed by an SQS queue that is drained while the load runs.

Event latency is the queue's SentTimestamp minus the event's ``mail.timestamp`` (when openses
accepted the send); both clocks are this machine's.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import statistics
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from bench import load
from bench.clients import client
from bench.processes import Server
from openses.store.database import make_engine
from openses.store.tables import publications

FROM = "bench@example.com"
TO = "reader@example.com"
# Stop waiting for events once none has arrived for this long after the load ended.
QUIET_SECONDS = 20.0
DRAINERS = 4


@dataclass
class SendResult:
    load: load.Result
    expected_events: int | None = None
    received_events: int = 0
    # an event received again: published more than once (distinct SNS message ids), or the
    # same SNS message delivered again by SQS (not deleted within its visibility timeout)
    duplicates: int = 0
    redelivered: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    # the outbox's publication rows by status once the wait ended
    outbox: dict[str, int] = field(default_factory=dict)
    note: str = ""

    @property
    def lost(self) -> int | None:
        if self.expected_events is None:
            return None
        return self.expected_events - self.received_events

    def percentile(self, p: float) -> float | None:
        if len(self.latencies_ms) < 2:
            return self.latencies_ms[0] if self.latencies_ms else None
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[int(p) - 1]


def run_moto(server: Server, seconds: float) -> SendResult:
    """moto accepts SendEmail once the sender is verified; it publishes no events."""
    client(server.url, "ses").verify_email_identity(EmailAddress=FROM)
    load.run(server.url, "send", min(1.0, seconds), set="bench-send", **_addresses())
    result = load.run(server.url, "send", seconds, set="bench-send", **_addresses())
    return SendResult(result, note="moto publishes no events")


def run_openses(server: Server, peer: Server, database_url: str, seconds: float) -> SendResult:
    """As fast as wrk's 16 connections go."""
    return _with_events(
        server,
        peer,
        database_url,
        lambda set_name: load.run(server.url, "send", seconds, set=set_name, **_addresses()),
    )


def run_paced(
    server: Server, peer: Server, database_url: str, seconds: float, rate: float
) -> SendResult:
    """At ``rate`` sends a second from one client: the event latency openses adds when the
    peer keeps up (moto's SNS delivers 80 to 130 events a second to SQS, by machine)."""
    sesv2 = client(server.url, "sesv2")
    return _with_events(
        server, peer, database_url, lambda set_name: _paced(sesv2, set_name, seconds, rate)
    )


def _with_events(
    server: Server, peer: Server, database_url: str, sends: Callable[[str], load.Result]
) -> SendResult:
    """A fresh set with an SNS destination, a subscribed queue drained meanwhile, the sends,
    then the wait for their events."""
    set_name = f"bench-send-{uuid.uuid4().hex[:8]}"
    queue_url = _subscribed_queue(peer, set_name)
    topic_arn = _topic_arn(peer, set_name)
    sesv2 = client(server.url, "sesv2")
    with contextlib.suppress(sesv2.exceptions.AlreadyExistsException):
        sesv2.create_email_identity(EmailIdentity="example.com")
    sesv2.create_configuration_set(ConfigurationSetName=set_name)
    sesv2.create_configuration_set_event_destination(
        ConfigurationSetName=set_name,
        EventDestinationName="to-sns",
        EventDestination={
            "Enabled": True,
            "MatchingEventTypes": ["SEND", "DELIVERY"],
            "SnsDestination": {"TopicArn": topic_arn},
        },
    )
    drain = _Drain(peer, queue_url)
    drain.start()
    try:
        result = SendResult(sends(set_name))
        # Sends still in flight when the load stopped may add events: recount while waiting.
        drain.wait(lambda: sum(_recorded_publications(database_url, set_name).values()))
    finally:
        drain.stop()
    result.outbox = _recorded_publications(database_url, set_name)
    result.expected_events = sum(result.outbox.values())
    if drain.errors:
        result.note = f"{len(drain.errors)} queue read errors, first: {drain.errors[0]}"
    result.received_events = len(drain.latencies)
    result.duplicates = drain.duplicates
    result.redelivered = drain.redelivered
    result.latencies_ms = sorted(drain.latencies.values())
    return result


def _paced(sesv2: Any, set_name: str, seconds: float, rate: float) -> load.Result:
    """SendEmail on a fixed schedule; a late send goes at once, never in a burst to catch up."""
    latencies: list[float] = []
    errors = 0
    start = time.monotonic()
    for index in range(round(seconds * rate)):
        pause = start + index / rate - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        began = time.perf_counter()
        try:
            sesv2.send_email(
                FromEmailAddress=FROM,
                Destination={"ToAddresses": [TO]},
                Content={"Simple": {"Subject": {"Data": "Paced"}, "Body": {"Text": {"Data": "."}}}},
                ConfigurationSetName=set_name,
            )
        except Exception:
            errors += 1
        latencies.append((time.perf_counter() - began) * 1000)
    quantiles = statistics.quantiles(latencies, n=100, method="inclusive")
    return load.Result(
        requests=len(latencies),
        seconds=time.monotonic() - start,
        p50_ms=quantiles[49],
        p99_ms=quantiles[98],
        status_errors=errors,
        socket_errors=0,
    )


def _addresses() -> dict[str, str]:
    return {"from": FROM, "to": TO}


def _subscribed_queue(peer: Server, name: str) -> str:
    sns, sqs = client(peer.url, "sns"), client(peer.url, "sqs")
    topic_arn = sns.create_topic(Name=name)["TopicArn"]
    queue_url = sqs.create_queue(QueueName=name)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)
    return str(queue_url)


def _topic_arn(peer: Server, name: str) -> str:
    return str(client(peer.url, "sns").create_topic(Name=name)["TopicArn"])


def _recorded_publications(database_url: str, set_name: str) -> dict[str, int]:
    """Events openses recorded for SNS, by status (read-only, from its outbox table)."""
    engine = make_engine(database_url)
    try:
        with engine.connect().execution_options(openses_write=False) as connection:
            query = (
                select(publications.c.status, func.count())
                .where(publications.c.configuration_set == set_name)
                .group_by(publications.c.status)
            )
            return {str(status): int(count) for status, count in connection.execute(query)}
    finally:
        engine.dispose()


class _Drain:
    """Threads that receive and delete from the queue, keeping one latency per event."""

    def __init__(self, peer: Server, queue_url: str) -> None:
        self._peer = peer
        self._queue_url = queue_url
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._loop, daemon=True) for _ in range(DRAINERS)]
        self.latencies: dict[tuple[str, str], float] = {}
        self._sns_ids: dict[tuple[str, str], str] = {}
        self.duplicates = 0
        self.redelivered = 0
        self.errors: list[str] = []
        self.last_arrival = time.monotonic()

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def wait(self, expected: Callable[[], int]) -> None:
        """Until every recorded event arrived, or none arrived for QUIET_SECONDS."""
        self.last_arrival = time.monotonic()
        while len(self.latencies) < expected():
            if time.monotonic() - self.last_arrival > QUIET_SECONDS:
                return
            time.sleep(0.5)

    def _loop(self) -> None:
        sqs = client(self._peer.url, "sqs")
        while not self._stop.is_set():
            try:
                self._receive(sqs)
            except Exception as exc:
                with self._lock:
                    self.errors.append(f"{type(exc).__name__}: {exc}")
                time.sleep(0.5)

    def _receive(self, sqs: Any) -> None:
        answer = sqs.receive_message(
            QueueUrl=self._queue_url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=1,
            AttributeNames=["SentTimestamp"],
        )
        messages = answer.get("Messages", [])
        if not messages:
            return
        for message in messages:
            self._record(message)
        sqs.delete_message_batch(
            QueueUrl=self._queue_url,
            Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)
            ],
        )

    def _record(self, message: dict[str, Any]) -> None:
        notification = json.loads(message["Body"])
        text = notification["Message"]
        if not text.startswith("{"):
            return  # the topic's validation notice, sent when the destination was created
        event = json.loads(text)
        key = (event["mail"]["messageId"], event["eventType"])
        accepted = datetime.datetime.fromisoformat(event["mail"]["timestamp"])
        arrived_ms = int(message["Attributes"]["SentTimestamp"])
        latency = arrived_ms - accepted.timestamp() * 1000
        with self._lock:
            self.last_arrival = time.monotonic()
            if key not in self.latencies:
                self.latencies[key] = latency
                self._sns_ids[key] = notification["MessageId"]
            elif self._sns_ids[key] == notification["MessageId"]:
                self.redelivered += 1
            else:
                self.duplicates += 1
