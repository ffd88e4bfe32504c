"""The claim that both work queues make, the delivery queue (deliveries.py) and the
publications outbox (publications.py): due ``pending`` rows, oldest first, leased by moving
``next_attempt_at`` and ``locked_until`` to the end of the lease. On PostgreSQL the claim skips
rows another worker holds locked (FOR UPDATE SKIP LOCKED)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, Row, Table, select, update

from openses.store.database import reading

PENDING = "pending"


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
    due = (table.c.status == PENDING, table.c.next_attempt_at <= now)
    with reading(engine) as connection:  # an idle poll must not take SQLite's write lock
        if connection.execute(select(table.c.id).where(*due).limit(1)).first() is None:
            return []
    with engine.begin() as connection:
        query = select(table).where(*due).order_by(table.c.next_attempt_at, table.c.id).limit(limit)
        if connection.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        rows = connection.execute(query).all()
        if not rows:
            return []
        until = now + lease
        connection.execute(
            update(table)
            .where(table.c.id.in_([row.id for row in rows]))
            .values(next_attempt_at=until, locked_until=until, **claimed)
        )
    return rows
