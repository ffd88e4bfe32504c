"""domain/clock: the one now."""

from __future__ import annotations

import datetime

from openses.domain.clock import utc_now


def test_utc_now_is_aware_utc() -> None:
    before = datetime.datetime.now(datetime.UTC)
    now = utc_now()
    assert now.tzinfo is datetime.UTC
    assert before <= now <= datetime.datetime.now(datetime.UTC)
