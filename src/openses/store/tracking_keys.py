"""The ``tracking_keys`` table: the secrets that sign tracking tokens.

A key is active until its ``retired_at`` has passed (null: never).
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, Engine, insert, or_, select, update

from openses.store.database import reading
from openses.store.tables import tracking_keys

SECRET_BYTES = 32


@dataclass(frozen=True, slots=True, kw_only=True)
class KeyInfo:
    id: int
    created_at: datetime.datetime
    retired_at: datetime.datetime | None


def _active(now: datetime.datetime) -> ColumnElement[bool]:
    return or_(tracking_keys.c.retired_at.is_(None), tracking_keys.c.retired_at > now)


def _new_key(connection: Connection, now: datetime.datetime) -> int:
    result = connection.execute(
        insert(tracking_keys).values(secret=secrets.token_hex(SECRET_BYTES), created_at=now)
    )
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def ensure_key(engine: Engine, now: datetime.datetime) -> None:
    """Create the first key, or a new one when every key has retired."""
    with engine.begin() as connection:
        found = connection.execute(select(tracking_keys.c.id).where(_active(now))).first()
        if found is None:
            _new_key(connection, now)


def rotate(engine: Engine, now: datetime.datetime, grace: datetime.timedelta) -> int:
    """A new signing key; older keys retire once ``grace`` has passed (at once for zero)."""
    retire_at = now + grace
    with engine.begin() as connection:
        key_id = _new_key(connection, now)
        connection.execute(
            update(tracking_keys)
            .where(
                tracking_keys.c.id != key_id,
                or_(tracking_keys.c.retired_at.is_(None), tracking_keys.c.retired_at > retire_at),
            )
            .values(retired_at=retire_at)
        )
    return key_id


def list_keys(engine: Engine) -> list[KeyInfo]:
    query = select(tracking_keys.c.id, tracking_keys.c.created_at, tracking_keys.c.retired_at)
    with reading(engine) as connection:
        rows = connection.execute(query.order_by(tracking_keys.c.id)).all()
    return [
        KeyInfo(
            id=r.id,
            created_at=r.created_at,
            retired_at=r.retired_at,
        )
        for r in rows
    ]


@dataclass(frozen=True, slots=True)
class ActiveKey:
    id: int
    secret: bytes
    retired_at: datetime.datetime | None


def active_keys(engine: Engine, now: datetime.datetime) -> list[ActiveKey]:
    """Active keys, newest first."""
    query = (
        select(tracking_keys)
        .where(_active(now))
        .order_by(tracking_keys.c.created_at.desc(), tracking_keys.c.id.desc())
    )
    with reading(engine) as connection:
        rows = connection.execute(query).all()
    return [ActiveKey(row.id, bytes.fromhex(row.secret), row.retired_at) for row in rows]
