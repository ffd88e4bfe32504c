"""Sent messages, as delivered, for the inspection API and the send statistics."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from openses.domain.mailbox import address_of
from openses.store.queries import Insert
from openses.store.repository import AccountRegionRepository
from openses.store.tables import messages


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredMessage:
    message_id: str
    account_id: str
    region: str
    configuration_set: str | None
    source: str
    destination: Mapping[str, Sequence[str]]
    subject: str | None
    tags: Mapping[str, Sequence[str]]
    status: str
    raw: bytes | None
    created_at: datetime.datetime
    mail: dict[str, Any] | None = None


_INSERT = Insert(messages)


class MessageRepository(AccountRegionRepository):
    def add(self, message: StoredMessage) -> None:
        _INSERT.run(
            self._connection,
            [
                dict(
                    message_id=message.message_id,
                    account_id=message.account_id,
                    region=message.region,
                    configuration_set=message.configuration_set,
                    source=message.source,
                    from_address=address_of(message.source).lower(),
                    recipients=_recipients_key(message.destination),
                    destination={k: list(v) for k, v in message.destination.items()},
                    subject=message.subject,
                    tags={k: list(v) for k, v in message.tags.items()},
                    status=message.status,
                    raw=message.raw,
                    mail=message.mail,
                    created_at=message.created_at,
                ),
            ],
        )


def _recipients_key(destination: Mapping[str, Sequence[str]]) -> str:
    addresses = [address_of(a).lower() for values in destination.values() for a in values]
    return "," + ",".join(addresses) + ","
