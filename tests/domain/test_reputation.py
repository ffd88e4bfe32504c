"""The reputation rules: thresholds reached at equality, the minimum volume, enforcement off;
and the rollup's intervals and ISPs."""

from __future__ import annotations

import datetime

import pytest

from openses.domain.reputation import Enforcement, EnforcementStatus, Volumes, assess, status_of
from openses.domain.statistics import interval_start, isp_of, next_interval_start


@pytest.mark.parametrize(
    ("bounce", "complaint", "status"),
    [
        (0.0499, 0.00099, EnforcementStatus.HEALTHY),
        (0.05, 0.0, EnforcementStatus.PROBATION),
        (0.0, 0.001, EnforcementStatus.PROBATION),
        (0.0999, 0.0049, EnforcementStatus.PROBATION),
        (0.10, 0.0, EnforcementStatus.SHUTDOWN),
        (0.0, 0.005, EnforcementStatus.SHUTDOWN),
    ],
)
def test_thresholds(bounce: float, complaint: float, status: EnforcementStatus) -> None:
    assert status_of(bounce, complaint) is status


def test_rates_need_the_minimum_volume() -> None:
    few = assess(Volumes(sends=19, bounces=19), min_volume=20, enforcement=Enforcement.WARN)
    assert (few.exists, few.status) == (False, EnforcementStatus.HEALTHY)
    none = assess(Volumes(), min_volume=0, enforcement=Enforcement.WARN)
    assert none.bounce_rate is None
    enough = assess(
        Volumes(sends=20, bounces=2, complaints=1), min_volume=20, enforcement=Enforcement.WARN
    )
    assert (enough.bounce_rate, enough.complaint_rate, enough.status) == (
        0.1,
        0.05,
        EnforcementStatus.SHUTDOWN,
    )
    off = assess(Volumes(sends=20, bounces=20), min_volume=20, enforcement=Enforcement.OFF)
    assert (off.bounce_rate, off.status) == (1.0, EnforcementStatus.HEALTHY)


def test_intervals() -> None:
    moment = datetime.datetime(2026, 5, 1, 12, 44, 59, 999, tzinfo=datetime.UTC)
    start = datetime.datetime(2026, 5, 1, 12, 30, tzinfo=datetime.UTC)
    assert interval_start(moment) == start
    assert next_interval_start(moment) == start + datetime.timedelta(minutes=15)
    assert next_interval_start(start) == start
    eastern = datetime.timezone(datetime.timedelta(hours=-5))
    assert interval_start(moment.astimezone(eastern)) == start


def test_isps() -> None:
    assert [isp_of(a) for a in ("a@Gmail.com", "b@outlook.com", "c@example.net")] == [
        "Gmail",
        "Hotmail",
        "Other",
    ]
