"""Several messages' events counted in one upsert (the delivery worker settles a batch of
rows in one unit of work) make the same rollup as each message counted alone."""

from __future__ import annotations

import datetime

from sqlalchemy import Engine, select

from openses.events import records
from openses.store.statistics import StatisticsRepository
from openses.store.tables import event_counts
from tests.reputation.counting import sent_mail
from tests.support import fresh_account

AT = datetime.datetime(2026, 6, 1, 12, 7, tzinfo=datetime.UTC)


def _message(account: str, *to: str, rejected: bool = False) -> list[records.Record]:
    mail = sent_mail(account, AT, *to, configuration_set="set")
    if rejected:  # its Send is no send: counted as a reject only
        return [records.send(mail), records.reject(mail)]
    return [
        records.send(mail),
        records.delivery(mail, recipients=list(to), at=AT, processing_millis=1),
    ]


def _rollup(engine: Engine, account: str) -> dict[tuple[str, str, str], int]:
    """Counts by set, ISP and counter (summed over PostgreSQL's shards)."""
    table = event_counts
    query = select(table.c.configuration_set, table.c.isp, table.c.counter, table.c.count).where(
        table.c.account_id == account
    )
    found: dict[tuple[str, str, str], int] = {}
    with engine.connect() as connection:
        for configuration_set, isp, counter, count in connection.execute(query):
            key = (configuration_set, isp, counter)
            found[key] = found.get(key, 0) + count
    return found


def test_one_upsert_for_several_messages_counts_as_one_a_message(engine: Engine) -> None:
    alone, batched = fresh_account(), fresh_account()
    messages = {
        account: [
            _message(account, "a@example.net", "b@gmail.com"),
            _message(account, "c@example.net", rejected=True),
            _message(account, "a@example.net"),
        ]
        for account in (alone, batched)
    }
    with engine.begin() as connection:
        for events in messages[alone]:
            StatisticsRepository(connection, alone, "us-east-1").count(events, AT)
        StatisticsRepository(connection, batched, "us-east-1").count_messages(messages[batched], AT)
    counted = _rollup(engine, batched)
    assert counted == _rollup(engine, alone)
    assert counted[("set", "Gmail", "delivery")] == 1
    assert counted[("set", "Other", "reject")] == 1
    assert sum(n for (*_, counter), n in counted.items() if counter == "send") == 3
