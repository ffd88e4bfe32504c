"""domain/clock: the one now and the one timestamp format openses writes."""

from __future__ import annotations

import datetime

from openses.domain.clock import iso8601, utc_now


def test_iso8601_is_utc_to_the_millisecond_truncated() -> None:
    plus_two = datetime.timezone(datetime.timedelta(hours=2))
    moment = datetime.datetime(2024, 1, 1, 2, 0, 0, 999999, tzinfo=plus_two)
    assert iso8601(moment) == "2024-01-01T00:00:00.999Z"
    assert iso8601(datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)) == "2024-01-01T00:00:00.000Z"


def test_utc_now_is_aware_utc() -> None:
    before = datetime.datetime.now(datetime.UTC)
    now = utc_now()
    assert now.tzinfo is datetime.UTC
    assert before <= now <= datetime.datetime.now(datetime.UTC)
