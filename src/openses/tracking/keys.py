"""The keyring of tracking-token keys (stored by ``store/tracking_keys.py``).

A key is active until its ``retired_at`` has passed (null: never). The newest active key signs
and every active key verifies, so rotating with a grace period keeps links in mail already sent
working until the old key retires.
"""

from __future__ import annotations

import datetime
import threading
import time

from sqlalchemy import Engine

from openses.domain.clock import Clock
from openses.store import tracking_keys as stored_keys
from openses.tracking.tokens import Key

# AWS collects opens and clicks for 60 days after a send (SES FAQ, "sending metrics").
DEFAULT_GRACE = datetime.timedelta(days=60)


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
        active = stored_keys.active_keys(self._engine, self._clock())
        self._keys = {key.id: (Key(key.id, key.secret), key.retired_at) for key in active}
        self._signing = self._keys[active[0].id][0] if active else None
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
