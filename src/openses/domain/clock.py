"""openses' time: ``utc_now`` (aware, UTC), the ``Clock`` type through which tests supply
another, and ``iso8601``, the one format of the timestamps openses writes."""

from __future__ import annotations

import datetime
from collections.abc import Callable

Clock = Callable[[], datetime.datetime]


def utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def iso8601(moment: datetime.datetime) -> str:
    """UTC to the millisecond, as AWS writes event timestamps and Query timestamps:
    ``2024-05-01T12:00:00.123Z``."""
    utc = moment.astimezone(datetime.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
