"""The ``returns`` table (issue 16): bounces and complaints mailed back to openses, and the
look-up of the message a return answers, across accounts (a return names no account)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, Row, delete, insert, select

from openses.store.rows import record_from_row
from openses.store.scoped import within
from openses.store.tables import messages, returns

ReturnRow = Row[Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class ReturnedMessage:
    """What a return is matched to: a message openses sent, and where it lives."""

    message_id: str
    account_id: str
    region: str
    configuration_set: str | None
    source: str
    destination: dict[str, list[str]]
    created_at: datetime.datetime
    mail: dict[str, Any] | None


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredReturn:
    kind: str
    outcome: str
    mail_from: str
    recipients: Sequence[str]
    peer_ip: str
    raw: bytes
    received_at: datetime.datetime
    matched: ReturnedMessage | None = None
    feedback_ids: Sequence[str] = ()


class ReturnRepository:
    """Unscoped: a return arrives before anyone knows whose it is."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def find_message(self, message_ids: Sequence[str]) -> ReturnedMessage | None:
        """The first of ``message_ids`` (in their order) that is a stored message."""
        wanted = list(dict.fromkeys(message_ids))
        if not wanted:
            return None
        rows = {
            row.message_id: row
            for row in self._connection.execute(
                select(messages).where(messages.c.message_id.in_(wanted))
            )
        }
        for message_id in wanted:
            row = rows.get(message_id)
            if row is not None:
                return record_from_row(ReturnedMessage, row)
        return None

    def recorded_raws(self, message_id: str, kind: str) -> list[bytes]:
        """The returns of ``kind`` already recorded for ``message_id``, as received, oldest
        first (to tell a DSN that arrives twice)."""
        rows = self._connection.execute(
            select(returns.c.raw)
            .where(
                returns.c.message_id == message_id,
                returns.c.kind == kind,
                returns.c.outcome == "recorded",
            )
            .order_by(returns.c.id)
        )
        return [bytes(row.raw) for row in rows]

    def add(self, kept: StoredReturn) -> int:
        matched = kept.matched
        result = self._connection.execute(
            insert(returns).values(
                account_id=matched.account_id if matched else None,
                region=matched.region if matched else None,
                message_id=matched.message_id if matched else None,
                kind=kept.kind,
                outcome=kept.outcome,
                mail_from=kept.mail_from,
                recipients=list(kept.recipients),
                peer_ip=kept.peer_ip,
                feedback_ids=list(kept.feedback_ids),
                raw=kept.raw,
                received_at=kept.received_at,
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])


def list_returns(
    connection: Connection,
    *,
    account_id: str | None = None,
    region: str | None = None,
    unmatched: bool = False,
    message_id: str | None = None,
    before: int | None = None,
    limit: int = 50,
) -> list[ReturnRow]:
    """Newest first; ``before`` is the cursor, the id of the last return seen."""
    columns = [c for c in returns.c if c.name != "raw"]
    query = select(*columns).order_by(returns.c.id.desc()).limit(limit)
    if account_id:
        query = query.where(returns.c.account_id == account_id)
    if region:
        query = query.where(returns.c.region == region)
    if unmatched:
        query = query.where(returns.c.account_id.is_(None))
    if message_id:
        query = query.where(returns.c.message_id == message_id)
    if before is not None:
        query = query.where(returns.c.id < before)
    return list(connection.execute(query))


def raw_of(
    connection: Connection,
    return_id: int,
    *,
    account_id: str | None = None,
    region: str | None = None,
) -> bytes | None:
    """A return as received; with ``account_id``/``region``, only one matched to them."""
    query = select(returns.c.raw).where(
        returns.c.id == return_id, within(returns, account_id, region)
    )
    row = connection.execute(query).first()
    return None if row is None else bytes(row.raw)


def prune(engine: Engine, before: datetime.datetime) -> int:
    """Forget the returns received before ``before`` (the message retention period, as for
    the messages they answer: delivery/worker.py). Returns how many went."""
    with engine.begin() as connection:
        result = connection.execute(delete(returns).where(returns.c.received_at < before))
    return result.rowcount
