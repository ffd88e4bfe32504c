"""protocol/timestamps: iso8601, the one timestamp format openses writes."""

from __future__ import annotations

import datetime

from openses.protocol.timestamps import iso8601


def test_iso8601_is_utc_to_the_millisecond_truncated() -> None:
    plus_two = datetime.timezone(datetime.timedelta(hours=2))
    moment = datetime.datetime(2024, 1, 1, 2, 0, 0, 999999, tzinfo=plus_two)
    assert iso8601(moment) == "2024-01-01T00:00:00.999Z"
    assert iso8601(datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)) == "2024-01-01T00:00:00.000Z"
