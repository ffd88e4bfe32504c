"""Servers with quotas for the quota and sandbox tests: a clock the test moves, and
openses configured as each test module needs."""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterator
from typing import Any

from openses import bootstrap
from openses.app import build_app
from openses.config import Settings
from tests.support import LiveServer, database_url, free_port, serve_in_thread


class MovableClock:
    """Now, as the test says: sends in one test land in the seconds it chooses."""

    def __init__(self) -> None:
        self.now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)

    def __call__(self) -> datetime.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += datetime.timedelta(seconds=seconds)


@contextlib.contextmanager
def quota_server(
    backend: str, tmp_dir: str, clock: MovableClock, **settings: Any
) -> Iterator[LiveServer]:
    with database_url(backend, tmp_dir) as url:
        configured = Settings(
            database_url=url,
            validate_destinations=False,
            dispatch_events=False,
            smtp_port=free_port(),
            smtps_port=free_port(),
            **settings,
        )
        app = build_app(bootstrap.server(configured, clock=clock))
        with serve_in_thread(configured, app) as live:
            yield live


def simple(source: str, *to: str) -> dict[str, Any]:
    """v2 SendEmail's arguments: a small text message from ``source`` to ``to``."""
    return {
        "FromEmailAddress": source,
        "Destination": {"ToAddresses": list(to)},
        "Content": {"Simple": {"Subject": {"Data": "quota"}, "Body": {"Text": {"Data": "x"}}}},
    }
