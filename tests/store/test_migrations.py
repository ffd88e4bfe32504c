"""Alembic's migrations and the tables in store/tables.py describe the same schema, and the
migrations that rename keep the rows."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from openses.store.database import MIGRATIONS, make_engine, migrate
from openses.store.tables import metadata
from tests.support import database_url


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    with database_url(request.param, str(tmp_path)) as url:
        engine = make_engine(url)
        yield engine
        engine.dispose()


def test_migrations_match_metadata(engine: Engine) -> None:
    migrate(engine)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []


def test_migrating_twice_is_harmless(engine: Engine) -> None:
    migrate(engine)
    migrate(engine)
    tables = set(inspect(engine).get_table_names())
    assert set(metadata.tables) <= tables


def _alembic(engine: Engine, action: str, revision: str) -> None:
    with engine.begin() as connection:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        getattr(command, action)(config, revision)


def _outbox_shape(engine: Engine, table: str) -> dict[str, object]:
    schema = inspect(engine)
    return {
        "tables": sorted(
            name for name in schema.get_table_names() if "deliver" in name or "publi" in name
        ),
        "columns": [column["name"] for column in schema.get_columns(table)][-2:],
        "indexes": [(index["name"], index["column_names"]) for index in schema.get_indexes(table)],
        "primary key": schema.get_pk_constraint(table)["name"],
        "sequence": _id_sequence(engine, table),
    }


def _id_sequence(engine: Engine, table: str) -> str | None:
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect() as connection:
        query = text("SELECT pg_get_serial_sequence(:table, 'id')")
        return str(connection.execute(query, {"table": table}).scalar_one())


def test_the_outbox_rows_become_publications_and_back(engine: Engine) -> None:
    _alembic(engine, "upgrade", "0003")
    insert = (
        "INSERT INTO deliveries (account_id, region, kind, target, payload, status, attempts,"
        " next_attempt_at, created_at, delivered_at) VALUES ('111122223333', 'us-east-1',"
        " 'sns', '{}', '{}', :status, 1, :at, :at, :done)"
    )
    at = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    with engine.begin() as connection:
        connection.execute(text(insert), {"status": "delivered", "at": at, "done": at})
        connection.execute(text(insert), {"status": "pending", "at": at, "done": None})
        connection.execute(text(insert), {"status": "dead", "at": at, "done": None})
    postgresql = engine.dialect.name == "postgresql"

    _alembic(engine, "upgrade", "head")
    assert _outbox_shape(engine, "publications") == {
        # "deliveries" is the delivery queue since 0007 (issue 15), a table of its own
        "tables": ["deliveries", "publications"],
        "columns": ["created_at", "published_at"],
        "indexes": [
            # issue 19: the dashboard's publication status per destination (0017)
            (
                "ix_publications_destination",
                ["account_id", "region", "configuration_set", "destination_name", "status"],
            ),
            ("ix_publications_due", ["status", "next_attempt_at"]),
        ],
        "primary key": "publications_pkey" if postgresql else None,
        "sequence": "public.publications_id_seq" if postgresql else None,
    }
    with engine.begin() as connection:
        connection.execute(
            text(
                insert.replace("deliveries", "publications").replace("delivered_at", "published_at")
            ),
            {"status": "pending", "at": at, "done": None},
        )
        rows = connection.execute(
            text("SELECT id, status, published_at IS NOT NULL FROM publications ORDER BY id")
        ).all()
    assert [tuple(row) for row in rows] == [
        (1, "published", True),
        (2, "pending", False),
        (3, "dead", False),
        (4, "pending", False),
    ]

    _alembic(engine, "downgrade", "0003")
    assert _outbox_shape(engine, "deliveries") == {
        "tables": ["deliveries"],
        "columns": ["created_at", "delivered_at"],
        "indexes": [("ix_deliveries_due", ["status", "next_attempt_at"])],
        "primary key": "deliveries_pkey" if postgresql else None,
        "sequence": "public.deliveries_id_seq" if postgresql else None,
    }
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, status FROM deliveries ORDER BY id")).all()
    assert [tuple(row) for row in rows] == [
        (1, "delivered"),
        (2, "pending"),
        (3, "dead"),
        (4, "pending"),
    ]


def test_migrated_columns_stand_in_the_order_of_the_tables(engine: Engine) -> None:
    """What autogenerate's compare does not see: each table's columns in store/tables.py's
    order (the helpers that build repeated columns must keep it)."""
    migrate(engine)
    schema = inspect(engine)
    for table in metadata.sorted_tables:
        migrated = [column["name"] for column in schema.get_columns(table.name)]
        assert migrated == [column.name for column in table.columns], table.name
