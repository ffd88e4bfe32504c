"""The dispatcher's queries over the ``publications`` outbox rows: claim with a lease, settle,
dead-letter, list and retry. outbox.py writes the rows; no other module touches them.

A claim moves ``next_attempt_at`` (and ``locked_until``) to the end of the lease, so a row is
due again only when its worker neither settled it nor came back in time, e.g. after a crash.
The claim itself is store/leases.py's, shared with the delivery queue.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, and_, func, select, update

from openses.domain.clock import Clock
from openses.store import leases
from openses.store.database import reading
from openses.store.outbox import DEAD, PENDING, PUBLISHED
from openses.store.rows import record_from_row
from openses.store.scoped import within
from openses.store.tables import publications

Payload = dict[str, Any] | str


@dataclass(frozen=True, slots=True, kw_only=True)
class Publication:
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
) -> list[Publication]:
    """Take up to ``limit`` due rows, oldest first, leased until ``now + lease``."""
    rows = leases.claim(engine, publications, now, lease=lease, limit=limit)
    return [_publication(row._mapping) for row in rows]


def hold(
    engine: Engine, ids: Sequence[int], *, lease: datetime.timedelta, clock: Clock
) -> leases.Renewal:
    """Keeps the claimed rows ``ids`` leased while they are worked on (``with hold(...):``)."""
    return leases.Renewal(engine, publications, ids, lease=lease, clock=clock)


def settle(
    engine: Engine,
    now: datetime.datetime,
    *,
    published: Sequence[int],
    failed: Sequence[Failure],
) -> None:
    """Record one round's results in one transaction."""
    with engine.begin() as connection:
        if published:
            connection.execute(
                update(publications)
                .where(publications.c.id.in_(list(published)), publications.c.status == PENDING)
                .values(status=PUBLISHED, published_at=now, locked_until=None, last_error=None)
            )
        for failure in failed:
            values: dict[str, Any] = {
                "attempts": publications.c.attempts + 1,
                "last_error": failure.error[:4000],
                "locked_until": None,
            }
            if failure.next_attempt_at is None:
                values["status"] = DEAD
            else:
                values["next_attempt_at"] = failure.next_attempt_at
            connection.execute(
                update(publications)
                .where(publications.c.id == failure.id, publications.c.status == PENDING)
                .values(**values)
            )


def list_dead(
    engine: Engine,
    *,
    limit: int = 1000,
    ids: Sequence[int] | None = None,
    account_id: str | None = None,
    region: str | None = None,
) -> list[Publication]:
    """Dead letters by id; only those among ``ids`` when given, and of one account and region
    when those are given (issue 18)."""
    condition = and_(publications.c.status == DEAD, within(publications, account_id, region))
    if ids is not None:
        condition = and_(condition, publications.c.id.in_(list(ids)))
    with reading(engine) as connection:
        rows = connection.execute(
            select(publications).where(condition).order_by(publications.c.id).limit(limit)
        ).all()
    return [_publication(row._mapping) for row in rows]


def retry_dead(
    engine: Engine,
    now: datetime.datetime,
    ids: Sequence[int] | None = None,
    *,
    account_id: str | None = None,
    region: str | None = None,
) -> int:
    """Put dead letters back in the queue with a fresh attempt count; ``None`` means all (of
    the account and region, when those are given)."""
    condition = and_(publications.c.status == DEAD, within(publications, account_id, region))
    if ids is not None:
        condition = and_(condition, publications.c.id.in_(list(ids)))
    with engine.begin() as connection:
        result = connection.execute(
            update(publications)
            .where(condition)
            .values(status=PENDING, attempts=0, next_attempt_at=now, locked_until=None)
        )
    return int(result.rowcount)


def counts(engine: Engine) -> dict[tuple[str, str], int]:
    """Rows per (kind, status), for the operator's gauges."""
    with reading(engine) as connection:
        rows = connection.execute(
            select(publications.c.kind, publications.c.status, func.count()).group_by(
                publications.c.kind, publications.c.status
            )
        ).all()
    return {(kind, status): int(count) for kind, status, count in rows}


def _publication(row: Any) -> Publication:
    return record_from_row(Publication, row)
