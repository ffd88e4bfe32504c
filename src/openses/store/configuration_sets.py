"""The configuration-set repository: the only code that reads or writes its tables."""

from __future__ import annotations

import builtins
import datetime
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from sqlalchemy import (
    JSON,
    Connection,
    Row,
    bindparam,
    delete,
    func,
    insert,
    select,
    type_coerce,
    update,
)
from sqlalchemy.exc import IntegrityError

from openses.domain.configuration_set import ConfigurationSet
from openses.domain.errors import (
    ConfigurationSetAlreadyExists,
    ConfigurationSetNotFound,
    EventDestinationAlreadyExists,
)
from openses.domain.event_destination import EventDestination, EventType
from openses.domain.options import Tag
from openses.store import mapping
from openses.store.queries import Query
from openses.store.scoped import ScopedRepository, in_scope
from openses.store.tables import configuration_sets, event_destinations, resource_tags

# Statements are built once: building SQLAlchemy expressions per request costs more than
# running them.
_IN_SCOPE = in_scope(configuration_sets)
_NAMED = _IN_SCOPE & (configuration_sets.c.name == bindparam("name"))
_SELECT_SET_FOR_UPDATE = Query(select(configuration_sets).where(_NAMED).with_for_update())
_SELECT_ID = Query(select(configuration_sets.c.id).where(_NAMED))
_COUNT = Query(select(func.count().label("count")).select_from(configuration_sets).where(_IN_SCOPE))
_INSERT_SET = insert(configuration_sets)
_UPDATE_SET = update(configuration_sets).where(configuration_sets.c.id == bindparam("set_id"))
_INSERT_DESTINATION = insert(event_destinations)
_UPDATE_DESTINATION = update(event_destinations).where(
    event_destinations.c.id == bindparam("destination_id")
)
_LIST_NAMES = Query(
    select(configuration_sets.c.name)
    .where(_IN_SCOPE)
    .order_by(configuration_sets.c.name)
    .limit(bindparam("limit"))
)
_LIST_NAMES_AFTER = Query(
    select(configuration_sets.c.name)
    .where(_IN_SCOPE, configuration_sets.c.name > bindparam("after"))
    .order_by(configuration_sets.c.name)
    .limit(bindparam("limit"))
)
_SELECT_DESTINATIONS = Query(
    select(event_destinations)
    .where(event_destinations.c.configuration_set_id == bindparam("set_id"))
    .order_by(event_destinations.c.id)
)


def _select_whole(dialect: str) -> Query:
    """The set row with two JSON columns: its destinations and its tags, each object carrying
    its row id so that the order of insertion can be restored."""
    if dialect == "postgresql":
        json_object, json_array, as_json = func.json_build_object, func.json_agg, _same
    else:
        json_object, json_array, as_json = func.json_object, func.json_group_array, func.json
    destination = json_object(
        "id", event_destinations.c.id,
        "name", event_destinations.c.name,
        "enabled", event_destinations.c.enabled,
        "matching_event_types", as_json(event_destinations.c.matching_event_types),
        "kind", event_destinations.c.kind,
        "target", as_json(event_destinations.c.target),
    )  # fmt: skip
    destinations = (
        select(type_coerce(json_array(destination), JSON))
        .where(event_destinations.c.configuration_set_id == configuration_sets.c.id)
        .scalar_subquery()
    )
    tag = json_object(
        "id", resource_tags.c.id, "key", resource_tags.c.key, "value", resource_tags.c.value
    )  # fmt: skip
    tags = (
        select(type_coerce(json_array(tag), JSON))
        .where(resource_tags.c.resource_arn == bindparam("arn"))
        .scalar_subquery()
    )
    return Query(
        select(configuration_sets, destinations.label("destinations"), tags.label("tags")).where(
            _NAMED
        )
    )


def _same(column: Any) -> Any:
    return column


_SELECT_WHOLE = {dialect: _select_whole(dialect) for dialect in ("sqlite", "postgresql")}


