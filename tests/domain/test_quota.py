"""The quota rules of domain/quota.py on their own (through the wire: tests/api/test_quotas.py)."""

from __future__ import annotations

import pytest

from openses.domain.errors import (
    DailyQuotaExceeded,
    MaximumSendingRateExceeded,
)
from openses.domain.quota import (
    SANDBOX,
    QuotaPolicy,
    SendingLimits,
    check_daily,
    check_rate,
)

LIMITS = SendingLimits(max_24_hour_send=10.0, max_send_rate=3.0)


@pytest.mark.parametrize(
    ("counted", "recipients", "refused"),
    [(0, 1, False), (2, 1, False), (3, 1, True), (2, 2, True), (0, 50, False), (1, 50, True)],
)
def test_rate(counted: int, recipients: int, refused: bool) -> None:
    if refused:
        with pytest.raises(MaximumSendingRateExceeded):
            check_rate(LIMITS, counted, recipients)
    else:
        check_rate(LIMITS, counted, recipients)


@pytest.mark.parametrize(
    ("counted", "recipients", "refused"),
    [(0, 10, False), (9, 1, False), (10, 1, True), (9, 2, True), (0, 11, True)],
)
def test_daily(counted: int, recipients: int, refused: bool) -> None:
    if refused:
        with pytest.raises(DailyQuotaExceeded):
            check_daily(LIMITS, counted, recipients)
    else:
        check_daily(LIMITS, counted, recipients)


def test_unlimited_refuses_nothing() -> None:
    unlimited = SendingLimits()
    assert unlimited.unlimited
    check_rate(unlimited, 10**9, 50)
    check_daily(unlimited, 10**9, 50)


def test_the_sandbox_until_production_access() -> None:
    policy = QuotaPolicy(sandbox=True, production=LIMITS)
    assert policy.limits(production_access=False) == SANDBOX
    assert policy.limits(production_access=True) == LIMITS
    assert QuotaPolicy(production=LIMITS).limits(production_access=False) == LIMITS
