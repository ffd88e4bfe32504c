"""Read-only queries over one account's sent messages and the events openses recorded for
them (issue 20): one message for GetMessageInsights, and the messages of a period for export
jobs' message insights and metric data."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, select

from openses.store.repository import AccountRegionRepository
from openses.store.rows import record_from_row
from openses.store.tables import events, messages


@dataclass(frozen=True, slots=True, kw_only=True)
class MessageRecord:
    message_id: str
    source: str
    subject: str | None
    destination: Mapping[str, Sequence[str]]
    tags: Mapping[str, Sequence[str]]
    created_at: datetime.datetime
    events: list[dict[str, Any]]


class InsightRepository(AccountRegionRepository):
    def message(self, message_id: str) -> MessageRecord | None:
        row = self._connection.execute(
            select(messages).where(
                messages.c.message_id == message_id,
                self._owned(messages),
            )
        ).first()
        if row is None:
            return None
        payloads = self._connection.execute(
            select(events.c.payload)
            .where(
                events.c.message_id == message_id,
                self._owned(events),
            )
            .order_by(events.c.id)
        )
        return record_from_row(MessageRecord, row, events=[p.payload for p in payloads])


@dataclass(slots=True, kw_only=True)
class SentMessage:
    message_id: str
    from_address: str
    subject: str | None
    recipients: list[str]
    configuration_set: str | None
    tags: dict[str, Any]
    status: str
    created_at: datetime.datetime
    # (event type as recorded, e.g. "Delivery", its payload, when)
    events: list[tuple[str, dict[str, Any], datetime.datetime]] = field(default_factory=list)


def sent_between(
    connection: Connection,
    account_id: str,
    region: str,
    start: datetime.datetime,
    end: datetime.datetime,
) -> list[SentMessage]:
    """Messages accepted from ``start`` to ``end`` (both inclusive), oldest first, with their
    events. Messages openses sent itself (verification emails, forwarded reports, auto-replies)
    have no configuration set and no tags; they are included as SES includes its own mail in
    no insight: the caller filters them by status."""
    rows = connection.execute(
        select(messages)
        .where(
            messages.c.account_id == account_id,
            messages.c.region == region,
            messages.c.created_at >= start,
            messages.c.created_at <= end,
        )
        .order_by(messages.c.id)
    ).all()
    found = {
        row.message_id: SentMessage(
            message_id=row.message_id,
            from_address=row.from_address,
            subject=row.subject,
            recipients=[r for r in row.recipients.split(",") if r],
            configuration_set=row.configuration_set,
            tags=row.tags or {},
            status=row.status,
            created_at=row.created_at,
        )
        for row in rows
    }
    if not found:
        return []
    recorded: dict[str, list[tuple[str, dict[str, Any], datetime.datetime]]] = defaultdict(list)
    ids = list(found)
    for chunk in range(0, len(ids), 500):
        for event in connection.execute(
            select(events.c.message_id, events.c.event_type, events.c.payload, events.c.created_at)
            .where(events.c.message_id.in_(ids[chunk : chunk + 500]))
            .order_by(events.c.id)
        ):
            recorded[event.message_id].append((event.event_type, event.payload, event.created_at))
    for message_id, message in found.items():
        message.events = recorded.get(message_id, [])
    return list(found.values())
