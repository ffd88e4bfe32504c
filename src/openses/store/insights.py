"""Read-only queries for message insights (issue 20): one message of this account and region,
with the events openses recorded for it, oldest first."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

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


class InsightRepository:
    def __init__(self, connection: Connection, account_id: str, region: str) -> None:
        self._connection = connection
        self._account_id = account_id
        self._region = region

    def message(self, message_id: str) -> MessageRecord | None:
        row = self._connection.execute(
            select(messages).where(
                messages.c.message_id == message_id,
                messages.c.account_id == self._account_id,
                messages.c.region == self._region,
            )
        ).first()
        if row is None:
            return None
        payloads = self._connection.execute(
            select(events.c.payload)
            .where(
                events.c.message_id == message_id,
                events.c.account_id == self._account_id,
                events.c.region == self._region,
            )
            .order_by(events.c.id)
        )
        return MessageRecord(
            message_id=row.message_id,
            source=row.source,
            subject=row.subject,
            destination=row.destination,
            tags=row.tags,
            created_at=row.created_at,
            events=[p.payload for p in payloads],
        )
