"""Timestamp formats: ``iso8601``, the one format of the timestamps openses writes (Query's,
events', its own endpoints'), REST-JSON's epoch seconds, and reading either."""

from __future__ import annotations

import calendar
import datetime


def iso8601(moment: datetime.datetime) -> str:
    """UTC to the millisecond, as AWS writes event timestamps and Query timestamps:
    ``2024-05-01T12:00:00.123Z``."""
    utc = moment.astimezone(datetime.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def to_epoch(value: datetime.datetime) -> float:
    """REST-JSON style: epoch seconds, truncated to milliseconds like ``iso8601``."""
    utc = value.astimezone(datetime.UTC)
    return calendar.timegm(utc.timetuple()) + (utc.microsecond // 1000) / 1000


def parse(value: str | float | int) -> datetime.datetime | None:
    """Accept epoch seconds or ISO 8601, as botocore may send either; None if unreadable."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_epoch(value)
    if not isinstance(value, str):
        return None
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return _from_epoch(seconds)
    try:
        parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)


def _from_epoch(seconds: float) -> datetime.datetime | None:
    try:
        return datetime.datetime.fromtimestamp(seconds, datetime.UTC)
    except (OverflowError, OSError, ValueError):  # out of range, NaN or infinite
        return None
