"""The delivery queue (issue 15): rows written in the send's transaction, claimed by the
delivery worker under a lease, settled with the events they cause.

Modelled on the publications outbox (store/publications.py): a claim moves ``next_attempt_at``
and ``locked_until`` to the end of the lease, so a row comes due again only if its worker died.
A claim also counts the attempt, and a settle names the count it claimed with: a worker whose
lease ran out and whose row was claimed again cannot settle it a second time (the mail may go
out twice, at least once, but each recipient's events are recorded once). On PostgreSQL the
claim skips rows another worker holds (FOR UPDATE SKIP LOCKED).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, bindparam, delete, exists, func, select, update

from openses.domain.clock import Clock
from openses.store import leases
from openses.store.database import reading
from openses.store.repository import AccountRegionRepository
from openses.store.rows import record_from_row
from openses.store.tables import deliveries, events, messages, publications
from openses.store.types import UtcDateTime

PENDING = leases.PENDING
DELIVERED = "delivered"
BOUNCED = "bounced"
PARTLY = "partly"  # some recipients delivered, some bounced

# statuses of a message with mail on its way, for the messages API and the send counts
QUEUED = "queued"
DELAYED = "delayed"


@dataclass(frozen=True, slots=True, kw_only=True)
class NewDelivery:
    message_id: str
    configuration_set: str | None
    identity: str
    route: str
    domain: str | None
    mail_from: str
    recipients: Sequence[str]
    tls_required: bool
    expires_at: datetime.datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class QueuedDelivery:
    id: int
    account_id: str
    region: str
    message_id: str
    configuration_set: str | None
    identity: str
    route: str
    domain: str | None
    mail_from: str
    recipients: list[str]
    tls_required: bool
    attempts: int  # counting the claim that returned the row: settle with it
    delayed: bool
    expires_at: datetime.datetime
    created_at: datetime.datetime


class DeliveryRepository(AccountRegionRepository):
    """The queue's rows within a unit of work (one account and region)."""

    def add(self, rows: Sequence[NewDelivery], now: datetime.datetime) -> None:
        if not rows:
            return
        self._connection.execute(
            deliveries.insert(),
            [
                {
                    **self._scope_params,
                    "message_id": row.message_id,
                    "configuration_set": row.configuration_set,
                    "identity": row.identity,
                    "route": row.route,
                    "domain": row.domain,
                    "mail_from": row.mail_from,
                    "recipients": list(row.recipients),
                    "tls_required": row.tls_required,
                    "status": PENDING,
                    "attempts": 0,
                    "delayed": False,
                    "next_attempt_at": now,
                    "expires_at": row.expires_at,
                    "created_at": now,
                }
                for row in rows
            ],
        )

    def owned(self, rows: Sequence[QueuedDelivery]) -> set[int]:
        """The ids among ``rows`` that are still these claims' (pending, not claimed again);
        locked on PostgreSQL until the transaction ends."""
        if not rows:
            return set()
        query = select(deliveries.c.id, deliveries.c.attempts).where(
            deliveries.c.id.in_([row.id for row in rows]), deliveries.c.status == PENDING
        )
        if self._connection.dialect.name == "postgresql":
            query = query.with_for_update()
        current = {row_id: attempts for row_id, attempts in self._connection.execute(query)}
        return {row.id for row in rows if current.get(row.id) == row.attempts}

    def record(self, results: Sequence[Settled]) -> None:
        """Write attempts' results (rows ``owned`` said are this worker's)."""
        retried = [r.params() for r in results if r.remaining]
        done = [r.params() for r in results if not r.remaining]
        if retried:
            self._connection.execute(_RETRY, retried)
        if done:
            self._connection.execute(_DONE, done)

    def mail_objects(self, message_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The events' ``mail`` object each message was stored with."""
        wanted = sorted(set(message_ids))
        rows = self._connection.execute(
            select(messages.c.message_id, messages.c.mail).where(
                messages.c.message_id.in_(wanted),
                self._owned(messages),
            )
        ).all()
        return {row[0]: row[1] for row in rows if row[1] is not None}

    def message_states(self, message_ids: Iterable[str]) -> dict[str, tuple[str, int]]:
        """Each message's status and how many of its rows are still pending."""
        wanted = sorted(set(message_ids))
        statuses: dict[str, str] = dict(
            self._connection.execute(
                select(messages.c.message_id, messages.c.status).where(
                    messages.c.message_id.in_(wanted),
                    self._owned(messages),
                )
            ).all()
        )
        pending: dict[str, int] = dict(
            self._connection.execute(
                select(deliveries.c.message_id, func.count())
                .where(deliveries.c.message_id.in_(wanted), deliveries.c.status == PENDING)
                .group_by(deliveries.c.message_id)
            ).all()
        )
        return {m: (str(status), int(pending.get(m, 0))) for m, status in statuses.items()}

    def set_message_statuses(self, statuses: dict[str, str]) -> None:
        by_status: dict[str, list[str]] = {}
        for message_id, status in statuses.items():
            by_status.setdefault(status, []).append(message_id)
        for status, ids in by_status.items():
            self._connection.execute(
                update(messages)
                .where(
                    messages.c.message_id.in_(ids),
                    self._owned(messages),
                )
                .values(status=status)
            )


@dataclass(frozen=True, slots=True, kw_only=True)
class Settled:
    """One attempt's result for its row: the recipients still to retry (none: settled)."""

    row: QueuedDelivery
    remaining: Sequence[str]
    status: str
    next_attempt_at: datetime.datetime | None
    delayed: bool
    error: str | None
    now: datetime.datetime

    def params(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            "row_id": self.row.id,
            "claimed": self.row.attempts,
            "left": list(self.remaining),
            "was_delayed": self.delayed,
            "error": self.error[:4000] if self.error else None,
        }
        if self.remaining:
            values["next_at"] = self.next_attempt_at
        else:
            values.update(final=self.status, at=self.now)
        return values


_MINE = (
    deliveries.c.id == bindparam("row_id"),
    deliveries.c.attempts == bindparam("claimed"),
    deliveries.c.status == PENDING,
)
_COMMON = {
    "recipients": bindparam("left", type_=deliveries.c.recipients.type),
    "locked_until": None,
    "delayed": bindparam("was_delayed"),
    "last_error": bindparam("error"),
}
_RETRY = (
    update(deliveries)
    .where(*_MINE)
    .values(**_COMMON, next_attempt_at=bindparam("next_at", type_=UtcDateTime()))
)
_DONE = (
    update(deliveries)
    .where(*_MINE)
    .values(**_COMMON, status=bindparam("final"), settled_at=bindparam("at", type_=UtcDateTime()))
)


def claim(
    engine: Engine, now: datetime.datetime, *, lease: datetime.timedelta, limit: int
) -> list[QueuedDelivery]:
    """Take up to ``limit`` due rows, oldest first, leased until ``now + lease``."""
    rows = leases.claim(
        engine,
        deliveries,
        now,
        lease=lease,
        limit=limit,
        attempts=deliveries.c.attempts + 1,
        first_attempt_at=func.coalesce(deliveries.c.first_attempt_at, now),
    )
    return [_queued(row._mapping) for row in rows]


def hold(
    engine: Engine, ids: Sequence[int], *, lease: datetime.timedelta, clock: Clock
) -> leases.Renewal:
    """Keeps the claimed rows ``ids`` leased while they are worked on (``with hold(...):``)."""
    return leases.Renewal(engine, deliveries, ids, lease=lease, clock=clock)


def raw_messages(engine: Engine, message_ids: Iterable[str]) -> dict[str, bytes]:
    """The stored MIME of each message (those kept; a message without one is not sent)."""
    wanted = sorted(set(message_ids))
    if not wanted:
        return {}
    with reading(engine) as connection:
        rows = connection.execute(
            select(messages.c.message_id, messages.c.raw).where(messages.c.message_id.in_(wanted))
        ).all()
    return {row[0]: bytes(row[1]) for row in rows if row[1] is not None}


def counts(engine: Engine) -> dict[str, int]:
    with reading(engine) as connection:
        rows = connection.execute(
            select(deliveries.c.status, func.count()).group_by(deliveries.c.status)
        ).all()
    return {status: int(count) for status, count in rows}


PRUNE_BATCH = 500


def prune(engine: Engine, before: datetime.datetime) -> int:
    """Forget messages accepted before ``before`` (with their events, settled deliveries and
    published publications), except those with mail still to deliver. Returns how many
    messages went."""
    removed = 0
    while True:
        with engine.begin() as connection:
            still_queued = exists().where(
                deliveries.c.message_id == messages.c.message_id,
                deliveries.c.status == PENDING,
            )
            ids = list(
                connection.execute(
                    select(messages.c.message_id)
                    .where(messages.c.created_at < before, ~still_queued)
                    .limit(PRUNE_BATCH)
                ).scalars()
            )
            if ids:
                connection.execute(delete(events).where(events.c.message_id.in_(ids)))
                connection.execute(delete(deliveries).where(deliveries.c.message_id.in_(ids)))
                connection.execute(delete(messages).where(messages.c.message_id.in_(ids)))
            if len(ids) < PRUNE_BATCH:
                connection.execute(
                    delete(publications).where(
                        publications.c.status == "published", publications.c.created_at < before
                    )
                )
        removed += len(ids)
        if len(ids) < PRUNE_BATCH:
            return removed


def _queued(row: Any) -> QueuedDelivery:
    return record_from_row(
        QueuedDelivery,
        row,
        recipients=list(row["recipients"]),
        tls_required=bool(row["tls_required"]),
        attempts=int(row["attempts"]) + 1,
        delayed=bool(row["delayed"]),
    )
