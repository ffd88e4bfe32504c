"""Recording opens and clicks: each one is an Open or Click event of the message's configuration
set, written to the outbox like any other event. Every open and click counts (SES sending
metrics FAQ: "each instance is counted as a unique open event")."""

from __future__ import annotations

import datetime

from openses.domain.errors import ConfigurationSetNotFound
from openses.events import records
from openses.store import message_search
from openses.store.database import reading
from openses.store.sources import EngineSource
from openses.store.unit_of_work import UnitOfWork
from openses.tracking.tokens import Claims, Kind


class MessageNotFound(Exception):
    """No message with the token's id in the token's account and region."""


def record(
    writes: EngineSource,
    claims: Claims,
    *,
    ip_address: str,
    user_agent: str,
    now: datetime.datetime,
) -> None:
    """Record the open or click. A message whose set is gone since gets no event."""
    with reading(writes.engine) as connection:
        row = message_search.get_message(
            connection, claims.message_id, claims.account_id, claims.region
        )
    if row is None:  # no such message in the account and region the link names
        raise MessageNotFound(claims.message_id)
    if row.mail is None:
        return
    if claims.kind is Kind.OPEN:
        event = records.open_(row.mail, ip_address=ip_address, user_agent=user_agent, at=now)
    else:
        tags: dict[str, list[str]] = {}
        for name, value in claims.link_tags:
            tags.setdefault(name, []).append(value)
        event = records.click(
            row.mail,
            ip_address=ip_address,
            user_agent=user_agent,
            at=now,
            link=claims.link,
            link_tags=tags,
        )
    uow = UnitOfWork(writes, claims.account_id, claims.region)
    with uow:
        if row.configuration_set is None:  # tracked by the send's overrides: insights only
            uow.outbox.add_unpublished(claims.message_id, [event], now)
            uow.commit()
            return
        try:
            configuration_set = uow.configuration_sets.get(row.configuration_set)
        except ConfigurationSetNotFound:
            return
        uow.statistics.count([event], now)
        uow.outbox.add_events(
            claims.message_id,
            configuration_set.name,
            records.routed(configuration_set, [event]),
            now,
        )
        uow.commit()
