"""The reputation job: every ``OPENSES_REPUTATION_PUBLISH_SECONDS`` the dispatcher has it
assess every account's and configuration set's bounce and complaint rates from the rollup
(store/statistics.py), keep what it found (store/reputation.py), pause what must be paused,
and publish ``Reputation.BounceRate`` and ``Reputation.ComplaintRate`` to CloudWatch as
publications of kind ``reputation``, retried and dead-lettered like any other.

AWS publishes the account's two metrics without dimensions once it has rates, and a set's with
the dimension ``ses:configuration-set`` when the set's ReputationMetricsEnabled is true
(SES developer guide, "Exporting reputation metrics").
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine

from openses.config import ReputationSettings
from openses.domain.clock import Clock, utc_now
from openses.domain.reputation import (
    Enforcement,
    EnforcementStatus,
    Reputation,
    ReputationState,
    Volumes,
    assess,
)
from openses.domain.statistics import Counter, interval_start, next_interval_start
from openses.protocol.timestamps import iso8601
from openses.store import reputation as states
from openses.store import statistics
from openses.store.configuration_sets import ConfigurationSetRepository, SetReputation
from openses.store.configuration_sets import reputation_of_sets as sets_of
from openses.store.database import log_failure
from openses.store.outbox import OutboxRepository

log = logging.getLogger("openses.reputation")

KIND = "reputation"  # the publications' kind, published by events/publishers/reputation.py
BOUNCE_RATE = "Reputation.BounceRate"
COMPLAINT_RATE = "Reputation.ComplaintRate"
SET_DIMENSION = "ses:configuration-set"
COUNTED = (Counter.SEND, Counter.PERMANENT_BOUNCE, Counter.COMPLAINT)

Scope = tuple[str, str]  # account, region
SetScope = tuple[str, str, str]  # account, region, set


@dataclass(frozen=True, slots=True)
class _Window:
    since: datetime.datetime
    count_simulator: bool


class ReputationJob:
    def __init__(self, engine: Engine, settings: ReputationSettings, *, clock: Clock = utc_now):
        self._engine = engine
        self._settings = settings
        self._clock = clock
        self._next: datetime.datetime | None = None

    def tick(self) -> None:
        """Run when due; a failure is logged and the next tick tries again."""
        now = self._clock()
        if self._next is not None and now < self._next:
            return
        period = datetime.timedelta(seconds=self._settings.publish_seconds)
        self._next = now + period
        try:
            self.run(now, unless_since=now - period / 2)
        except Exception as error:
            log_failure(log, "the reputation job failed", error)

    def run(self, now: datetime.datetime, *, unless_since: datetime.datetime | None = None) -> None:
        """Assess, keep, pause and publish; ``unless_since``: not if another instance on the
        same database did since then (each period's assessment is made once)."""
        settings = self._settings
        since = interval_start(now - datetime.timedelta(hours=settings.window_hours))
        with self._engine.begin() as connection:
            if unless_since is not None and not states.take_turn(connection, since=unless_since):
                return
            points = [
                point
                for point in statistics.scoped_points(connection, since=since, counters=COUNTED)
                if settings.count_simulator or not point.simulator
            ]
            previous = {
                (s.account_id, s.region, s.configuration_set or ""): s
                for s in states.all_states(connection)
            }
            known = {(s.account_id, s.region, s.name): s for s in sets_of(connection)}
            states.remove_states(
                connection, [scope for scope in previous if scope[2] and scope not in known]
            )
            found = self._accounts(points, previous, now)
            found += self._sets(connection, points, previous, known, now)
            states.save_states(connection, found)
            _publish(connection, found, known, now)

    def _accounts(
        self,
        points: Sequence[statistics.ScopedPoint],
        previous: dict[SetScope, ReputationState],
        now: datetime.datetime,
    ) -> list[ReputationState]:
        volumes: dict[Scope, Volumes] = {}
        for point in points:
            scope = (point.account_id, point.region)
            volumes[scope] = volumes.get(scope, Volumes()) + _volumes(point)
        for account_id, region, name in previous:
            if not name:
                volumes.setdefault((account_id, region), Volumes())
        enforcement = Enforcement(self._settings.enforcement)
        found = []
        for (account_id, region), counted in sorted(volumes.items()):
            reputation = self._assess(counted, enforcement)
            paused = enforcement is Enforcement.AWS and reputation.status is (
                EnforcementStatus.SHUTDOWN
            )
            before = previous.get((account_id, region, ""))
            found.append(
                ReputationState(
                    account_id=account_id,
                    region=region,
                    configuration_set=None,
                    reputation=reputation,
                    sending_paused=paused,
                    paused_at=_paused_at(before, paused, now),
                    evaluated_at=now,
                )
            )
            if paused and not (before and before.sending_paused):
                log.warning("account %s in %s: sending paused by reputation", account_id, region)
        return found

    def _sets(
        self,
        connection: Connection,
        points: Sequence[statistics.ScopedPoint],
        previous: dict[SetScope, ReputationState],
        known: dict[SetScope, SetReputation],
        now: datetime.datetime,
    ) -> list[ReputationState]:
        volumes: dict[SetScope, Volumes] = {}
        for point in points:
            scope = (point.account_id, point.region, point.configuration_set)
            configuration_set = known.get(scope)
            if configuration_set is None:
                continue  # no set, or one deleted since
            fresh = configuration_set.last_fresh_start
            if fresh is not None and point.start < next_interval_start(fresh):
                continue  # the set's rates restart at its fresh start
            volumes[scope] = volumes.get(scope, Volumes()) + _volumes(point)
        for scope in previous:
            if scope[2] and scope in known:
                volumes.setdefault(scope, Volumes())
        found = []
        for scope, counted in sorted(volumes.items()):
            configuration_set = known[scope]
            # a set's status is reported whatever the account's enforcement
            reputation = self._assess(counted, Enforcement.WARN)
            before = previous.get(scope)
            paused = bool(
                before and before.sending_paused and not configuration_set.sending_enabled
            )
            if (
                self._settings.auto_pause_sets
                and reputation.status is EnforcementStatus.SHUTDOWN
                and configuration_set.sending_enabled
            ):
                _pause(connection, configuration_set, now)
                log.warning("configuration set %s: sending paused by reputation", scope)
                paused = True
            found.append(
                ReputationState(
                    account_id=scope[0],
                    region=scope[1],
                    configuration_set=scope[2],
                    reputation=reputation,
                    sending_paused=paused,
                    paused_at=_paused_at(before, paused, now),
                    evaluated_at=now,
                )
            )
        return found

    def _assess(self, volumes: Volumes, enforcement: Enforcement) -> Reputation:
        return assess(volumes, min_volume=self._settings.min_volume, enforcement=enforcement)


def _publish(
    connection: Connection,
    found: Sequence[ReputationState],
    known: dict[SetScope, SetReputation],
    now: datetime.datetime,
) -> None:
    """The account's rates, and those of the sets whose reputation metrics are enabled, as
    one publication per account and region."""
    datums: dict[Scope, list[dict[str, Any]]] = {}
    for state in found:
        reputation = state.reputation
        name = state.configuration_set
        if not reputation.exists:
            continue
        scope = (state.account_id, state.region, name or "")
        if name is not None and not known[scope].reputation_metrics_enabled:
            continue
        dimensions = [{"Name": SET_DIMENSION, "Value": name}] if name is not None else []
        datums.setdefault((state.account_id, state.region), []).extend(
            _datum(metric, dimensions, rate, now)
            for metric, rate in (
                (BOUNCE_RATE, reputation.bounce_rate),
                (COMPLAINT_RATE, reputation.complaint_rate),
            )
        )
    for (account_id, region), metrics in datums.items():
        OutboxRepository(connection, account_id, region).add_publication(
            KIND, {}, {"metrics": metrics}, now
        )


def _volumes(point: statistics.ScopedPoint) -> Volumes:
    if point.counter is Counter.SEND:
        return Volumes(sends=point.count)
    if point.counter is Counter.PERMANENT_BOUNCE:
        return Volumes(bounces=point.count)
    return Volumes(complaints=point.count)


def _paused_at(
    before: ReputationState | None, paused: bool, now: datetime.datetime
) -> datetime.datetime | None:
    if not paused:
        return None
    if before is not None and before.sending_paused and before.paused_at is not None:
        return before.paused_at
    return now


def _pause(connection: Connection, found: SetReputation, now: datetime.datetime) -> None:
    repository = ConfigurationSetRepository(connection, found.account_id, found.region)
    configuration_set = repository.get(found.name, for_update=True)
    configuration_set.set_sending_enabled(False, now)
    repository.save(configuration_set)


def _datum(
    metric: str, dimensions: list[dict[str, str]], rate: float | None, now: datetime.datetime
) -> dict[str, Any]:
    return {
        "MetricName": metric,
        "Dimensions": dimensions,
        "Timestamp": iso8601(now),
        "Value": rate,
        "Unit": "None",
    }
