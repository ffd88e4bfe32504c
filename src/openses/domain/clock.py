"""openses' time: ``utc_now`` (aware, UTC) and the ``Clock`` type through which tests supply
another. Its one timestamp format, ``iso8601``, is in protocol/timestamps.py."""

from __future__ import annotations

import datetime
from collections.abc import Callable

Clock = Callable[[], datetime.datetime]


def utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)
