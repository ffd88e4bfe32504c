"""The outbox wakes this process's dispatcher only when a commit adds publications for it."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, Table, func, select

from openses.domain.configuration_set import ConfigurationSet
from openses.domain.event_destination import EventDestination, EventType, SnsDestination
from openses.store.database import make_engine, migrate
from openses.store.outbox import CommitSignal
from openses.store.sources import EngineSource
from openses.store.tables import events, publications
from openses.store.unit_of_work import UnitOfWork

ACCOUNT, REGION = "111122223333", "eu-west-1"
NOW = datetime.datetime(2026, 5, 1, 12, 0, tzinfo=datetime.UTC)
SEND_RECORD = {"eventType": "Send", "mail": {"messageId": "m-1"}, "send": {}}


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'outbox.db'}")
    migrate(engine)
    yield engine
    engine.dispose()


def _set_receiving(*event_types: EventType) -> ConfigurationSet:
    destination = EventDestination(
        name="topic",
        enabled=True,
        matching_event_types=event_types,
        target=SnsDestination(topic_arn=f"arn:aws:sns:{REGION}:{ACCOUNT}:events"),
    )
    return ConfigurationSet(name="set", created_at=NOW, event_destinations=[destination])


def _record_send(engine: Engine, configuration_set: ConfigurationSet) -> bool:
    signal = CommitSignal()
    with UnitOfWork(EngineSource(engine, write=True, signal=signal), ACCOUNT, REGION) as uow:
        uow.outbox.add_events(
            "m-1",
            configuration_set.name,
            [(SEND_RECORD, configuration_set.destinations_for(EventType.SEND))],
            NOW,
        )
        uow.commit()
    return signal.is_set()


def _count(engine: Engine, table: Table) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def test_events_no_destination_receives_are_kept_without_waking_the_dispatcher(
    engine: Engine,
) -> None:
    assert _record_send(engine, _set_receiving(EventType.BOUNCE)) is False
    assert _count(engine, events) == 1
    assert _count(engine, publications) == 0


def test_a_publication_wakes_the_dispatcher_when_it_commits(engine: Engine) -> None:
    assert _record_send(engine, _set_receiving(EventType.SEND, EventType.BOUNCE)) is True
    assert _count(engine, events) == 1
    assert _count(engine, publications) == 1
