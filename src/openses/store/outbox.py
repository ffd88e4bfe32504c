"""The outbox: event records and, for each, one publication row per destination it goes to.

Rows are written in the caller's transaction, next to the state change that caused them, so an
event exists exactly when its cause does. The caller resolves the destinations at record time
(ConfigurationSet.destinations_for): a destination changed or deleted later affects only events
recorded after the change.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from openses.domain.event_destination import EventDestination
from openses.store import leases, mapping
from openses.store.queries import Insert
from openses.store.repository import AccountRegionRepository
from openses.store.tables import events, publications

PENDING = leases.PENDING  # the status store/leases.py claims
PUBLISHED = "published"
DEAD = "dead"


_INSERT_EVENTS = Insert(events)
_INSERT_PUBLICATIONS = Insert(publications)


class CommitSignal:
    """Raised when a unit of work commits publications, so that a dispatcher in the same
    process wakes at once instead of at its next poll. Other processes still find the rows by
    polling. (Events that no destination receives are recorded without raising it.) One per
    process, built by the composition root (``bootstrap.py``) and handed to the connection
    sources that commit and to the dispatcher that waits."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def notify(self) -> None:
        self._event.set()

    def clear(self) -> None:
        self._event.clear()

    def is_set(self) -> bool:
        return self._event.is_set()

    def wait(self, timeout: float) -> bool:
        return self._event.wait(timeout)


class OutboxRepository(AccountRegionRepository):
    def __init__(self, connection: Connection, account_id: str, region: str) -> None:
        super().__init__(connection, account_id, region)
        self.recorded = False

    def add_events(
        self,
        message_id: str,
        configuration_set: str | None,
        routed: Sequence[tuple[dict[str, Any], Sequence[EventDestination]]],
        now: datetime.datetime,
    ) -> None:
        """Record a configuration set's events, each with one publication per destination it
        was routed to (ConfigurationSet.destinations_for decides which)."""
        if not routed:
            return
        _INSERT_EVENTS.run(
            self._connection,
            [
                {
                    **self._scope_params,
                    "message_id": message_id,
                    "configuration_set": configuration_set,
                    "event_type": record["eventType"],
                    "payload": record,
                    "created_at": now,
                }
                for record, _ in routed
            ],
        )
        rows = [
            self._publication(
                *mapping.target_to_json(destination.target),
                record,
                now,
                message_id=message_id,
                configuration_set=configuration_set,
                destination_name=destination.name,
            )
            for record, destinations in routed
            for destination in destinations
        ]
        if rows:
            self.recorded = True
            _INSERT_PUBLICATIONS.run(self._connection, rows)

    def add_unpublished(
        self, message_id: str, records: Sequence[dict[str, Any]], now: datetime.datetime
    ) -> None:
        """Record the events of a message that has no configuration set (none given, or
        deleted since): published nowhere, kept for its insights, as SES's Virtual
        Deliverability Manager sees every message of the account (GetMessageInsights)."""
        self.add_events(message_id, None, [(record, []) for record in records], now)

    def add_publication(
        self,
        kind: str,
        target: dict[str, Any],
        payload: dict[str, Any] | str,
        now: datetime.datetime,
        *,
        message_id: str | None = None,
    ) -> None:
        """A publication outside event publishing (identity notifications, SNS validation)."""
        self.recorded = True
        _INSERT_PUBLICATIONS.run(
            self._connection, [self._publication(kind, target, payload, now, message_id=message_id)]
        )

    def _publication(
        self,
        kind: str,
        target: dict[str, Any],
        payload: dict[str, Any] | str,
        now: datetime.datetime,
        *,
        message_id: str | None,
        configuration_set: str | None = None,
        destination_name: str | None = None,
    ) -> dict[str, Any]:
        return {
            **self._scope_params,
            "message_id": message_id,
            "configuration_set": configuration_set,
            "destination_name": destination_name,
            "kind": kind,
            "target": target,
            "payload": payload,
            "status": PENDING,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
