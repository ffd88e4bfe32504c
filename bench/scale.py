"""Scale: API latency as configuration sets pile up, and openses' memory with many messages
stored. The bulk goes in through openses' own repositories (ConfigurationSetRepository.add,
MessageRepository.add) in large transactions from this process, not through the API."""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass

from sqlalchemy import Engine, func, select

from bench import load
from bench.clients import ACCOUNT_ID, REGION
from bench.processes import Server
from openses.domain.configuration_set import ConfigurationSet
from openses.domain.message import new_message_id
from openses.store import message_search
from openses.store.database import make_engine
from openses.store.messages import StoredMessage
from openses.store.sources import EngineSource
from openses.store.tables import messages
from openses.store.unit_of_work import UnitOfWork

PREFIX = "bench-scale-"
BATCH = 2_000


@dataclass(frozen=True, slots=True)
class Level:
    sets: int
    get: load.Result
    list: load.Result


@dataclass(frozen=True, slots=True)
class Memory:
    messages: int
    through_api: int
    rss_mb: float


def run(server: Server, database_url: str, levels: tuple[int, ...], seconds: float) -> list[Level]:
    engine = make_engine(database_url)
    results = []
    stored = 0
    try:
        for level in levels:
            _add_sets(engine, stored, level)
            stored = level
            params = {"count": str(level), "scale_prefix": PREFIX}
            load.run(server.url, "get_random", min(1.0, seconds), **params)
            get = load.run(server.url, "get_random", seconds, **params)
            listed = load.run(server.url, "list", seconds)
            results.append(Level(level, get, listed))
    finally:
        engine.dispose()
    return results


def memory(server: Server, database_url: str, total: int, seconds: float) -> Memory:
    """Top the store up to ``total`` messages, copies of one sent through the API, then load
    the server a little and read its RSS."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            listed = message_search.list_messages(connection, account_id=ACCOUNT_ID, limit=1)
            first = message_search.get_message(connection, listed[0].message_id) if listed else None
        if first is None:
            raise RuntimeError("no message was sent through the API to copy")
        through_api = _message_count(engine)
        template = _stored(first)
        _add_messages(engine, template, total - through_api)
    finally:
        engine.dispose()
    load.run(server.url, "get", seconds, set="bench-set")
    load.run(server.url, "messages", seconds)
    return Memory(max(total, through_api), through_api, server.rss_mb())


def _add_sets(engine: Engine, start: int, stop: int) -> None:
    now = datetime.datetime.now(datetime.UTC)
    for first in range(start, stop, BATCH):
        with UnitOfWork(EngineSource(engine, write=True), ACCOUNT_ID, REGION) as uow:
            for index in range(first, min(first + BATCH, stop)):
                uow.configuration_sets.add(
                    ConfigurationSet(name=f"{PREFIX}{index:06d}", created_at=now)
                )
            uow.commit()


def _add_messages(engine: Engine, template: StoredMessage, count: int) -> None:
    for first in range(0, count, BATCH):
        with UnitOfWork(EngineSource(engine, write=True), ACCOUNT_ID, REGION) as uow:
            for _ in range(min(BATCH, count - first)):
                now = datetime.datetime.now(datetime.UTC)
                uow.messages.add(
                    dataclasses.replace(template, message_id=new_message_id(now), created_at=now)
                )
            uow.commit()


def _message_count(engine: Engine) -> int:
    """Read-only, straight from openses' messages table."""
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(messages)).scalar_one())


def _stored(row: message_search.MessageRow) -> StoredMessage:
    return StoredMessage(
        message_id=row.message_id,
        account_id=row.account_id,
        region=row.region,
        configuration_set=row.configuration_set,
        source=row.source,
        destination=row.destination,
        subject=row.subject,
        tags=row.tags,
        status=row.status,
        raw=row.raw,
        created_at=row.created_at,
        mail=row.mail,
    )
