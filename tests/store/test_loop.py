"""The event loop's kept connections (store/loop.py). Group commit on SQLite: units of work on
the event loop share one transaction per turn, each in its own savepoint. Reads keep their
connections open, and let them go when their PostgreSQL server does."""

from __future__ import annotations

import asyncio
import datetime
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.util import greenlet_spawn

from openses.domain.configuration_set import ConfigurationSet
from openses.store.database import make_engine, make_loop_engine, migrate
from openses.store.loop import LoopReader, LoopWriter
from openses.store.sources import EngineSource
from openses.store.tables import event_destinations
from openses.store.unit_of_work import UnitOfWork
from tests.support import database_url

ACCOUNT, REGION = "111122223333", "eu-west-1"
NOW = datetime.datetime(2026, 5, 1, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def database(tmp_path: Path) -> Iterator[tuple[Engine, Path]]:
    path = tmp_path / "loop.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    yield engine, path
    engine.dispose()


def _add(engine: Engine, writer: LoopWriter, name: str) -> None:
    with UnitOfWork(writer, ACCOUNT, REGION) as uow:
        uow.configuration_sets.add(ConfigurationSet(name=name, created_at=NOW))
        uow.commit()


def _add_then_fail(engine: Engine, writer: LoopWriter, name: str) -> None:
    with UnitOfWork(writer, ACCOUNT, REGION) as uow:
        uow.configuration_sets.add(ConfigurationSet(name=name, created_at=NOW))
        raise RuntimeError("the handler failed before committing")


def _names(engine: Engine, reader: LoopReader | None = None) -> set[str]:
    source = reader if reader is not None else EngineSource(engine, write=False)
    with UnitOfWork(source, ACCOUNT, REGION) as uow:
        return set(uow.configuration_sets.list(after=None, limit=100))


def _commits_seen(path: Path) -> sqlite3.Connection:
    """A connection whose ``PRAGMA data_version`` moves once per commit made elsewhere."""
    return sqlite3.connect(path)


def _data_version(watcher: sqlite3.Connection) -> int:
    return int(watcher.execute("PRAGMA data_version").fetchone()[0])


def test_units_of_work_in_one_turn_share_one_commit(database: tuple[Engine, Path]) -> None:
    engine, path = database
    writer, reader = LoopWriter(engine), LoopReader(engine)
    watcher = _commits_seen(path)
    before = _data_version(watcher)

    async def turn() -> None:
        for name in ("first", "second", "third"):
            _add(engine, writer, name)
        assert writer.pending
        assert _names(engine, reader) == set()  # not committed: other connections see nothing
        await writer.durable()
        assert not writer.pending

    asyncio.run(turn())
    assert _names(engine) == {"first", "second", "third"}
    assert _data_version(watcher) == before + 1
    writer.close()
    reader.close()


def test_a_failed_unit_of_work_rolls_back_alone(database: tuple[Engine, Path]) -> None:
    engine, _ = database
    writer = LoopWriter(engine)

    async def turn() -> None:
        _add(engine, writer, "kept-before")
        with pytest.raises(RuntimeError):
            _add_then_fail(engine, writer, "undone")
        _add(engine, writer, "kept-after")
        await writer.durable()

    asyncio.run(turn())
    assert _names(engine) == {"kept-before", "kept-after"}
    writer.close()


def test_a_failed_commit_fails_the_whole_group_and_the_next_starts_clean(
    database: tuple[Engine, Path],
) -> None:
    engine, _ = database
    writer = LoopWriter(engine)

    async def failing_turn() -> None:
        _add(engine, writer, "lost-with-the-group")
        with UnitOfWork(writer, ACCOUNT, REGION) as uow:
            # checked at COMMIT rather than at the INSERT: the group's commit fails
            connection = uow._in_use()
            connection.execute(text("PRAGMA defer_foreign_keys = ON"))
            connection.execute(
                insert(event_destinations).values(
                    configuration_set_id=999_999,
                    name="orphan",
                    enabled=True,
                    matching_event_types=["SEND"],
                    kind="sns",
                    target={"TopicArn": "arn:aws:sns:eu-west-1:111122223333:t"},
                )
            )
            uow.commit()
        with pytest.raises(IntegrityError):
            await writer.durable()

    async def next_turn() -> None:
        _add(engine, writer, "next-group")
        await writer.durable()

    asyncio.run(failing_turn())
    assert _names(engine) == set()
    asyncio.run(next_turn())
    assert _names(engine) == {"next-group"}
    writer.close()


def test_a_group_that_kept_nothing_frees_the_write_lock_at_once(
    database: tuple[Engine, Path],
) -> None:
    engine, path = database
    writer = LoopWriter(engine)

    async def turn() -> None:
        with pytest.raises(RuntimeError):
            _add_then_fail(engine, writer, "never-kept")
        other = sqlite3.connect(path, timeout=0.1, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # would fail with "database is locked"
        other.execute("ROLLBACK")
        other.close()

    asyncio.run(turn())
    writer.close()


def test_only_the_first_thread_borrows(database: tuple[Engine, Path]) -> None:
    engine, _ = database
    writer, reader = LoopWriter(engine), LoopReader(engine, most=2)
    first = reader.take()
    assert first is not None
    reader.give_back(first)
    elsewhere: list[object] = []
    thread = threading.Thread(target=lambda: elsewhere.append(reader.take()))
    thread.start()
    thread.join()
    assert elsewhere == [None]
    assert reader.take() is first  # kept open between units of work
    second = reader.take()  # a unit of work nested in (or, on PostgreSQL, beside) the first
    assert second is not None
    assert second is not first
    assert reader.take() is None  # beyond ``most`` at once, units of work take the pool
    reader.give_back(second)
    reader.give_back(first)
    writer.close()
    reader.close()
    assert first.closed
    assert second.closed


def test_reads_after_the_postgresql_server_dropped_the_connections(tmp_path: Path) -> None:
    """One read fails with the connection it was lent; the idle ones are not tried after it."""
    with database_url("postgresql", str(tmp_path)) as url:
        engine = make_engine(url)
        migrate(engine)
        loop_engine = make_loop_engine(engine)
        assert loop_engine is not None
        reader = LoopReader(loop_engine.sync_engine)

        def read() -> set[str]:
            return _names(loop_engine.sync_engine, reader)

        def two_at_once() -> None:
            first, second = reader.take(), reader.take()
            assert first is not None
            assert second is not None
            for connection in (first, second):
                assert connection.execute(text("SELECT 1")).scalar_one() == 1
            reader.give_back(first)
            reader.give_back(second)

        loop = asyncio.new_event_loop()
        try:
            loop.run_until_complete(greenlet_spawn(two_at_once))
            with engine.connect() as admin:
                admin.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                        " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                )
            with pytest.raises(DBAPIError):
                loop.run_until_complete(greenlet_spawn(read))
            assert loop.run_until_complete(greenlet_spawn(read)) == set()
            loop.run_until_complete(greenlet_spawn(two_at_once))  # neither is a dead one
            loop.run_until_complete(greenlet_spawn(reader.close))
            loop.run_until_complete(loop_engine.dispose())
        finally:
            loop.close()
            engine.dispose()
