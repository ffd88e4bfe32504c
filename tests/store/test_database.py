"""The event loop's PostgreSQL engine (store/database.make_loop_engine) takes the URLs that the
rest of openses takes: libpq's connection parameters reach the server either way."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import text

from openses.store.database import make_engine, make_loop_engine
from tests.support import database_url

SETTINGS = (
    "SELECT current_setting('application_name'), current_setting('statement_timeout'),"
    " current_setting('search_path')"
)


@pytest.mark.parametrize(
    ("parameters", "driver", "expected"),
    [
        ("", "asyncpg", ("", "0", '"$user", public')),
        (
            "?sslmode=disable&connect_timeout=5&application_name=openses-test",
            "asyncpg",
            ("openses-test", "0", '"$user", public'),
        ),
        (
            "?options=-c%20statement_timeout%3D4000&search_path=public",
            "asyncpg",
            ("", "4s", "public"),
        ),
        # libpq parameters asyncpg does not know: psycopg's asyncio connections instead
        (
            "?keepalives=1&keepalives_idle=30&application_name=fallback",
            "psycopg",
            ("fallback", "0", '"$user", public'),
        ),
    ],
)
def test_connection_parameters_reach_the_server(
    tmp_path: Path, parameters: str, driver: str, expected: tuple[str, str, str]
) -> None:
    with database_url("postgresql", str(tmp_path)) as url:
        engine = make_engine(url + parameters)
        loop_engine = make_loop_engine(engine)
        assert loop_engine is not None

        async def settings() -> tuple[str, str, str]:
            async with loop_engine.connect() as connection:
                row = (await connection.execute(text(SETTINGS))).one()
            await loop_engine.dispose()
            return (row[0], row[1], row[2])

        try:
            assert loop_engine.dialect.driver == driver
            assert asyncio.run(settings()) == expected
        finally:
            engine.dispose()
