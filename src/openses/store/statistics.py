"""The rollup of event counts: one counter per (account, region, 15-minute interval,
configuration set, identity, recipient ISP, counter, mailbox simulator or not, shard).

Every place that records events counts them here, in the same transaction (``count``), with one
upsert statement: statistics (GetSendStatistics, BatchGetMetricData) and reputation read these
counters and never scan the messages. A send without a configuration set is counted under the
set ``""``; an event with no identity (none today) under the identity ``""``. On PostgreSQL a
send picks one of ``SHARDS`` rows per counter at random, so that concurrent sends of one account
and set rarely wait for each other's row lock until they commit; readers sum the shards.
"""

from __future__ import annotations

import datetime
import functools
import random
from collections import Counter as Tally
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import Column, ColumnElement, Connection, Select, func, or_, select

from openses.domain.message import simulator_outcome
from openses.domain.statistics import Counter, interval_start, isp_of
from openses.store.queries import Upsert
from openses.store.repository import AccountRegionRepository
from openses.store.tables import event_counts

Record = dict[str, Any]
NO_SET = ""
SHARDS = 8
_NOT_SENT = ("Reject", "Rendering Failure")
ACCOUNT_SUPPRESSION = "OnAccountSuppressionList"

_UPSERT = Upsert(event_counts, add=("count",))


class Key(NamedTuple):
    configuration_set: str
    identity: str
    isp: str
    counter: Counter
    simulator: bool


@dataclass(frozen=True, slots=True)
class Point:
    """A counter's sum over one interval (``start``), for the rows a query selects."""

    start: datetime.datetime
    counter: Counter
    count: int


@dataclass(frozen=True, slots=True)
class ScopedPoint:
    """``Point`` with its account, region and configuration set, for the reputation job."""

    account_id: str
    region: str
    configuration_set: str
    start: datetime.datetime
    counter: Counter
    simulator: bool
    count: int


class StatisticsRepository(AccountRegionRepository):
    def count(self, records: Sequence[Record], now: datetime.datetime) -> None:
        """Add what ``records`` (event records of one message, events/records.py) say to the
        counters of the interval that holds ``now``."""
        self.count_messages([records], now)

    def count_messages(self, messages: Iterable[Sequence[Record]], now: datetime.datetime) -> None:
        """``count`` for the records of several messages, in one upsert (the delivery worker
        settles a batch of messages in one unit of work)."""
        tally = Tally(key for records in messages for key in _message_keys(records))
        if not tally:
            return
        start = interval_start(now)
        shard = random.randrange(SHARDS) if self._connection.dialect.name == "postgresql" else 0
        rows = [
            {
                **self._scope_params,
                "interval_start": start,
                "configuration_set": key.configuration_set,
                "identity": key.identity,
                "isp": key.isp,
                "counter": str(key.counter),
                "simulator": key.simulator,
                "shard": shard,
                "count": count,
            }
            # one order for every writer, so that concurrent upserts take their locks alike
            for key, count in sorted(tally.items())
        ]
        _UPSERT.run(self._connection, rows)

    def points(
        self,
        *,
        since: datetime.datetime,
        until: datetime.datetime | None = None,
        counters: Collection[Counter],
        configuration_set: str | None = None,
        identities: Collection[str] | None = None,
        isp: str | None = None,
        simulator: bool | None = None,
    ) -> list[Point]:
        """Sums per interval and counter of the rows in [since, until) that match the filters
        (None: any)."""
        table = event_counts
        query = self._sums(
            (table.c.interval_start, table.c.counter),
            table.c.interval_start >= since,
            table.c.counter.in_([str(c) for c in counters]),
        ).order_by(table.c.interval_start)
        if until is not None:
            query = query.where(table.c.interval_start < until)
        if configuration_set is not None:
            query = query.where(table.c.configuration_set == configuration_set)
        if identities is not None:
            query = query.where(table.c.identity.in_(list(identities)))
        if isp is not None:
            query = query.where(table.c.isp == isp)
        if simulator is not None:
            query = query.where(table.c.simulator == simulator)
        return [
            Point(start, Counter(counter), int(total))
            for start, counter, total in self._connection.execute(query)
        ]

    def points_by_isp(
        self,
        *,
        since: datetime.datetime,
        until: datetime.datetime,
        counter: Counter,
        domain: str,
    ) -> dict[str, list[Point]]:
        """A counter's sums per recipient ISP and interval, of mail sent as ``domain`` or an
        address at it, the mailbox simulator's left out."""
        table = event_counts
        query = self._sums(
            (table.c.isp, table.c.interval_start),
            table.c.interval_start >= since,
            table.c.interval_start < until,
            table.c.counter == str(counter),
            or_(
                table.c.identity == domain,
                table.c.identity.endswith(f"@{domain}", autoescape=True),
            ),
            table.c.simulator.is_(False),
        ).order_by(table.c.isp, table.c.interval_start)
        found: dict[str, list[Point]] = {}
        for isp, start, total in self._connection.execute(query):
            found.setdefault(isp, []).append(Point(start, counter, int(total)))
        return found

    def _sums(
        self, groups: tuple[Column[Any], ...], *conditions: ColumnElement[bool]
    ) -> Select[Any]:
        """The rollup's counts in this account and region that meet ``conditions``, summed per
        ``groups``: rows of ``groups``' values and the sum."""
        table = event_counts
        return (
            select(*groups, func.sum(table.c.count))
            .where(self._owned(table), *conditions)
            .group_by(*groups)
        )


