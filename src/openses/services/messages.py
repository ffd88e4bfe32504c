"""Mail that SES itself sends back to a sender (forwarded feedback, simulator auto-replies) is
captured among the messages like any other delivered message."""

from __future__ import annotations

import datetime
from typing import Any

from openses.domain.message import new_message_id
from openses.mail.mime import ses_message_id_header
from openses.store.messages import StoredMessage
from openses.store.unit_of_work import UnitOfWork


def new_id_header(uow: UnitOfWork, now: datetime.datetime) -> tuple[str, str]:
    """A message id and its Message-ID header for a message openses itself sends."""
    message_id = new_message_id(now)
    return message_id, ses_message_id_header(message_id, uow.region)


def capture(
    uow: UnitOfWork,
    *,
    message_id: str,
    raw: bytes,
    source: str,
    to: str,
    subject: str,
    status: str,
    now: datetime.datetime,
    configuration_set: str | None = None,
    mail: dict[str, Any] | None = None,
) -> None:
    uow.messages.add(
        StoredMessage(
            message_id=message_id,
            account_id=uow.account_id,
            region=uow.region,
            configuration_set=configuration_set,
            source=source,
            destination={"to": [to], "cc": [], "bcc": []},
            subject=subject,
            tags={},
            status=status,
            raw=raw,
            created_at=now,
            mail=mail,
        )
    )
