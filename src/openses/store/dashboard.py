"""The dashboard's read-only queries (issue 19): event counts over time, the dispatcher's and
the delivery queue's backlog, recent events, and each event destination's publication status.
Every query takes the account and region it may see (``None``: every account's); each one is
served by an index (``ix_events_scope_created``, ``ix_events_created``,
``ix_events_scope_id``, ``ix_publications_due``, ``ix_publications_destination``,
``ix_deliveries_due``)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, case, func, literal_column, select

from openses.store import deliveries as delivery_queue
from openses.store.outbox import DEAD, PENDING, PUBLISHED
from openses.store.scoped import within
from openses.store.tables import deliveries, events, publications

# the publication states the dashboard shows per destination
QUEUED, RETRYING = "queued", "retrying"


@dataclass(frozen=True, slots=True)
class Scope:
    account_id: str | None
    region: str | None


def event_series(
    connection: Connection, scope: Scope, edges: Sequence[datetime.datetime]
) -> dict[str, list[int]]:
    """Events per type (their ``eventType`` spelling) in each interval between consecutive
    ``edges``: one pass over the index range, each event put in its interval by a CASE on
    the edges (one statement whatever the number of intervals)."""
    buckets = len(edges) - 1
    interval = case(
        *[(events.c.created_at < edge, index) for index, edge in enumerate(edges[1:])],
        else_=buckets - 1,
    ).label("interval")
    query = (
        select(interval, events.c.event_type, func.count())
        .where(
            within(events, scope.account_id, scope.region),
            events.c.created_at >= edges[0],
            events.c.created_at < edges[-1],
        )
        # by the output column's name: the CASE's bound edges would not match themselves
        .group_by(literal_column("interval"), events.c.event_type)
    )
    series: dict[str, list[int]] = {}
    for index, event_type, count in connection.execute(query):
        series.setdefault(event_type, [0] * buckets)[int(index)] = int(count)
    return series


def backlog(connection: Connection, scope: Scope) -> dict[str, int]:
    """Publications waiting (``pending``) and given up on (``dead``), and messages still in the
    delivery queue (``delivering``)."""
    found = {PENDING: 0, DEAD: 0, "delivering": 0}
    query = (
        select(publications.c.status, func.count())
        .where(
            publications.c.status.in_([PENDING, DEAD]),
            within(publications, scope.account_id, scope.region),
        )
        .group_by(publications.c.status)
    )
    for status, count in connection.execute(query):
        found[status] = int(count)
    found["delivering"] = int(
        connection.execute(
            select(func.count()).where(
                deliveries.c.status == delivery_queue.PENDING,
                within(deliveries, scope.account_id, scope.region),
            )
        ).scalar_one()
    )
    return found


@dataclass(frozen=True, slots=True)
class EventRow:
    id: int
    account_id: str
    region: str
    message_id: str
    configuration_set: str | None
    event_type: str
    payload: Any
    created_at: datetime.datetime


def recent_events(
    connection: Connection,
    scope: Scope,
    *,
    after: int | None = None,
    configuration_set: str | None = None,
    event_types: Sequence[str] = (),
    limit: int = 50,
) -> list[EventRow]:
    """Newest first; with ``after``, those after the event with that id, oldest first."""
    query = select(events).where(within(events, scope.account_id, scope.region)).limit(limit)
    if after is not None:
        query = query.where(events.c.id > after).order_by(events.c.id)
    else:
        query = query.order_by(events.c.id.desc())
    if configuration_set:
        query = query.where(events.c.configuration_set == configuration_set)
    if event_types:
        query = query.where(events.c.event_type.in_(list(event_types)))
    return [EventRow(**row._mapping) for row in connection.execute(query)]


def last_event_id(connection: Connection) -> int:
    return int(connection.execute(select(func.coalesce(func.max(events.c.id), 0))).scalar_one())


def destination_status(
    connection: Connection, account_id: str, region: str, configuration_set: str
) -> dict[str, dict[str, int]]:
    """Per destination name: publications ``published``, ``queued`` (pending, never tried),
    ``retrying`` (pending after a failed attempt) and ``dead``."""
    state = case(
        (publications.c.status == PUBLISHED, PUBLISHED),
        (publications.c.status == DEAD, DEAD),
        (publications.c.attempts > 0, RETRYING),
        else_=QUEUED,
    )
    query = (
        select(publications.c.destination_name, state, func.count())
        .where(
            publications.c.account_id == account_id,
            publications.c.region == region,
            publications.c.configuration_set == configuration_set,
        )
        .group_by(publications.c.destination_name, state)
    )
    found: dict[str, dict[str, int]] = {}
    for name, status, count in connection.execute(query):
        found.setdefault(name or "", {})[status] = int(count)
    return found
