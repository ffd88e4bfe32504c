"""The configuration-set repository: the only code that reads or writes its tables."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Row, delete, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from openses.domain.configuration_set import ConfigurationSet
from openses.domain.errors import (
    ConfigurationSetAlreadyExists,
    ConfigurationSetNotFound,
    EventDestinationAlreadyExists,
)
from openses.domain.event_destination import EventDestination, EventType
from openses.domain.tags import configuration_set_arn
from openses.store import mapping
from openses.store.tables import configuration_sets, event_destinations
from openses.store.tags import TagRepository


class ConfigurationSetRepository:
    def __init__(self, connection: Connection, account_id: str, region: str) -> None:
        self._connection = connection
        self._account_id = account_id
        self._region = region
        self._tags = TagRepository(connection)

    def _scope(self) -> Any:
        return (configuration_sets.c.account_id == self._account_id) & (
            configuration_sets.c.region == self._region
        )

    def _arn(self, name: str) -> str:
        return str(configuration_set_arn(self._region, self._account_id, name))

    def lock_scope(self) -> None:
        """Hold this account and region's sets still until the transaction ends, so a count
        taken now stays true. SQLite writers already run one at a time (BEGIN IMMEDIATE)."""
        if self._connection.dialect.name == "postgresql":
            self._connection.execute(
                text("SELECT pg_advisory_xact_lock(hashtext(:scope))"),
                {"scope": f"openses:configuration-sets:{self._account_id}:{self._region}"},
            )

    def count(self) -> int:
        query = select(func.count()).select_from(configuration_sets).where(self._scope())
        return int(self._connection.execute(query).scalar_one())

    def add(self, configuration_set: ConfigurationSet) -> None:
        values = _row_values(configuration_set)
        try:
            with self._connection.begin_nested():
                set_id = self._connection.execute(
                    insert(configuration_sets).values(
                        account_id=self._account_id,
                        region=self._region,
                        name=configuration_set.name,
                        created_at=configuration_set.created_at,
                        **values,
                    )
                ).inserted_primary_key[0]  # type: ignore[index]
        except IntegrityError:
            raise ConfigurationSetAlreadyExists(configuration_set.name) from None
        for destination in configuration_set.event_destinations:
            self._insert_destination(set_id, configuration_set.name, destination)
        self._tags.replace(self._arn(configuration_set.name), configuration_set.tags)

    def exists(self, name: str) -> bool:
        query = select(configuration_sets.c.id).where(
            self._scope(), configuration_sets.c.name == name
        )
        return self._connection.execute(query).first() is not None

    def get(self, name: str, *, for_update: bool = False) -> ConfigurationSet:
        query = select(configuration_sets).where(self._scope(), configuration_sets.c.name == name)
        if for_update:
            query = query.with_for_update()
        row = self._connection.execute(query).first()
        if row is None:
            raise ConfigurationSetNotFound(name)
        destination_rows = self._connection.execute(
            select(event_destinations)
            .where(event_destinations.c.configuration_set_id == row.id)
            .order_by(event_destinations.c.id)
        ).all()
        return _configuration_set(
            row,
            [_event_destination(r) for r in destination_rows],
            self._tags.get(self._arn(name)),
        )

    def list_names(self, *, after: str | None, limit: int) -> list[str]:
        query = select(configuration_sets.c.name).where(self._scope())
        if after is not None:
            query = query.where(configuration_sets.c.name > after)
        query = query.order_by(configuration_sets.c.name).limit(limit)
        return list(self._connection.execute(query).scalars())

    def save(self, configuration_set: ConfigurationSet) -> None:
        """Write the set's options and reconcile its event destinations and tags."""
        set_id = self._id(configuration_set.name)
        self._connection.execute(
            update(configuration_sets)
            .where(configuration_sets.c.id == set_id)
            .values(**_row_values(configuration_set))
        )
        stored = {
            row.name: row
            for row in self._connection.execute(
                select(event_destinations).where(
                    event_destinations.c.configuration_set_id == set_id
                )
            )
        }
        wanted = {d.name: d for d in configuration_set.event_destinations}
        gone = [name for name in stored if name not in wanted]
        if gone:
            self._connection.execute(
                delete(event_destinations).where(
                    event_destinations.c.configuration_set_id == set_id,
                    event_destinations.c.name.in_(gone),
                )
            )
        for name, destination in wanted.items():
            if name not in stored:
                self._insert_destination(set_id, configuration_set.name, destination)
            elif _event_destination(stored[name]) != destination:
                self._connection.execute(
                    update(event_destinations)
                    .where(event_destinations.c.id == stored[name].id)
                    .values(**_destination_values(destination))
                )
        self._tags.replace(self._arn(configuration_set.name), configuration_set.tags)

    def remove(self, name: str) -> None:
        set_id = self._id(name)
        self._connection.execute(
            delete(event_destinations).where(event_destinations.c.configuration_set_id == set_id)
        )
        self._connection.execute(
            delete(configuration_sets).where(configuration_sets.c.id == set_id)
        )
        self._tags.replace(self._arn(name), [])

    def _id(self, name: str) -> int:
        query = select(configuration_sets.c.id).where(
            self._scope(), configuration_sets.c.name == name
        )
        set_id = self._connection.execute(query).scalar()
        if set_id is None:
            raise ConfigurationSetNotFound(name)
        return int(set_id)

    def _insert_destination(
        self, set_id: int, set_name: str, destination: EventDestination
    ) -> None:
        try:
            with self._connection.begin_nested():
                self._connection.execute(
                    insert(event_destinations).values(
                        configuration_set_id=set_id,
                        name=destination.name,
                        **_destination_values(destination),
                    )
                )
        except IntegrityError:
            raise EventDestinationAlreadyExists(set_name, destination.name) from None


