"""The delivery worker: drains the ``deliveries`` queue, at least once.

Each round claims due rows under a lease, reads their messages, hands them to the
MailTransport in parallel threads (a relay's rows in a few batches that reuse a connection,
a recipient domain's rows together), and settles every attempt with its events in one
transaction per account and region. A row whose worker died comes due again when its lease
ends. It also forgets messages older than OPENSES_MESSAGE_RETENTION. It runs in its own
thread, in ``openses serve`` beside the event dispatcher and in ``openses worker``.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import math
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed

from sqlalchemy import Engine

from openses import background
from openses.background import BackgroundThread
from openses.config import DeliverySettings
from openses.delivery.routes import RouteTable
from openses.delivery.transport import MailTransport
from openses.domain import smtp_reply as outcomes
from openses.domain.clock import Clock, utc_now
from openses.domain.delivery_attempt import Attempt, Envelope, RecipientResult, Verdict
from openses.domain.smtp_reply import INTERNAL
from openses.services import deliveries as settling
from openses.store import deliveries, receipt_rules
from openses.store import returns as stored_returns
from openses.store.database import log_failure
from openses.store.deliveries import QueuedDelivery
from openses.store.outbox import CommitSignal
from openses.store.sources import EngineSource
from openses.store.unit_of_work import UnitOfWork

log = logging.getLogger("openses.delivery")
PRUNE_EVERY = datetime.timedelta(seconds=60)


class DeliveryWorker:
    def __init__(
        self,
        engine: Engine,
        settings: DeliverySettings,
        routes: RouteTable,
        transport: MailTransport,
        *,
        hostname: str,
        clock: Clock = utc_now,
        signal: CommitSignal | None = None,
    ) -> None:
        self._engine = engine
        # the events a settle records wake this process's dispatcher (store/outbox.py)
        self._writes = EngineSource(engine, write=True, signal=signal)
        self._settings = settings
        self._routes = routes
        self._transport = transport
        self._hostname = hostname
        self._clock = clock
        self._retry = settling.RetryPolicy(
            base_seconds=settings.retry_base_seconds, max_seconds=settings.retry_max_seconds
        )
        self._pool = ThreadPoolExecutor(
            max(1, settings.concurrency), thread_name_prefix="openses-deliver"
        )
        self._pruned_at: datetime.datetime | None = None

    @property
    def delivers(self) -> bool:
        return self._settings.sends_for_real

    def run_once(self) -> int:
        """One round; returns how many rows it claimed."""
        self._prune()
        if not self.delivers:
            return 0
        lease = datetime.timedelta(seconds=self._settings.lease_seconds)
        claimed = deliveries.claim(
            self._engine, self._clock(), lease=lease, limit=self._settings.batch_size
        )
        if not claimed:
            return 0
        ids = [row.id for row in claimed]
        with deliveries.hold(self._engine, ids, lease=lease, clock=self._clock):
            contents = deliveries.raw_messages(self._engine, (row.message_id for row in claimed))
            attempts: dict[int, Attempt] = {}
            jobs: list[tuple[str, list[Envelope]]] = []
            for route_name, envelopes in self._groups(claimed, contents, attempts):
                jobs.extend((route_name, chunk) for chunk in self._chunks(route_name, envelopes))
            futures = {self._pool.submit(self._deliver, n, chunk): chunk for n, chunk in jobs}
            for future in as_completed(futures):
                for attempt in future.result():
                    attempts[attempt.key] = attempt
            self._settle(claimed, attempts)
        return len(claimed)

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                claimed = self.run_once()
            except Exception as error:
                log_failure(log, "delivery round failed", error)
                claimed = 0
            if claimed == 0:
                stop.wait(self._settings.poll_seconds)

    def close(self) -> None:
        self._pool.shutdown(wait=True)

    def _groups(
        self,
        claimed: Sequence[QueuedDelivery],
        contents: dict[str, bytes],
        attempts: dict[int, Attempt],
    ) -> list[tuple[str, list[Envelope]]]:
        groups: dict[tuple[str, str | None], list[Envelope]] = {}
        for row in claimed:
            data = contents.get(row.message_id)
            if data is None:
                attempts[row.id] = self._failed(row.id, row.recipients, outcomes.NO_CONTENT)
                continue
            groups.setdefault((row.route, row.domain), []).append(
                Envelope(
                    key=row.id,
                    mail_from=row.mail_from,
                    recipients=row.recipients,
                    data=data,
                    tls_required=row.tls_required,
                    domain=row.domain,
                )
            )
        return [(route, envelopes) for (route, _), envelopes in groups.items()]

    def _chunks(self, route_name: str, envelopes: list[Envelope]) -> list[list[Envelope]]:
        """A relay's messages in about one batch per thread; a domain's stay together."""
        if self._routes.get(route_name).direct:
            return [envelopes]
        size = max(1, math.ceil(len(envelopes) / max(1, self._settings.concurrency)))
        return [envelopes[i : i + size] for i in range(0, len(envelopes), size)]

    def _deliver(self, route_name: str, envelopes: list[Envelope]) -> list[Attempt]:
        try:
            return self._transport.deliver(self._routes.get(route_name), envelopes)
        except Exception:  # a bug must not lose the mail: it is retried like a 4xx
            log.exception("delivering through route %s failed", route_name)
            return [self._failed(e.key, e.recipients, outcomes.INTERNAL) for e in envelopes]

    def _failed(self, key: int, recipients: Sequence[str], reply: outcomes.Reply) -> Attempt:
        return Attempt(
            key=key,
            results=[
                RecipientResult(address=r, verdict=Verdict.DEFERRED, reply=reply)
                for r in recipients
            ],
            finished_at=self._clock(),
        )

    def _settle(self, claimed: Sequence[QueuedDelivery], attempts: dict[int, Attempt]) -> None:
        scopes: dict[tuple[str, str], list[QueuedDelivery]] = {}
        for row in claimed:
            scopes.setdefault((row.account_id, row.region), []).append(row)
        for (account_id, region), rows in scopes.items():
            try:
                results = [
                    (row, attempts.get(row.id) or self._failed(row.id, row.recipients, INTERNAL))
                    for row in rows
                ]
                with UnitOfWork(self._writes, account_id, region) as uow:
                    settling.settle(
                        uow,
                        results,
                        self._clock(),
                        retry=self._retry,
                        reporting_mta=self._hostname,
                    )
                    uow.commit()
            except Exception as error:
                # the rows come due again when their lease ends: delivered at least once
                log_failure(log, f"settling {len(rows)} deliveries failed", error)

    def _prune(self) -> None:
        retention = self._settings.retention_seconds
        if retention is None:
            return
        now = self._clock()
        every = min(PRUNE_EVERY, datetime.timedelta(seconds=retention / 10))
        if self._pruned_at is not None and now - self._pruned_at < every:
            return
        self._pruned_at = now
        before = now - datetime.timedelta(seconds=retention)
        removed = deliveries.prune(self._engine, before)
        if removed:
            log.info("forgot %d messages older than the retention period", removed)
        # issue 16: received mail and returns are kept as long as sent messages
        received = receipt_rules.prune_received(self._engine, before)
        returned = stored_returns.prune(self._engine, before)
        if received or returned:
            log.info("forgot %d received messages and %d returns", received, returned)


def thread(worker: DeliveryWorker) -> BackgroundThread:
    """The worker on a daemon thread, stopped and joined on shutdown."""
    return BackgroundThread(worker, "openses-delivery")


def lifespan(
    worker: DeliveryWorker | None,
) -> Callable[[object], contextlib.AbstractAsyncContextManager[None]]:
    """The ASGI lifespan that runs ``worker`` while the app serves (nothing if None)."""
    return background.lifespan(thread(worker) if worker is not None else None)
