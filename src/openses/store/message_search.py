"""Read-only queries over captured messages, across accounts, for the inspection API and CLI."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Row, select

from openses.store.tables import events, messages

MessageRow = Row[Any]


def list_messages(
    connection: Connection,
    *,
    to: str | None = None,
    from_address: str | None = None,
    configuration_set: str | None = None,
    account_id: str | None = None,
    before: int | None = None,
    limit: int = 50,
) -> list[MessageRow]:
    """Newest first; ``before`` is the cursor, the internal id of the last message seen."""
    query = select(messages).order_by(messages.c.id.desc()).limit(limit)
    if to:
        query = query.where(messages.c.recipients.contains(f",{to.lower()},", autoescape=True))
    if from_address:
        query = query.where(messages.c.from_address == from_address.lower())
    if configuration_set:
        query = query.where(messages.c.configuration_set == configuration_set)
    if account_id:
        query = query.where(messages.c.account_id == account_id)
    if before is not None:
        query = query.where(messages.c.id < before)
    return list(connection.execute(query))


def get_message(connection: Connection, message_id: str) -> MessageRow | None:
    return connection.execute(select(messages).where(messages.c.message_id == message_id)).first()


def message_events(connection: Connection, message_id: str) -> list[dict[str, Any]]:
    query = select(events.c.payload).where(events.c.message_id == message_id).order_by(events.c.id)
    return [row.payload for row in connection.execute(query)]
