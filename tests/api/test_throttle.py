"""The API throttle's buckets (api/throttle.py) on their own, with a clock the test moves
(through the wire: tests/api/test_resource_quotas.py)."""

from __future__ import annotations

import pytest

from openses.api.throttle import Throttle
from openses.domain.errors import RequestRateExceeded


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_throttle_refills_one_call_a_second() -> None:
    clock = FakeMonotonic()
    throttle = Throttle(clock)
    throttle.check("111111111111", "us-east-1", "GetAccount")
    with pytest.raises(RequestRateExceeded):
        throttle.check("111111111111", "us-east-1", "GetAccount")
    throttle.check("111111111111", "us-east-1", "ListIdentities")
    throttle.check("222222222222", "us-east-1", "GetAccount")
    clock.now += 0.5
    with pytest.raises(RequestRateExceeded):
        throttle.check("111111111111", "us-east-1", "GetAccount")
    clock.now += 0.5
    throttle.check("111111111111", "us-east-1", "GetAccount")


def test_throttle_lets_sends_through_and_batch_metrics_16() -> None:
    clock = FakeMonotonic()
    throttle = Throttle(clock)
    for _ in range(100):
        throttle.check("111111111111", "us-east-1", "SendEmail")
    for _ in range(16):
        throttle.check("111111111111", "us-east-1", "BatchGetMetricData")
    with pytest.raises(RequestRateExceeded):
        throttle.check("111111111111", "us-east-1", "BatchGetMetricData")


def test_throttle_forgets_idle_buckets() -> None:
    clock = FakeMonotonic()
    throttle = Throttle(clock)
    throttle.check("111111111111", "us-east-1", "GetAccount")
    clock.now += 120
    throttle.check("222222222222", "us-east-1", "GetAccount")
    assert list(throttle._buckets) == [("222222222222", "us-east-1", "GetAccount")]
