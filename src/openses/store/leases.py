"""The claim that both work queues make, the delivery queue (deliveries.py) and the
publications outbox (publications.py): due ``pending`` rows, oldest first, leased by moving
``next_attempt_at`` and ``locked_until`` to the end of the lease. On PostgreSQL the claim skips
rows another worker holds locked (FOR UPDATE SKIP LOCKED). While the work is in flight a
``Renewal`` keeps the lease short-lived but held."""

from __future__ import annotations

import datetime
import logging
import threading
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Engine, Row, Table, select, update

from openses.domain.clock import Clock
from openses.store.database import log_failure, reading

log = logging.getLogger("openses.store")

PENDING = "pending"


def take(
    engine: Engine,
    table: Table,
    where: Sequence[ColumnElement[bool]],
    *,
    order_by: Sequence[ColumnElement[Any]],
    limit: int,
    values: Mapping[str, Any],
) -> Sequence[Row[Any]]:
    """Take up to ``limit`` rows of ``table`` that meet ``where``, the first in ``order_by``,
    and set ``values`` on them, in one transaction; on PostgreSQL rows another worker holds
    locked are skipped. An idle poll (no such row) only reads."""
    with reading(engine) as connection:  # an idle poll must not take SQLite's write lock
        if connection.execute(select(table.c.id).where(*where).limit(1)).first() is None:
            return []
    with engine.begin() as connection:
        query = select(table).where(*where).order_by(*order_by).limit(limit)
        if connection.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        rows = connection.execute(query).all()
        if not rows:
            return []
        connection.execute(
            update(table).where(table.c.id.in_([row.id for row in rows])).values(**values)
        )
    return rows


def claim(
    engine: Engine,
    table: Table,
    now: datetime.datetime,
    *,
    lease: datetime.timedelta,
    limit: int,
    **claimed: Any,
) -> Sequence[Row[Any]]:
    """Take up to ``limit`` due rows of ``table``, leased until ``now + lease``; ``claimed``:
    more columns the claim sets (values or SQL expressions)."""
    until = now + lease
    return take(
        engine,
        table,
        (table.c.status == PENDING, table.c.next_attempt_at <= now),
        order_by=(table.c.next_attempt_at, table.c.id),
        limit=limit,
        values={"next_attempt_at": until, "locked_until": until, **claimed},
    )


class Renew(Protocol):
    def __call__(
        self,
        engine: Engine,
        table: Table,
        ids: Sequence[int],
        now: datetime.datetime,
        *,
        lease: datetime.timedelta,
    ) -> int:
        """Lease ``ids`` again until ``now + lease`` where still held; how many were."""


def renewal_of(status: str, columns: Sequence[str]) -> Renew:
    """The ``Renew`` of a table whose rows are held while in ``status`` under a lease that has
    not run out (a settled row has none; a lapsed one may be another's): it moves ``columns``
    to the end of the new lease."""

    def renew(
        engine: Engine,
        table: Table,
        ids: Sequence[int],
        now: datetime.datetime,
        *,
        lease: datetime.timedelta,
    ) -> int:
        until = now + lease
        with engine.begin() as connection:
            result = connection.execute(
                update(table)
                .where(
                    table.c.id.in_(ids),
                    table.c.status == status,
                    table.c.locked_until >= now,
                )
                .values(**dict.fromkeys(columns, until))
            )
        return result.rowcount

    return renew


# The queues' (deliveries, publications): pending rows, which a claim leased by moving both.
renew = renewal_of(PENDING, ("next_attempt_at", "locked_until"))


class Renewal:
    """Holds a claim while its work is in flight: every third of the lease, the rows still
    held are leased for another whole lease. So a short lease covers a slow peer, and the rows
    of a worker that died come due again within one lease of its last renewal. ``renew``: how
    a table that is no ``pending`` queue (the jobs) says which rows are still held."""

    def __init__(
        self,
        engine: Engine,
        table: Table,
        ids: Sequence[int],
        *,
        lease: datetime.timedelta,
        clock: Clock,
        renew: Renew = renew,
    ) -> None:
        self._renew = renew
        self._engine = engine
        self._table = table
        self._ids = list(ids)
        self._lease = lease
        self._clock = clock
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="openses-lease", daemon=True)

    def __enter__(self) -> Renewal:
        if self._ids:
            self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self._lease.total_seconds() / 3):
            try:
                self._renew(self._engine, self._table, self._ids, self._clock(), lease=self._lease)
            except Exception as error:  # the next renewal tries again; a lapsed lease repeats work
                log_failure(log, f"renewing the lease of {len(self._ids)} rows failed", error)