def scoped_points(
    connection: Connection, *, since: datetime.datetime, counters: Collection[Counter]
) -> list[ScopedPoint]:
    """Every account's and region's sums per set, interval, counter and simulator flag since
    ``since``: what the reputation job (events/reputation.py) computes rates from."""
    table = event_counts
    groups = (
        table.c.account_id,
        table.c.region,
        table.c.configuration_set,
        table.c.interval_start,
        table.c.counter,
        table.c.simulator,
    )
    query = (
        select(*groups, func.sum(table.c.count))
        .where(
            table.c.interval_start >= since,
            table.c.counter.in_([str(c) for c in counters]),
        )
        .group_by(*groups)
    )
    return [
        ScopedPoint(account, region, name, start, Counter(counter), bool(simulated), int(total))
        for account, region, name, start, counter, simulated, total in connection.execute(query)
    ]


def _message_keys(records: Sequence[Record]) -> Iterator[Key]:
    """The keys of one message's records. A rejected message, or one whose template failed to
    render, was never sent: its Send event is not a send, as GetSendStatistics and VDM count
    them."""
    unsent = any(r.get("eventType") in _NOT_SENT for r in records)
    for record in records:
        if not (unsent and record.get("eventType") == "Send"):
            yield from keys_of(record)


def keys_of(record: Record) -> Iterator[Key]:
    """One key per recipient an event is about (rejects, opens and clicks: one per event)."""
    mail = record.get("mail", {})
    tags = mail.get("tags", {})
    set_names = tags.get("ses:configuration-set") or [NO_SET]
    configuration_set = str(set_names[0])
    identity = str(mail.get("sourceArn") or "").partition(":identity/")[2]
    for counter, address in _counted(record, mail):
        isp, simulator = _recipient(address)
        yield Key(configuration_set, identity, isp, counter, simulator)


@functools.lru_cache(maxsize=4096)
def _recipient(address: str) -> tuple[str, bool]:
    """The recipient's ISP, and whether it is the mailbox simulator."""
    return isp_of(address), simulator_outcome(address) is not None


def _counted(record: Record, mail: Record) -> Iterator[tuple[Counter, str]]:
    event_type = record.get("eventType")
    destination = [str(address) for address in mail.get("destination", [])]
    if event_type == "Send":
        yield from ((Counter.SEND, address) for address in destination)
    elif event_type == "Reject" and destination:
        yield Counter.REJECT, destination[0]  # one a message, as GetSendStatistics counts them
    elif event_type == "Delivery":
        yield from ((Counter.DELIVERY, str(a)) for a in record["delivery"]["recipients"])
    elif event_type == "Bounce":
        bounce = record["bounce"]
        if bounce["bounceType"] != "Permanent":
            counter = Counter.TRANSIENT_BOUNCE
        elif bounce["bounceSubType"] == ACCOUNT_SUPPRESSION:
            counter = Counter.SUPPRESSED_BOUNCE
        else:
            counter = Counter.PERMANENT_BOUNCE
        yield from ((counter, str(r["emailAddress"])) for r in bounce["bouncedRecipients"])
    elif event_type == "Complaint":
        recipients = record["complaint"]["complainedRecipients"]
        yield from ((Counter.COMPLAINT, str(r["emailAddress"])) for r in recipients)
    elif event_type in ("Open", "Click") and destination:
        yield (Counter.OPEN if event_type == "Open" else Counter.CLICK), destination[0]
