"""Timestamp formats of the two wire protocols."""

from __future__ import annotations

import datetime


def to_iso8601(value: datetime.datetime) -> str:
    """AWS Query style: ``2024-05-01T12:00:00.123Z``."""
    utc = value.astimezone(datetime.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def to_epoch(value: datetime.datetime) -> float:
    return round(value.timestamp(), 3)


def parse(value: str | float | int) -> datetime.datetime | None:
    """Accept epoch seconds or ISO 8601, as botocore may send either; None if unreadable."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.datetime.fromtimestamp(value, datetime.UTC)
    if not isinstance(value, str):
        return None
    try:
        return datetime.datetime.fromtimestamp(float(value), datetime.UTC)
    except ValueError:
        pass
    try:
        parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)
