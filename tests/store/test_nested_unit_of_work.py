"""A unit of work entered while another is active in the same thread fails at once, instead of
waiting (30 s on SQLite) for the write lock its outer unit of work holds."""

from __future__ import annotations

import asyncio
import datetime
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from openses.domain.configuration_set import ConfigurationSet
from openses.store.database import make_engine, migrate
from openses.store.loop import LoopWriter
from openses.store.sources import EngineSource
from openses.store.unit_of_work import NestedUnitOfWork, UnitOfWork

ACCOUNT, REGION = "111122223333", "eu-west-1"
NOW = datetime.datetime(2026, 5, 1, 12, 0, tzinfo=datetime.UTC)
MESSAGE = (
    "a unit of work was entered while another one is active in this thread "
    f"(account {ACCOUNT}, region {REGION}); finish the first before starting the next, or do "
    "both in one"
)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'nested.db'}")
    migrate(engine)
    yield engine
    engine.dispose()


def _names(engine: Engine) -> list[str]:
    with UnitOfWork(EngineSource(engine, write=False), ACCOUNT, REGION) as uow:
        return uow.configuration_sets.list(after=None, limit=10)


def test_a_write_nested_in_a_write_fails_at_once(engine: Engine) -> None:
    writes = EngineSource(engine, write=True)
    started = time.monotonic()
    with UnitOfWork(writes, ACCOUNT, REGION) as outer:
        outer.configuration_sets.add(ConfigurationSet(name="outer", created_at=NOW))
        with pytest.raises(NestedUnitOfWork) as raised, UnitOfWork(writes, ACCOUNT, REGION):
            pass
        outer.commit()
    assert time.monotonic() - started < 5  # the lock wait it replaces is 30 s
    assert str(raised.value) == MESSAGE
    assert _names(engine) == ["outer"]  # the outer unit of work goes on unharmed


def test_a_unit_of_work_nested_on_the_loop_writer_fails_at_once(engine: Engine) -> None:
    writer = LoopWriter(engine)

    async def turn() -> None:
        with UnitOfWork(writer, ACCOUNT, REGION) as outer:
            outer.configuration_sets.add(ConfigurationSet(name="grouped", created_at=NOW))
            with pytest.raises(NestedUnitOfWork), UnitOfWork(writer, ACCOUNT, REGION):
                pass
            outer.commit()
        await writer.durable()

    started = time.monotonic()
    asyncio.run(turn())
    assert time.monotonic() - started < 5
    assert _names(engine) == ["grouped"]
    writer.close()


def test_the_same_unit_of_work_entered_twice_fails_at_once(engine: Engine) -> None:
    uow = UnitOfWork(EngineSource(engine, write=True), ACCOUNT, REGION)
    with uow, pytest.raises(NestedUnitOfWork), uow:
        pass


def test_units_of_work_one_after_the_other_are_fine(engine: Engine) -> None:
    writes = EngineSource(engine, write=True)
    for name in ("first", "second"):
        with UnitOfWork(writes, ACCOUNT, REGION) as uow:
            uow.configuration_sets.add(ConfigurationSet(name=name, created_at=NOW))
            uow.commit()
    assert _names(engine) == ["first", "second"]
