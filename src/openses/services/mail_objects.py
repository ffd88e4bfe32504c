"""A sent message's ``mail`` object read back after the send, by the delivery worker and by
returned mail: the facts it carries for the identity's notifications, and the least AWS says
for a message stored without one."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any, Protocol

from openses.events import records
from openses.protocol.timestamps import iso8601


class StoredRow(Protocol):
    """The stored message a mail object belongs to (a queued delivery, a returned message)."""

    @property
    def created_at(self) -> datetime.datetime: ...

    @property
    def account_id(self) -> str: ...

    @property
    def message_id(self) -> str: ...


def bare_mail(row: StoredRow, source: str, destination: Iterable[str]) -> dict[str, Any]:
    """The mail object of a message stored without one: the least AWS says."""
    return {
        "timestamp": iso8601(row.created_at),
        "source": source,
        "sendingAccountId": row.account_id,
        "messageId": row.message_id,
        "destination": list(destination),
    }


def facts(row: StoredRow, mail: dict[str, Any], *, source: str) -> records.MailFacts:
    """What ``mail`` says of the message; ``source`` when it names no sender."""
    return records.MailFacts(
        accepted_at=row.created_at,
        source=str(mail.get("source", source)),
        source_arn=mail.get("sourceArn"),
        account_id=row.account_id,
        message_id=row.message_id,
        destination=list(mail.get("destination", [])),
        headers=[(h["name"], h["value"]) for h in mail.get("headers", [])],
        tags=mail.get("tags", {}),
    )