class ConfigurationSetRepository(ScopedRepository):
    table = configuration_sets
    resource_type = "configuration-set"
    lock_kind = "configuration-sets"  # the name its lock has always had

    def count(self) -> int:
        row = _COUNT.first(self._connection, self._scope_params)
        return int(row.count) if row is not None else 0

    def add(self, configuration_set: ConfigurationSet) -> None:
        # No savepoint: a failed insert ends the whole unit of work, which rolls back.
        values = {
            **self._scope_params,
            "name": configuration_set.name,
            "created_at": configuration_set.created_at,
            **_row_values(configuration_set),
        }
        try:
            result = self._connection.execute(_INSERT_SET, values)
            set_id = result.inserted_primary_key[0]  # type: ignore[index]
        except IntegrityError:
            raise ConfigurationSetAlreadyExists(configuration_set.name) from None
        for destination in configuration_set.event_destinations:
            self._insert_destination(set_id, configuration_set.name, destination)
        self._tags.add(self._arn(configuration_set.name), configuration_set.tags)

    def exists(self, name: str) -> bool:
        return _SELECT_ID.first(self._connection, {**self._scope_params, "name": name}) is not None

    def get(self, name: str, *, for_update: bool = False) -> ConfigurationSet:
        if not for_update:
            return self._get_whole(name)
        row = _SELECT_SET_FOR_UPDATE.first(self._connection, {**self._scope_params, "name": name})
        if row is None:
            raise ConfigurationSetNotFound(name)
        destination_rows = _SELECT_DESTINATIONS.all(self._connection, {"set_id": row.id})
        return _configuration_set(
            row,
            [_event_destination(r) for r in destination_rows],
            self._tags.get(self._arn(name)),
        )

    def _get_whole(self, name: str) -> ConfigurationSet:
        """The set, its destinations and its tags in one statement (one round trip)."""
        query = _SELECT_WHOLE[self._connection.dialect.name]
        params = {**self._scope_params, "name": name, "arn": self._arn(name)}
        row = query.first(self._connection, params)
        if row is None:
            raise ConfigurationSetNotFound(name)
        destinations = sorted(row.destinations or [], key=lambda d: d["id"])
        return _configuration_set(
            row,
            [_event_destination(SimpleNamespace(**d)) for d in destinations],
            [Tag(t["key"], t["value"]) for t in sorted(row.tags or [], key=lambda t: t["id"])],
        )

    def list(self, *, after: str | None, limit: int) -> list[str]:
        """The sets' names in name order: keyset paging on the name."""
        if after is None:
            rows = _LIST_NAMES.all(self._connection, {**self._scope_params, "limit": limit})
        else:
            params = {**self._scope_params, "after": after, "limit": limit}
            rows = _LIST_NAMES_AFTER.all(self._connection, params)
        return [row.name for row in rows]

    def names_using_pool(self, pool_name: str) -> builtins.list[str]:
        """Issue 15: the sets whose DeliveryOptions.SendingPoolName is ``pool_name``."""
        pool = configuration_sets.c.delivery_options["sending_pool_name"].as_string()
        rows = self._connection.execute(
            select(configuration_sets.c.name)
            .where(self._scope(), pool == pool_name)
            .order_by(configuration_sets.c.name)
        )
        return [row.name for row in rows]

    def save(self, configuration_set: ConfigurationSet) -> None:
        """Write the set's options and reconcile its event destinations and tags."""
        set_id = self._id(configuration_set.name)
        self._connection.execute(_UPDATE_SET, {"set_id": set_id, **_row_values(configuration_set)})
        stored = {
            row.name: row for row in _SELECT_DESTINATIONS.all(self._connection, {"set_id": set_id})
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
                values = {"destination_id": stored[name].id, **_destination_values(destination)}
                self._connection.execute(_UPDATE_DESTINATION, values)
        self._tags.replace(self._arn(configuration_set.name), configuration_set.tags)

    def remove(self, name: str) -> None:
        self._remove_tagged(name, ConfigurationSetNotFound)

    def _id(self, name: str) -> int:
        row = _SELECT_ID.first(self._connection, {**self._scope_params, "name": name})
        if row is None:
            raise ConfigurationSetNotFound(name)
        return int(row.id)

    def _insert_destination(
        self, set_id: int, set_name: str, destination: EventDestination
    ) -> None:
        values = {
            "configuration_set_id": set_id,
            "name": destination.name,
            **_destination_values(destination),
        }
        try:
            self._connection.execute(_INSERT_DESTINATION, values)
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
        "message_security_options": mapping.message_security_to_json(
            configuration_set.message_security_options
        ),
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
        message_security_options=mapping.message_security_from_json(row.message_security_options),
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


def _event_destination(row: Any) -> EventDestination:
    return EventDestination(
        name=row.name,
        enabled=bool(row.enabled),
        matching_event_types=tuple(EventType(t) for t in row.matching_event_types),
        target=mapping.target_from_json(row.kind, row.target),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class SetReputation:
    """What the reputation job (events/reputation.py) needs of every set (issue 17)."""

    account_id: str
    region: str
    name: str
    sending_enabled: bool
    reputation_metrics_enabled: bool
    last_fresh_start: datetime.datetime | None


def reputation_of_sets(connection: Connection) -> list[SetReputation]:
    """Every account's and region's sets, for the reputation job."""
    table = configuration_sets
    rows = connection.execute(
        select(
            table.c.account_id,
            table.c.region,
            table.c.name,
            table.c.sending_enabled,
            table.c.reputation_options,
        )
    )
    found = []
    for row in rows:
        options = mapping.reputation_from_json(row.reputation_options)
        found.append(
            SetReputation(
                account_id=row.account_id,
                region=row.region,
                name=row.name,
                sending_enabled=row.sending_enabled,
                reputation_metrics_enabled=options.reputation_metrics_enabled,
                last_fresh_start=options.last_fresh_start,
            )
        )
    return found
