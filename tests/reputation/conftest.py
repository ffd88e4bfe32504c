"""Servers that assess reputation every 0.2 s and publish its metrics to moto's CloudWatch:
one enforcing as AWS does (``aws``), one that only reports (``warn``) and pauses sets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from openses.config import ReputationSettings, Settings
from openses.store.database import make_engine, migrate
from tests.events.conftest import FAST
from tests.events.conftest import _credentials as _credentials  # the dispatcher's AWS keys
from tests.peer import AwsPeer, aws_peer
from tests.support import LiveServer, database_url, serve_in_thread

PUBLISH_SECONDS = 0.2


@pytest.fixture
def engine(backend: str, tmp_path: Path) -> Iterator[Engine]:
    """A migrated database of the backend, for the tests that work on the store directly."""
    with database_url(backend, str(tmp_path)) as url:
        engine = make_engine(url)
        migrate(engine)
        yield engine
        engine.dispose()


@pytest.fixture(scope="session")
def reputation_peer() -> Iterator[AwsPeer]:
    with aws_peer() as running:
        yield running


def _serve(
    backend: str,
    tmp_path_factory: pytest.TempPathFactory,
    peer: AwsPeer,
    reputation: ReputationSettings,
) -> Iterator[LiveServer]:
    tmp = tmp_path_factory.mktemp(f"reputation-{backend}")
    with database_url(backend, str(tmp)) as url:
        settings = Settings(
            database_url=url, aws_endpoint_url=peer.url, publish=FAST, reputation=reputation
        )
        with serve_in_thread(settings) as live:
            yield live


@pytest.fixture(scope="session")
def enforcing(
    backend: str, tmp_path_factory: pytest.TempPathFactory, reputation_peer: AwsPeer
) -> Iterator[LiveServer]:
    """OPENSES_REPUTATION_ENFORCEMENT=aws."""
    yield from _serve(
        backend,
        tmp_path_factory,
        reputation_peer,
        ReputationSettings(publish_seconds=PUBLISH_SECONDS, enforcement="aws"),
    )


@pytest.fixture(scope="session")
def warning(
    backend: str, tmp_path_factory: pytest.TempPathFactory, reputation_peer: AwsPeer
) -> Iterator[LiveServer]:
    """The default enforcement (warn), with OPENSES_REPUTATION_AUTO_PAUSE_SETS=true."""
    yield from _serve(
        backend,
        tmp_path_factory,
        reputation_peer,
        ReputationSettings(publish_seconds=PUBLISH_SECONDS, auto_pause_sets=True),
    )
