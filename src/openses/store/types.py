"""Column types shared by the tables."""

from __future__ import annotations

import datetime

from sqlalchemy import DateTime, Dialect
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime.datetime]):
    """A moment in UTC, on SQLite and PostgreSQL alike: it is written in UTC (a naive value is
    taken to be UTC already) and always read back timezone-aware in UTC. SQLite keeps no zone
    and hands back naive values; PostgreSQL's ``timestamptz`` answers in the session's zone.
    The schema is plain ``DateTime(timezone=True)``."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(
        self, value: datetime.datetime | None, dialect: Dialect
    ) -> datetime.datetime | None:
        return None if value is None else _utc(value)

    def process_result_value(
        self, value: datetime.datetime | None, dialect: Dialect
    ) -> datetime.datetime | None:
        return None if value is None else _utc(value)


def _utc(moment: datetime.datetime) -> datetime.datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=datetime.UTC)
    return moment.astimezone(datetime.UTC)
