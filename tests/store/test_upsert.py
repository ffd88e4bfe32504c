"""store/queries.Upsert: a taken key adds to (``add``) or replaces (``replace``) the stored
columns, on both stores, within the caller's transaction."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from openses.store.database import make_engine, migrate
from openses.store.queries import Upsert
from openses.store.tables import account_vdm_attributes, event_counts
from tests.support import database_url

START = datetime.datetime(2026, 5, 1, 12, 30, tzinfo=datetime.UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    with database_url(request.param, str(tmp_path)) as url:
        engine = make_engine(url)
        migrate(engine)
        yield engine
        engine.dispose()


def _counter(counter: str, count: int) -> dict[str, object]:
    return {
        "account_id": "111122223333",
        "region": "us-east-1",
        "interval_start": START,
        "configuration_set": "",
        "identity": "example.com",
        "isp": "Other",
        "counter": counter,
        "simulator": False,
        "shard": 0,
        "count": count,
    }


def test_add(engine: Engine) -> None:
    upsert = Upsert(event_counts, add=("count",))
    with engine.begin() as connection:
        upsert.run(connection, [_counter("send", 2), _counter("delivery", 1)])
        upsert.run(connection, [_counter("send", 3)])
    with engine.begin() as connection:
        upsert.run(connection, [_counter("send", 4), _counter("reject", 1)])
    with engine.connect() as connection:
        rows = connection.execute(
            select(event_counts.c.counter, event_counts.c.count).order_by(event_counts.c.counter)
        ).all()
    assert [tuple(row) for row in rows] == [("delivery", 1), ("reject", 1), ("send", 9)]


def test_replace(engine: Engine) -> None:
    upsert = Upsert(account_vdm_attributes, replace=("attributes",))
    scope = {"account_id": "111122223333", "region": "us-east-1"}
    with engine.begin() as connection:
        upsert.run(connection, [{**scope, "attributes": {"vdm_enabled": "ENABLED"}}])
        upsert.run(connection, [{**scope, "attributes": {"vdm_enabled": "DISABLED"}}])
    with engine.connect() as connection:
        stored = connection.execute(select(account_vdm_attributes.c.attributes)).scalars().all()
    assert stored == [{"vdm_enabled": "DISABLED"}]
