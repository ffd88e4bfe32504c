"""The dispatcher's queries over the ``deliveries`` outbox rows: claim with a lease, settle,
dead-letter, list and retry. outbox.py writes the rows; no other module touches them.

A claim moves ``next_attempt_at`` (and ``locked_until``) to the end of the lease, so a row is
due again only when its worker neither settled it nor came back in time, e.g. after a crash.
On PostgreSQL the claim skips rows another dispatcher holds locked (FOR UPDATE SKIP LOCKED).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, and_, func, select, update

from openses.store.database import reading
from openses.store.outbox import DEAD, DELIVERED, PENDING
from openses.store.tables import deliveries

Payload = dict[str, Any] | str


@dataclass(frozen=True, slots=True, kw_only=True)
class Delivery:
    id: int
    account_id: str
    region: str
    message_id: str | None
    configuration_set: str | None
    destination_name: str | None
    kind: str
    target: dict[str, Any]
    payload: Payload
    status: str
    attempts: int
    next_attempt_at: datetime.datetime
    last_error: str | None
    created_at: datetime.datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class Failure:
    id: int
    error: str
    next_attempt_at: datetime.datetime | None  # None: give up, dead-letter it


def claim(
    engine: Engine, now: datetime.datetime, *, lease: datetime.timedelta, limit: int
) -> list[Delivery]:
    """Take up to ``limit`` due rows, oldest first, leased until ``now + lease``."""
    due = (deliveries.c.status == PENDING, deliveries.c.next_attempt_at <= now)
    # Look before locking: an idle poll must not take SQLite's write lock.
    with reading(engine) as connection:
        if connection.execute(select(deliveries.c.id).where(*due).limit(1)).first() is None:
            return []
    with engine.begin() as connection:
        query = (
            select(deliveries)
            .where(*due)
            .order_by(deliveries.c.next_attempt_at, deliveries.c.id)
            .limit(limit)
        )
        if connection.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        rows = connection.execute(query).all()
        if not rows:
            return []
        until = now + lease
        connection.execute(
            update(deliveries)
            .where(deliveries.c.id.in_([row.id for row in rows]))
            .values(next_attempt_at=until, locked_until=until)
        )
    return [_delivery(row._mapping) for row in rows]


def settle(
    engine: Engine,
    now: datetime.datetime,
    *,
    delivered: Sequence[int],
    failed: Sequence[Failure],
) -> None:
    """Record one round's results in one transaction."""
    with engine.begin() as connection:
        if delivered:
            connection.execute(
                update(deliveries)
                .where(deliveries.c.id.in_(list(delivered)), deliveries.c.status == PENDING)
                .values(status=DELIVERED, delivered_at=now, locked_until=None, last_error=None)
            )
        for failure in failed:
            values: dict[str, Any] = {
                "attempts": deliveries.c.attempts + 1,
                "last_error": failure.error[:4000],
                "locked_until": None,
            }
            if failure.next_attempt_at is None:
                values["status"] = DEAD
            else:
                values["next_attempt_at"] = failure.next_attempt_at
            connection.execute(
                update(deliveries)
                .where(deliveries.c.id == failure.id, deliveries.c.status == PENDING)
                .values(**values)
            )


def list_dead(
    engine: Engine, *, limit: int = 1000, ids: Sequence[int] | None = None
) -> list[Delivery]:
    """Dead letters by id; only those among ``ids`` when given."""
    condition = deliveries.c.status == DEAD
    if ids is not None:
        condition = and_(condition, deliveries.c.id.in_(list(ids)))
    with reading(engine) as connection:
        rows = connection.execute(
            select(deliveries).where(condition).order_by(deliveries.c.id).limit(limit)
        ).all()
    return [_delivery(row._mapping) for row in rows]


def retry_dead(engine: Engine, now: datetime.datetime, ids: Sequence[int] | None = None) -> int:
    """Put dead letters back in the queue with a fresh attempt count; ``None`` means all."""
    condition = deliveries.c.status == DEAD
    if ids is not None:
        condition = and_(condition, deliveries.c.id.in_(list(ids)))
    with engine.begin() as connection:
        result = connection.execute(
            update(deliveries)
            .where(condition)
            .values(status=PENDING, attempts=0, next_attempt_at=now, locked_until=None)
        )
    return int(result.rowcount)


def counts(engine: Engine) -> dict[tuple[str, str], int]:
    """Rows per (kind, status), for the operator's gauges."""
    with reading(engine) as connection:
        rows = connection.execute(
            select(deliveries.c.kind, deliveries.c.status, func.count()).group_by(
                deliveries.c.kind, deliveries.c.status
            )
        ).all()
    return {(kind, status): int(count) for kind, status, count in rows}


def _delivery(row: Any) -> Delivery:
    return Delivery(
        id=row["id"],
        account_id=row["account_id"],
        region=row["region"],
        message_id=row["message_id"],
        configuration_set=row["configuration_set"],
        destination_name=row["destination_name"],
        kind=row["kind"],
        target=row["target"],
        payload=row["payload"],
        status=row["status"],
        attempts=row["attempts"],
        next_attempt_at=_aware(row["next_attempt_at"]),
        last_error=row["last_error"],
        created_at=_aware(row["created_at"]),
    )


def _aware(moment: datetime.datetime) -> datetime.datetime:
    # SQLite hands back naive datetimes; everything openses stores is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)