def _row_values(configuration_set: ConfigurationSet) -> dict[str, Any]:
    return {
        "sending_enabled": configuration_set.sending_enabled,
        "tracking_options": mapping.tracking_to_json(configuration_set.tracking_options),
        "delivery_options": mapping.delivery_to_json(configuration_set.delivery_options),
        "reputation_options": mapping.reputation_to_json(configuration_set.reputation_options),
        "suppression_options": mapping.suppression_to_json(configuration_set.suppression_options),
        "vdm_options": mapping.vdm_to_json(configuration_set.vdm_options),
        "archiving_options": mapping.archiving_to_json(configuration_set.archiving_options),
    }


def _configuration_set(
    row: Row[Any], destinations: list[EventDestination], tags: list[Any]
) -> ConfigurationSet:
    return ConfigurationSet(
        name=row.name,
        created_at=row.created_at,
        sending_enabled=row.sending_enabled,
        tracking_options=mapping.tracking_from_json(row.tracking_options),
        delivery_options=mapping.delivery_from_json(row.delivery_options),
        reputation_options=mapping.reputation_from_json(row.reputation_options),
        suppression_options=mapping.suppression_from_json(row.suppression_options),
        vdm_options=mapping.vdm_from_json(row.vdm_options),
        archiving_options=mapping.archiving_from_json(row.archiving_options),
        event_destinations=destinations,
        tags=tags,
    )


def _destination_values(destination: EventDestination) -> dict[str, Any]:
    kind, target = mapping.target_to_json(destination.target)
    return {
        "enabled": destination.enabled,
        "matching_event_types": list(destination.matching_event_types),
        "kind": kind,
        "target": target,
    }


def _event_destination(row: Row[Any]) -> EventDestination:
    return EventDestination(
        name=row.name,
        enabled=row.enabled,
        matching_event_types=tuple(EventType(t) for t in row.matching_event_types),
        target=mapping.target_from_json(row.kind, row.target),
    )
