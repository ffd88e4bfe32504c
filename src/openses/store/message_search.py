"""Read-only queries over captured messages for the inspection API, the dashboard and the CLI.
Each takes the account and region whose mail it may show; ``None`` for both is every account's
(the CLI, and the operator holding the admin token)."""

from __future__ import annotations

import datetime
import json
from typing import Any

from sqlalchemy import Connection, Row, Text, cast, select

from openses.store.scoped import within
from openses.store.tables import events, messages

MessageRow = Row[Any]
# A listing leaves the MIME bytes out (a page of large messages would read them all).
_LISTED = [column for column in messages.c if column.name != "raw"]


def list_messages(
    connection: Connection,
    *,
    to: str | None = None,
    from_address: str | None = None,
    configuration_set: str | None = None,
    account_id: str | None = None,
    region: str | None = None,
    tag: str | None = None,
    subject: str | None = None,
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
    before: int | None = None,
    after: int | None = None,
    limit: int = 50,
) -> list[MessageRow]:
    """Newest first, without ``raw`` (get_message has it). ``before`` is the cursor, the
    internal id of the last message seen; ``after`` keeps only messages newer than the one
    with that id, oldest first (the dashboard's live inbox). ``tag`` is ``name`` or
    ``name=value``."""
    query = (
        select(*_LISTED)
        .where(within(messages, account_id, region))
        .order_by(messages.c.id if after is not None else messages.c.id.desc())
        .limit(limit)
    )
    if to:
        query = query.where(messages.c.recipients.contains(f",{to.lower()},", autoescape=True))
    if from_address:
        query = query.where(messages.c.from_address == from_address.lower())
    if configuration_set:
        query = query.where(messages.c.configuration_set == configuration_set)
    name, _, value = (tag or "").partition("=")
    if name:
        # tags are stored as {"name": ["value", ...]}: narrow to the rows whose JSON text
        # holds the quoted strings, then keep the exact matches
        tags_text = cast(messages.c.tags, Text)
        query = query.where(tags_text.contains(json.dumps(name), autoescape=True))
        if value:
            query = query.where(tags_text.contains(json.dumps(value), autoescape=True))
    if subject:
        query = query.where(messages.c.subject.icontains(subject, autoescape=True))
    if since is not None:
        query = query.where(messages.c.created_at >= since)
    if until is not None:
        query = query.where(messages.c.created_at < until)
    if before is not None:
        query = query.where(messages.c.id < before)
    if after is not None:
        query = query.where(messages.c.id > after)
    rows = list(connection.execute(query))
    if not name:
        return rows
    return [
        row for row in rows if name in (row.tags or {}) and (not value or value in row.tags[name])
    ]


def get_message(
    connection: Connection,
    message_id: str,
    account_id: str | None = None,
    region: str | None = None,
) -> MessageRow | None:
    return connection.execute(
        select(messages).where(
            messages.c.message_id == message_id, within(messages, account_id, region)
        )
    ).first()


def message_events(connection: Connection, message_id: str) -> list[dict[str, Any]]:
    query = select(events.c.payload).where(events.c.message_id == message_id).order_by(events.c.id)
    return [row.payload for row in connection.execute(query)]
