"""store/queries.Query and Insert read and write what SQLAlchemy's own execution does, on both
stores, and (Query) on PostgreSQL's loop engine too: asyncpg under SQLAlchemy's greenlet adapter,
as the event loop runs it (store/database.make_loop_engine)."""

from __future__ import annotations

import asyncio
import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, Select, bindparam, func, insert, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.util import greenlet_spawn

from openses.store.database import make_engine, make_loop_engine, migrate
from openses.store.queries import Insert, Query
from openses.store.tables import (
    configuration_sets,
    event_destinations,
    messages,
    resource_tags,
    tracking_keys,
)
from tests.support import database_url

CREATED = datetime.datetime(2026, 5, 1, 12, 30, 15, 123000, tzinfo=datetime.UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    with database_url(request.param, str(tmp_path)) as url:
        engine = make_engine(url)
        _fill(engine)
        yield engine
        engine.dispose()


@dataclass(frozen=True)
class Store:
    """An engine, and how code using it runs: directly, or inside the event loop's greenlet."""

    engine: Engine
    run: Callable[[Callable[[], Any]], Any]


@pytest.fixture(params=["sqlite", "postgresql", "postgresql-asyncio"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    backend = request.param.removesuffix("-asyncio")
    with database_url(backend, str(tmp_path)) as url:
        engine = make_engine(url)
        _fill(engine)
        loop_engine = make_loop_engine(engine) if request.param.endswith("-asyncio") else None
        if loop_engine is None:
            yield Store(engine, lambda work: work())
        else:
            loop = asyncio.new_event_loop()
            yield Store(
                loop_engine.sync_engine,
                lambda work: loop.run_until_complete(greenlet_spawn(work)),
            )
            loop.run_until_complete(loop_engine.dispose())
            loop.close()
        engine.dispose()


def _fill(engine: Engine) -> None:
    migrate(engine)
    with engine.begin() as connection:
        set_id = connection.execute(
            insert(configuration_sets).values(
                account_id="111122223333",
                region="eu-west-1",
                name="typed",
                created_at=CREATED,
                sending_enabled=False,
                tracking_options=None,
                delivery_options={"TlsPolicy": "REQUIRE", "MaxDeliverySeconds": 300},
                reputation_options={"ReputationMetricsEnabled": True},
            )
        ).inserted_primary_key[0]  # type: ignore[index]  # a Row, typed by SQLAlchemy as None-able
        connection.execute(
            insert(event_destinations),
            [
                {
                    "configuration_set_id": set_id,
                    "name": name,
                    "enabled": index % 2 == 0,
                    "matching_event_types": ["SEND", "BOUNCE"],
                    "kind": "sns",
                    "target": {"TopicArn": f"arn:aws:sns:eu-west-1:111122223333:{name}"},
                }
                for index, name in enumerate(["b-second", "a-first"])
            ],
        )
        connection.execute(
            insert(resource_tags),
            [{"resource_arn": "arn:x", "key": "k", "value": "ünïcode"}],
        )


STATEMENTS: dict[str, tuple[Select[Any], dict[str, Any]]] = {
    "set by scope and name": (
        select(configuration_sets).where(
            configuration_sets.c.account_id == bindparam("account_id"),
            configuration_sets.c.region == bindparam("region"),
            configuration_sets.c.name == bindparam("name"),
        ),
        {"account_id": "111122223333", "region": "eu-west-1", "name": "typed"},
    ),
    "destinations in insertion order, with a literal and a limit": (
        select(event_destinations)
        .where(event_destinations.c.kind == "sns")
        .order_by(event_destinations.c.id)
        .limit(bindparam("limit")),
        {"limit": 5},
    ),
    "an aggregate": (select(func.count()).select_from(resource_tags), {}),
    "tags of an ARN": (
        select(resource_tags.c.key, resource_tags.c.value).where(
            resource_tags.c.resource_arn == bindparam("arn")
        ),
        {"arn": "arn:x"},
    ),
    "no match": (
        select(configuration_sets).where(configuration_sets.c.name == bindparam("name")),
        {"name": "absent"},
    ),
}


@pytest.mark.parametrize("label", STATEMENTS)
def test_rows_equal_sqlalchemys(store: Store, label: str) -> None:
    statement, params = STATEMENTS[label]

    def both() -> tuple[list[Any], list[Any]]:
        with store.engine.connect() as connection, connection.begin():
            expected = [tuple(row) for row in connection.execute(statement, params)]
            got = Query(statement).all(connection, params)
        return expected, [tuple(row) for row in got]

    expected, got = store.run(both)
    assert got == expected
    assert label == "no match" or expected


def test_one_query_serves_both_postgresql_drivers(tmp_path: Path) -> None:
    """psycopg and asyncpg take different parameter styles: a Query compiles for each."""
    query = Query(
        select(configuration_sets.c.name).where(configuration_sets.c.name == bindparam("n"))
    )
    with database_url("postgresql", str(tmp_path)) as url:
        engine = make_engine(url)
        _fill(engine)
        loop_engine = make_loop_engine(engine)
        assert loop_engine is not None

        def first_name(on: Engine) -> Any:
            with on.connect() as connection:
                return query.first(connection, {"n": "typed"})

        loop = asyncio.new_event_loop()
        try:
            for _ in range(2):  # the second round reuses what each compiled
                assert first_name(engine) == ("typed",)
                assert loop.run_until_complete(
                    greenlet_spawn(first_name, loop_engine.sync_engine)
                ) == ("typed",)
        finally:
            loop.run_until_complete(loop_engine.dispose())
            loop.close()
            engine.dispose()


def test_values_keep_their_python_types(store: Store) -> None:
    query = Query(select(configuration_sets).where(configuration_sets.c.name == bindparam("n")))

    def read() -> Any:
        with store.engine.connect() as connection, connection.begin():
            return query.first(connection, {"n": "typed"})

    row = store.run(read)
    assert row is not None
    assert row.sending_enabled is False
    assert row.delivery_options == {"TlsPolicy": "REQUIRE", "MaxDeliverySeconds": 300}
    assert row.tracking_options is None
    assert row.created_at == CREATED
    assert row.created_at.tzinfo is datetime.UTC


def test_every_datetime_column_is_utc_aware_whatever_the_zones(store: Store) -> None:
    """store/types.UtcDateTime: written in UTC (a naive value taken as UTC), read back aware in
    UTC through SQLAlchemy and through Query, even in a PostgreSQL session in another zone."""
    plus_two = datetime.timezone(datetime.timedelta(hours=2))
    created = datetime.datetime(2026, 5, 1, 14, 30, tzinfo=plus_two)  # 12:30 UTC
    utc = datetime.UTC
    by_created = Query(
        select(tracking_keys.c.created_at, tracking_keys.c.retired_at).where(
            tracking_keys.c.created_at == bindparam("at")
        )
    )

    def write_and_read() -> list[Any]:
        with store.engine.connect() as connection, connection.begin():
            if connection.dialect.name == "postgresql":
                connection.execute(text("SET LOCAL TIME ZONE 'America/New_York'"))
            connection.execute(
                insert(tracking_keys).values(
                    secret="00", created_at=created, retired_at=datetime.datetime(2026, 5, 2)
                )
            )
            through_sqlalchemy = connection.execute(
                select(tracking_keys.c.created_at, tracking_keys.c.retired_at).where(
                    tracking_keys.c.created_at == created
                )
            ).one()
            through_query: Any = by_created.first(connection, {"at": created})
            missed = by_created.first(connection, {"at": created.replace(tzinfo=utc)})
            return [tuple(through_sqlalchemy), tuple(through_query), missed]

    sqlalchemy_row, query_row, missed = store.run(write_and_read)
    expected = (
        datetime.datetime(2026, 5, 1, 12, 30, tzinfo=utc),
        datetime.datetime(2026, 5, 2, tzinfo=utc),
    )
    assert sqlalchemy_row == query_row == expected
    assert [moment.tzinfo for moment in (*sqlalchemy_row, *query_row)] == [utc] * 4
    assert missed is None


def test_a_driver_error_is_reported_by_sqlalchemy(store: Store) -> None:
    """A failing statement surfaces as SQLAlchemy's wrapped error, as elsewhere in the store."""
    query = Query(select(configuration_sets).where(configuration_sets.c.name == bindparam("n")))

    def fail_then_read() -> None:
        with store.engine.connect() as connection:
            connection.begin()
            connection.exec_driver_sql("DROP TABLE resource_tags")
            broken = Query(select(resource_tags))
            with pytest.raises(DBAPIError):
                broken.all(connection, {})
            connection.rollback()
            connection.begin()
            assert query.first(connection, {"n": "typed"}) is not None

    store.run(fail_then_read)


def _message(message_id: str, **changes: object) -> dict[str, object]:
    row: dict[str, object] = {
        "message_id": message_id,
        "account_id": "111122223333",
        "region": "eu-west-1",
        "configuration_set": None,
        "source": "Ünïcode Sender <sender@example.com>",
        "from_address": "sender@example.com",
        "recipients": ",to@example.com,",
        "destination": {"to": ["to@example.com"], "cc": [], "bcc": []},
        "subject": None,
        "tags": {"ses:operation": ["SendEmail"]},
        "status": "delivered",
        "raw": b"\x00\xffraw bytes",
        "mail": None,
        "created_at": CREATED,
    }
    return {**row, **changes}


def test_inserted_rows_read_back_as_sqlalchemys(engine: Engine) -> None:
    """The same rows, one set written by Insert and one by SQLAlchemy, read back alike."""
    ours = [_message("ours-1"), _message("ours-2", mail={"a": [1, None]}, subject="Hi")]
    theirs = [_message("theirs-1"), _message("theirs-2", mail={"a": [1, None]}, subject="Hi")]
    with engine.begin() as connection:
        Insert(messages).run(connection, ours)
        connection.execute(insert(messages), theirs)
    columns = [c for c in messages.c if c.key not in ("id", "message_id")]
    with engine.connect() as connection:
        rows = connection.execute(
            select(messages.c.message_id, *columns).order_by(messages.c.message_id)
        ).all()
    by_id = {row.message_id: tuple(row)[1:] for row in rows}
    assert by_id["ours-1"] == by_id["theirs-1"]
    assert by_id["ours-2"] == by_id["theirs-2"]
    assert by_id["ours-1"] != by_id["ours-2"]
    assert rows[0].raw == b"\x00\xffraw bytes"


def test_a_failed_insert_raises_sqlalchemys_error(engine: Engine) -> None:
    with engine.connect() as connection:
        connection.begin()
        Insert(messages).run(connection, [_message("taken")])
        with pytest.raises(IntegrityError):
            Insert(messages).run(connection, [_message("new"), _message("taken")])
