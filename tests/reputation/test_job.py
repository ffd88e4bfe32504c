"""The reputation job on its own, with the clock in hand: the window, the minimum volume,
the simulator switch, which bounces count, enforcement modes and what it publishes."""

from __future__ import annotations

import datetime
from typing import Any

from sqlalchemy import Engine, select

from openses.config import ReputationSettings
from openses.domain.configuration_set import ConfigurationSet
from openses.domain.options import ReputationOptions
from openses.domain.reputation import EnforcementStatus, ReputationState
from openses.events.reputation import KIND, ReputationJob
from openses.store import reputation as states
from openses.store.configuration_sets import ConfigurationSetRepository
from openses.store.tables import publications
from tests.reputation.counting import count_message
from tests.support import fresh_account, unique

NOW = datetime.datetime(2026, 6, 1, 12, 7, tzinfo=datetime.UTC)
BOUNCE = "bounce@simulator.amazonses.com"


def _run(engine: Engine, **settings: Any) -> dict[str | None, ReputationState]:
    ReputationJob(engine, ReputationSettings(**settings), clock=lambda: NOW).run(NOW)
    with engine.connect() as connection:
        return {s.configuration_set: s for s in states.all_states(connection)}


def _sends(engine: Engine, account: str, count: int, **options: Any) -> None:
    for _ in range(count):
        count_message(
            engine, account, NOW - datetime.timedelta(minutes=5), "a@example.net", **options
        )


def test_rates_need_the_minimum_volume(engine: Engine) -> None:
    account = fresh_account()
    _sends(engine, account, 18)
    count_message(engine, account, NOW, "b@example.net", bounce="Permanent")
    state = _run(engine)[None]
    assert (state.reputation.volumes.sends, state.reputation.bounce_rate) == (19, None)
    assert state.reputation.status is EnforcementStatus.HEALTHY
    _sends(engine, account, 1)
    state = _run(engine)[None]
    assert (state.reputation.bounce_rate, state.reputation.complaint_rate) == (0.05, 0.0)
    assert state.reputation.status is EnforcementStatus.PROBATION
    # a larger minimum volume takes the rates away again
    assert _run(engine, min_volume=50)[None].reputation.bounce_rate is None


def test_only_hard_bounces_outside_the_suppression_list_count(engine: Engine) -> None:
    account = fresh_account()
    _sends(engine, account, 17)
    count_message(engine, account, NOW, "t@example.net", bounce="Transient")
    count_message(
        engine,
        account,
        NOW,
        "s@example.net",
        bounce="Permanent",
        bounce_sub_type="OnAccountSuppressionList",
    )
    count_message(engine, account, NOW, "p@example.net", bounce="Permanent")
    volumes = _run(engine)[None].reputation.volumes
    assert (volumes.sends, volumes.bounces) == (20, 1)


def test_the_window_and_the_simulator_switch(engine: Engine) -> None:
    account = fresh_account()
    _sends(engine, account, 20)
    count_message(
        engine, account, NOW - datetime.timedelta(hours=30), "old@example.net", bounce="Permanent"
    )
    for _ in range(5):
        count_message(engine, account, NOW, BOUNCE, bounce="Permanent")
    counted = _run(engine, window_hours=24)[None].reputation.volumes
    assert (counted.sends, counted.bounces) == (25, 5)
    assert _run(engine)[None].reputation.volumes.bounces == 6  # two weeks reach the old one
    without = _run(engine, window_hours=24, count_simulator=False)[None].reputation
    assert (without.volumes.sends, without.volumes.bounces, without.bounce_rate) == (20, 0, 0.0)


def test_enforcement_modes(engine: Engine) -> None:
    account = fresh_account()
    _sends(engine, account, 18)
    for _ in range(2):
        count_message(engine, account, NOW, "p@example.net", bounce="Permanent")
    warned = _run(engine)[None]
    assert (warned.reputation.status, warned.sending_paused) == (EnforcementStatus.SHUTDOWN, False)
    paused = _run(engine, enforcement="aws")[None]
    assert (paused.reputation.status, paused.sending_paused, paused.paused_at) == (
        EnforcementStatus.SHUTDOWN,
        True,
        NOW,
    )
    off = _run(engine, enforcement="off")[None]
    assert (off.reputation.status, off.sending_paused, off.reputation.bounce_rate) == (
        EnforcementStatus.HEALTHY,
        False,
        0.1,
    )


def test_what_is_published(engine: Engine) -> None:
    account = fresh_account()
    watched, quiet = unique("watched"), unique("quiet")
    with engine.begin() as connection:
        repository = ConfigurationSetRepository(connection, account, "us-east-1")
        repository.add(
            ConfigurationSet(
                name=watched,
                created_at=NOW,
                reputation_options=ReputationOptions(reputation_metrics_enabled=True),
            )
        )
        repository.add(ConfigurationSet(name=quiet, created_at=NOW))
    for name in (watched, quiet):
        _sends(engine, account, 19, configuration_set=name)
        count_message(
            engine, account, NOW, "p@example.net", bounce="Permanent", configuration_set=name
        )
    found = _run(engine)
    assert found[watched].reputation.bounce_rate == 0.05
    assert found[quiet].reputation.bounce_rate == 0.05
    assert found[None].reputation.bounce_rate == 0.05
    with engine.connect() as connection:
        rows = connection.execute(
            select(publications.c.payload).where(
                publications.c.kind == KIND, publications.c.account_id == account
            )
        ).all()
    assert len(rows) == 1
    stamp = "2026-06-01T12:07:00.000Z"
    account_metrics = [
        {"MetricName": metric, "Dimensions": [], "Timestamp": stamp, "Value": value, "Unit": "None"}
        for metric, value in (("Reputation.BounceRate", 0.05), ("Reputation.ComplaintRate", 0.0))
    ]
    set_metrics = [
        {**metric, "Dimensions": [{"Name": "ses:configuration-set", "Value": watched}]}
        for metric in account_metrics
    ]
    assert rows[0].payload == {"metrics": account_metrics + set_metrics}


def test_a_deleted_set_is_forgotten(engine: Engine) -> None:
    account = fresh_account()
    name = unique("gone")
    with engine.begin() as connection:
        ConfigurationSetRepository(connection, account, "us-east-1").add(
            ConfigurationSet(name=name, created_at=NOW)
        )
    _sends(engine, account, 20, configuration_set=name)
    assert _run(engine)[name].reputation.volumes.sends == 20
    with engine.begin() as connection:
        ConfigurationSetRepository(connection, account, "us-east-1").remove(name)
    found = _run(engine)
    assert name not in found
    assert found[None].reputation.volumes.sends == 20


def test_instances_take_turns(engine: Engine) -> None:
    """A second instance on the same database does not assess again within half a period."""
    account = fresh_account()
    _sends(engine, account, 20)
    _run(engine)
    later = NOW + datetime.timedelta(seconds=10)
    job = ReputationJob(engine, ReputationSettings(), clock=lambda: later)
    job.run(later, unless_since=later - datetime.timedelta(seconds=30))
    with engine.connect() as connection:
        assert {s.evaluated_at for s in states.all_states(connection)} == {NOW}
    job.run(later, unless_since=later - datetime.timedelta(seconds=5))
    with engine.connect() as connection:
        assert {s.evaluated_at for s in states.all_states(connection)} == {later}
