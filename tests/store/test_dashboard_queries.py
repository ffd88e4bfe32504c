"""The dashboard's queries (store/dashboard.py, store/message_search.py) are served by
indexes: SQLite's query plan for each statement they run names an index and scans no table
whole. (PostgreSQL's planner picks by its statistics, so it is left to the benchmark.)"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, event, insert, text

from openses.store import dashboard, message_search
from openses.store.database import make_engine, migrate, reading
from openses.store.tables import events
from tests.support import database_url

NOW = datetime.datetime(2026, 12, 4, 12, tzinfo=datetime.UTC)
ONE = dashboard.Scope("123456789012", "us-east-1")
EVERY = dashboard.Scope(None, None)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path}/plans.db")
    migrate(engine)
    yield engine
    engine.dispose()


def _plans(engine: Engine, run: Callable[[Connection], Any]) -> list[str]:
    """SQLite's query plan of every statement ``run`` executes, one text per statement."""
    statements: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        with reading(engine) as connection:
            run(connection)
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    plans = []
    with engine.connect() as connection:
        for statement, parameters in statements:
            rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
            plans.append(" | ".join(str(row[-1]) for row in rows))
    assert plans
    return plans


def _indexed(plan: str) -> bool:
    """Every table the plan reads, it reads through an index (SCAN of a table is a full scan;
    ``SCAN t USING COVERING INDEX`` reads only the index)."""
    steps = plan.split(" | ")
    reads = [step for step in steps if step.startswith(("SCAN", "SEARCH"))]
    return bool(reads) and all("INDEX" in step or "PRIMARY KEY" in step for step in reads)


@pytest.mark.parametrize("scope", [ONE, EVERY], ids=["one account", "every account"])
def test_the_overview_reads_indexes(engine: Engine, scope: dashboard.Scope) -> None:
    edges = [NOW - datetime.timedelta(hours=24 - hour) for hour in range(25)]

    def overview(connection: Connection) -> None:
        dashboard.event_series(connection, scope, edges)
        dashboard.backlog(connection, scope)

    plans = _plans(engine, overview)
    assert [plan for plan in plans if not _indexed(plan)] == []
    assert any("ix_events_" in plan for plan in plans)


def test_the_inbox_and_a_set_read_indexes(engine: Engine) -> None:
    def inbox(connection: Connection) -> None:
        message_search.list_messages(connection, account_id=ONE.account_id, region=ONE.region)
        message_search.list_messages(
            connection, account_id=ONE.account_id, region=ONE.region, before=1000
        )
        message_search.list_messages(
            connection, account_id=ONE.account_id, region=ONE.region, after=10
        )
        message_search.get_message(connection, "x", ONE.account_id, ONE.region)
        message_search.message_events(connection, "x")
        dashboard.destination_status(connection, "123456789012", "us-east-1", "set")
        dashboard.recent_events(connection, ONE, after=5)
        dashboard.recent_events(connection, ONE, configuration_set="set")

    plans = _plans(engine, inbox)
    assert [plan for plan in plans if not _indexed(plan)] == []
    for listing in (0, 1, 2, 6, 7):  # newest (or oldest) first straight from the index
        assert "TEMP B-TREE FOR ORDER BY" not in plans[listing]
    assert "ix_messages_scope_id" in plans[0]
    assert "ix_publications_destination" in plans[5]
    assert "ix_events_scope_id" in plans[6]


def test_plans_are_read_from_sqlite(engine: Engine) -> None:
    """The check above can fail: a query on an unindexed column is a full scan."""
    with engine.connect() as connection:
        rows = connection.execute(
            text("EXPLAIN QUERY PLAN SELECT * FROM messages WHERE subject = 'x'")
        ).all()
    assert not _indexed(" | ".join(str(row[-1]) for row in rows))


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_event_series_puts_each_event_in_its_interval(tmp_path: Path, backend: str) -> None:
    edges = [NOW - datetime.timedelta(minutes=5 * (3 - step)) for step in range(4)]
    at = {
        "before": NOW - datetime.timedelta(minutes=20),
        "first": edges[0],  # an interval includes its start
        "second": edges[1] + datetime.timedelta(seconds=1),
        "last": NOW - datetime.timedelta(microseconds=1),
        "after": NOW,  # and excludes its end
    }
    rows = [
        ("Send", at["before"], "123456789012"),
        ("Send", at["first"], "123456789012"),
        ("Send", at["second"], "123456789012"),
        ("Delivery", at["second"], "123456789012"),
        ("Delivery", at["last"], "123456789012"),
        ("Send", at["after"], "123456789012"),
        ("Send", at["second"], "210987654321"),
    ]
    with database_url(backend, str(tmp_path)) as url:
        engine = make_engine(url)
        try:
            migrate(engine)
            with engine.begin() as connection:
                connection.execute(
                    insert(events),
                    [
                        {
                            "account_id": account,
                            "region": "us-east-1",
                            "message_id": f"m{index}",
                            "configuration_set": "set",
                            "event_type": kind,
                            "payload": {"eventType": kind},
                            "created_at": moment,
                        }
                        for index, (kind, moment, account) in enumerate(rows)
                    ],
                )
            with reading(engine) as connection:
                one = dashboard.event_series(connection, ONE, edges)
                every = dashboard.event_series(connection, EVERY, edges)
        finally:
            engine.dispose()
    assert one == {"Send": [1, 1, 0], "Delivery": [0, 1, 1]}
    assert every == {"Send": [1, 2, 0], "Delivery": [0, 1, 1]}
