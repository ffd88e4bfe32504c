"""Reputation states: what the reputation job (events/reputation.py) last found for each
account and region (configuration set ``""``) and each configuration set: volumes, rates,
status, and whether it paused the sending."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, delete, func, select, text

from openses.domain.reputation import EnforcementStatus, Reputation, ReputationState, Volumes
from openses.store.queries import Query, Upsert
from openses.store.repository import AccountRegionRepository
from openses.store.scoped import in_scope
from openses.store.tables import reputation_states

ACCOUNT = ""  # the configuration set of an account's own state
_TURN_LOCK = text("SELECT pg_advisory_xact_lock(hashtext(:scope))")

_REPLACED = (
    "status",
    "sends",
    "bounces",
    "complaints",
    "bounce_rate",
    "complaint_rate",
    "sending_paused",
    "paused_at",
    "evaluated_at",
)
_UPSERT = Upsert(reputation_states, replace=_REPLACED)
_ACCOUNT_PAUSED = Query(
    select(reputation_states.c.sending_paused).where(
        in_scope(reputation_states),
        reputation_states.c.configuration_set == ACCOUNT,
    )
)


class ReputationRepository(AccountRegionRepository):
    def account_paused(self) -> bool:
        """Whether reputation enforcement (``aws`` mode) paused this account's sending."""
        row = _ACCOUNT_PAUSED.first(self._connection, self._scope_params)
        return bool(row is not None and row.sending_paused)

    def states(self) -> list[ReputationState]:
        """The account's state first, then its sets' by name."""
        table = reputation_states
        rows = self._connection.execute(
            select(table).where(self._owned(table)).order_by(table.c.configuration_set)
        )
        return [_state(row) for row in rows]


def take_turn(connection: Connection, *, since: datetime.datetime) -> bool:
    """Whether this instance should assess now: no assessment was saved since ``since``.
    Instances sharing a database take turns: on PostgreSQL an advisory lock, held until the
    transaction ends, makes the others wait and then see this one's states; SQLite's writers
    already run one at a time."""
    if connection.dialect.name == "postgresql":
        connection.execute(_TURN_LOCK, {"scope": "openses:reputation"})
    latest = connection.execute(select(func.max(reputation_states.c.evaluated_at))).scalar()
    return latest is None or latest <= since


def all_states(connection: Connection) -> list[ReputationState]:
    table = reputation_states
    rows = connection.execute(
        select(table).order_by(table.c.account_id, table.c.region, table.c.configuration_set)
    )
    return [_state(row) for row in rows]


def save_states(connection: Connection, states: Sequence[ReputationState]) -> None:
    _UPSERT.run(connection, [_values(state) for state in states])


def remove_states(connection: Connection, scopes: Sequence[tuple[str, str, str]]) -> None:
    """Forget the states of these (account, region, configuration set): sets deleted since."""
    table = reputation_states
    for account_id, region, name in scopes:
        connection.execute(
            delete(table).where(
                table.c.account_id == account_id,
                table.c.region == region,
                table.c.configuration_set == name,
            )
        )


def _values(state: ReputationState) -> dict[str, Any]:
    reputation = state.reputation
    return {
        "account_id": state.account_id,
        "region": state.region,
        "configuration_set": state.configuration_set or ACCOUNT,
        "status": str(reputation.status),
        "sends": reputation.volumes.sends,
        "bounces": reputation.volumes.bounces,
        "complaints": reputation.volumes.complaints,
        "bounce_rate": reputation.bounce_rate,
        "complaint_rate": reputation.complaint_rate,
        "sending_paused": state.sending_paused,
        "paused_at": state.paused_at,
        "evaluated_at": state.evaluated_at,
    }


def _state(row: Any) -> ReputationState:
    return ReputationState(
        account_id=row.account_id,
        region=row.region,
        configuration_set=row.configuration_set or None,
        reputation=Reputation(
            volumes=Volumes(sends=row.sends, bounces=row.bounces, complaints=row.complaints),
            bounce_rate=row.bounce_rate,
            complaint_rate=row.complaint_rate,
            status=EnforcementStatus(row.status),
        ),
        sending_paused=row.sending_paused,
        paused_at=row.paused_at,
        evaluated_at=row.evaluated_at,
    )
