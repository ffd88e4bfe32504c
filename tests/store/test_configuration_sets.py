"""The repository's one-statement read agrees with its row-locking read, on both stores."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from openses.domain.configuration_set import ConfigurationSet
from openses.domain.errors import ConfigurationSetNotFound
from openses.domain.event_destination import (
    CloudWatchDestination,
    DimensionConfiguration,
    DimensionValueSource,
    EventDestination,
    EventType,
    SnsDestination,
)
from openses.domain.options import DeliveryOptions, ReputationOptions, Tag, TlsPolicy
from openses.store.database import make_engine, migrate
from openses.store.sources import EngineSource
from openses.store.unit_of_work import UnitOfWork
from tests.support import database_url

ACCOUNT, REGION = "111122223333", "eu-west-1"


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    with database_url(request.param, str(tmp_path)) as url:
        engine = make_engine(url)
        migrate(engine)
        yield engine
        engine.dispose()


def _destination(name: str, enabled: bool) -> EventDestination:
    return EventDestination(
        name=name,
        enabled=enabled,
        matching_event_types=(EventType.BOUNCE, EventType.SEND),
        target=SnsDestination(topic_arn=f"arn:aws:sns:{REGION}:{ACCOUNT}:{name}"),
    )


def _stored_set() -> ConfigurationSet:
    metrics = EventDestination(
        name="a-metrics",
        enabled=True,
        matching_event_types=(EventType.DELIVERY,),
        target=CloudWatchDestination(
            dimension_configurations=(
                DimensionConfiguration(
                    dimension_name="campaign",
                    dimension_value_source=DimensionValueSource.MESSAGE_TAG,
                    default_dimension_value="none",
                ),
            )
        ),
    )
    return ConfigurationSet(
        name="whole",
        created_at=datetime.datetime(2026, 3, 4, 5, 6, 7, tzinfo=datetime.UTC),
        sending_enabled=False,
        delivery_options=DeliveryOptions(tls_policy=TlsPolicy.REQUIRE, max_delivery_seconds=600),
        reputation_options=ReputationOptions(reputation_metrics_enabled=True),
        # names out of alphabetical order: insertion order must survive
        event_destinations=[_destination("z-first", True), metrics, _destination("m-third", False)],
        tags=[Tag("zeta", "1"), Tag("alpha", "ünï")],
    )


def test_the_one_statement_read_returns_what_was_stored(engine: Engine) -> None:
    stored = _stored_set()
    with UnitOfWork(EngineSource(engine, write=True), ACCOUNT, REGION) as uow:
        uow.configuration_sets.add(stored)
        uow.commit()
    with UnitOfWork(EngineSource(engine, write=False), ACCOUNT, REGION) as uow:
        read = uow.configuration_sets.get("whole")
    with UnitOfWork(EngineSource(engine, write=True), ACCOUNT, REGION) as uow:
        locked = uow.configuration_sets.get("whole", for_update=True)
    assert read == locked
    assert [d.name for d in read.event_destinations] == ["z-first", "a-metrics", "m-third"]
    assert [d.enabled for d in read.event_destinations] == [True, True, False]
    assert read.event_destinations[1] == stored.event_destinations[1]
    assert read.tags == stored.tags
    assert read.delivery_options == stored.delivery_options
    assert read.sending_enabled is False


def test_a_set_without_destinations_or_tags(engine: Engine) -> None:
    with UnitOfWork(EngineSource(engine, write=True), ACCOUNT, REGION) as uow:
        uow.configuration_sets.add(
            ConfigurationSet(name="bare", created_at=datetime.datetime.now(datetime.UTC))
        )
        uow.commit()
    with UnitOfWork(EngineSource(engine, write=False), ACCOUNT, REGION) as uow:
        read = uow.configuration_sets.get("bare")
    assert read.event_destinations == []
    assert read.tags == []


def test_another_scope_does_not_see_the_set(engine: Engine) -> None:
    with UnitOfWork(EngineSource(engine, write=True), ACCOUNT, REGION) as uow:
        uow.configuration_sets.add(_stored_set())
        uow.commit()
    with (
        UnitOfWork(EngineSource(engine, write=False), ACCOUNT, "us-east-1") as uow,
        pytest.raises(ConfigurationSetNotFound),
    ):
        uow.configuration_sets.get("whole")
