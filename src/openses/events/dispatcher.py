"""The dispatcher: drains the ``publications`` outbox to the event destinations, at least once.

Each round claims due rows under a lease, groups them per target, publishes the groups in
parallel threads and settles each group as it finishes: published, retried later with
exponential backoff and jitter, or dead-lettered after too many attempts or too long. A row
whose worker died is due again when its lease ends: the lease is short, and renewed while
the round is in flight. It runs in its own thread, so neither a
slow peer nor a dead one holds up sending or the API.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import logging
import random
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed

from sqlalchemy import Engine

from openses import background
from openses.background import BackgroundThread
from openses.config import PublishSettings, Settings
from openses.domain.clock import Clock, utc_now
from openses.events.aws import AwsClients
from openses.events.metrics import PublicationMetrics
from openses.events.publishers import Failures, Item, Publisher
from openses.events.publishers.cloudwatch import CloudWatchPublisher
from openses.events.publishers.eventbridge import EventBridgePublisher
from openses.events.publishers.firehose import FirehosePublisher
from openses.events.publishers.pinpoint import PinpointPublisher
from openses.events.publishers.reputation import ReputationPublisher
from openses.events.publishers.sns import SnsPublisher
from openses.events.reputation import KIND as REPUTATION
from openses.events.reputation import ReputationJob
from openses.store import publications
from openses.store.database import log_failure
from openses.store.outbox import CommitSignal
from openses.store.publications import Failure, Publication

log = logging.getLogger("openses.events")
PARALLEL_TARGETS = 8


def publishers(settings: Settings) -> dict[str, Publisher]:
    clients = AwsClients(settings)
    return {
        "sns": SnsPublisher(clients),
        "firehose": FirehosePublisher(clients),
        "cloudwatch": CloudWatchPublisher(clients, namespace=settings.cloudwatch_namespace),
        "eventbridge": EventBridgePublisher(clients, source=settings.eventbridge_source),
        "pinpoint": PinpointPublisher(clients),
        REPUTATION: ReputationPublisher(clients, namespace=settings.cloudwatch_namespace),
    }


class Dispatcher:
    def __init__(
        self,
        engine: Engine,
        policy: PublishSettings,
        publishers: Mapping[str, Publisher],
        metrics: PublicationMetrics,
        *,
        signal: CommitSignal | None = None,
        clock: Clock = utc_now,
        jitter: Callable[[], float] = random.random,
        reputation: ReputationJob | None = None,
    ) -> None:
        self._engine = engine
        # issue 17: assesses and publishes the reputation metrics when due, between rounds
        self._reputation = reputation
        # raised by this process's commits of publications (``bootstrap.py`` shares it)
        self.signal = signal if signal is not None else CommitSignal()
        self._policy = policy
        self._publishers = publishers
        self._metrics = metrics
        self._clock = clock
        self._jitter = jitter
        self._pool = ThreadPoolExecutor(PARALLEL_TARGETS, thread_name_prefix="openses-publish")

    def run_once(self) -> int:
        """One round; returns how many rows it claimed."""
        lease = datetime.timedelta(seconds=self._policy.lease_seconds)
        claimed = publications.claim(
            self._engine, self._clock(), lease=lease, limit=self._policy.batch_size
        )
        groups: dict[tuple[str, str, str], list[Publication]] = {}
        for row in claimed:
            key = (row.kind, row.region, json.dumps(row.target, sort_keys=True))
            groups.setdefault(key, []).append(row)
        ids = [row.id for row in claimed]
        with publications.hold(self._engine, ids, lease=lease, clock=self._clock):
            futures = {self._pool.submit(self._publish, rows): rows for rows in groups.values()}
            for future in as_completed(futures):
                self._settle(futures[future], future.result())
        return len(claimed)

    def run(self, stop: threading.Event) -> None:
        """Rounds back to back while there is work; when a round finds none, wait for the next
        poll or for this process to commit new outbox rows, whichever comes first."""
        while not stop.is_set():
            self.signal.clear()
            if self._reputation is not None:
                self._reputation.tick()
            try:
                claimed = self.run_once()
            except Exception as error:
                log_failure(log, "event dispatch round failed", error)
                claimed = 0
            if claimed == 0 and not stop.is_set():
                self.signal.wait(self._policy.poll_seconds)

    def close(self) -> None:
        self._pool.shutdown(wait=True)

    def _publish(self, rows: Sequence[Publication]) -> Failures:
        first = rows[0]
        publisher = self._publishers.get(first.kind)
        if publisher is None:
            return {row.id: f"no publisher for destination kind {first.kind}" for row in rows}
        items = [Item(row.id, row.payload) for row in rows]
        try:
            return publisher.publish(first.target, items, region=first.region)
        except Exception as error:  # a bad target must not stop the round
            log.exception("publishing to %s %s failed", first.kind, first.target)
            reason = f"{type(error).__name__}: {error}"
            return {row.id: reason for row in rows}

    def _settle(self, rows: Sequence[Publication], failures: Failures) -> None:
        now = self._clock()
        kind = rows[0].kind
        failed = [self._failure(row, failures[row.id], now) for row in rows if row.id in failures]
        published = [row.id for row in rows if row.id not in failures]
        publications.settle(self._engine, now, published=published, failed=failed)
        self._metrics.published.labels(kind).inc(len(published))
        dead = sum(1 for failure in failed if failure.next_attempt_at is None)
        self._metrics.retried.labels(kind).inc(len(failed) - dead)
        self._metrics.dead_lettered.labels(kind).inc(dead)
        if failed:
            log.warning(
                "%d of %d %s publications failed (%d dead-lettered): %s",
                len(failed),
                len(rows),
                kind,
                dead,
                failed[0].error,
            )

    def _failure(self, row: Publication, error: str, now: datetime.datetime) -> Failure:
        attempts = row.attempts + 1
        too_old = now - row.created_at >= datetime.timedelta(seconds=self._policy.max_age_seconds)
        if attempts >= self._policy.max_attempts or too_old:
            return Failure(id=row.id, error=error, next_attempt_at=None)
        return Failure(id=row.id, error=error, next_attempt_at=now + self.backoff(attempts))

    def backoff(self, attempts: int) -> datetime.timedelta:
        """Exponential, capped, with "equal jitter": half fixed, half random."""
        policy = self._policy
        ceiling = min(policy.backoff_max_seconds, policy.backoff_base_seconds * 2 ** (attempts - 1))
        return datetime.timedelta(seconds=ceiling / 2 + ceiling / 2 * self._jitter())


def thread(dispatcher: Dispatcher) -> BackgroundThread:
    """The dispatcher on a daemon thread, stopped and joined on shutdown; stopping also ends
    its wait for new rows rather than at the next poll."""
    return BackgroundThread(dispatcher, "openses-dispatcher", wake=dispatcher.signal.notify)


def build(
    engine: Engine,
    settings: Settings,
    metrics: PublicationMetrics,
    *,
    signal: CommitSignal | None = None,
    publishing: Mapping[str, Publisher] | None = None,
    clock: Clock = utc_now,
) -> Dispatcher:
    """The dispatcher wired to the AWS publishers that ``settings`` point at (or to
    ``publishing``), woken by ``signal``."""
    chosen = publishing if publishing is not None else publishers(settings)
    return Dispatcher(
        engine,
        settings.publish,
        chosen,
        metrics,
        signal=signal,
        clock=clock,
        reputation=ReputationJob(engine, settings.reputation, clock=clock),
    )


def lifespan(
    dispatcher: Dispatcher | None,
) -> Callable[[object], contextlib.AbstractAsyncContextManager[None]]:
    """The ASGI lifespan that runs ``dispatcher`` while the app serves (nothing if None)."""
    return background.lifespan(thread(dispatcher) if dispatcher is not None else None)
