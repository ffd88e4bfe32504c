"""The keys that sign tracking tokens, kept in the ``tracking_keys`` table.

A key is active until its ``retired_at`` has passed (null: never). The newest active key signs
and every active key verifies, so rotating with a grace period keeps links in mail already sent
working until the old key retires.
"""

from __future__ import annotations

import datetime
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, Engine, insert, or_, select, update

from openses.store.database import reading
from openses.store.tables import tracking_keys
from openses.tracking.tokens import Key

Clock = Callable[[], datetime.datetime]
SECRET_BYTES = 32
# AWS collects opens and clicks for 60 days after a send (SES FAQ, "sending metrics").
DEFAULT_GRACE = datetime.timedelta(days=60)


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
            created_at=_aware(r.created_at) or r.created_at,
            retired_at=_aware(r.retired_at),
        )
        for r in rows
    ]


def _aware(moment: datetime.datetime | None) -> datetime.datetime | None:
    """SQLite hands timestamps back without their zone; they were written in UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=datetime.UTC)


class Keyring:
    """Active keys, cached for ``refresh_seconds`` and re-read when a token names a key not in
    the cache (at most once a second), so keys rotated by another process are picked up."""

    def __init__(self, engine: Engine, clock: Clock, *, refresh_seconds: float = 30.0) -> None:
        self._engine = engine
        self._clock = clock
        self._refresh_seconds = refresh_seconds
        self._lock = threading.Lock()
        self._keys: dict[int, tuple[Key, datetime.datetime | None]] = {}
        self._signing: Key | None = None
        self._loaded_at = float("-inf")

    def _load(self) -> None:
        now = self._clock()
        query = (
            select(tracking_keys)
            .where(_active(now))
            .order_by(tracking_keys.c.created_at.desc(), tracking_keys.c.id.desc())
        )
        with reading(self._engine) as connection:
            rows = connection.execute(query).all()
        self._keys = {
            row.id: (Key(row.id, bytes.fromhex(row.secret)), _aware(row.retired_at)) for row in rows
        }
        self._signing = self._keys[rows[0].id][0] if rows else None
        self._loaded_at = time.monotonic()

    def signing_key(self) -> Key | None:
        with self._lock:
            if time.monotonic() - self._loaded_at > self._refresh_seconds:
                self._load()
            return self._signing

    def lookup(self, key_id: int) -> Key | None:
        with self._lock:
            if key_id not in self._keys and time.monotonic() - self._loaded_at > 1.0:
                self._load()
            found = self._keys.get(key_id)
        if found is None:
            return None
        key, retired_at = found
        return key if retired_at is None or retired_at > self._clock() else None
