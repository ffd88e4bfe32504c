"""Sending quotas: the 24-hour quota and the maximum send rate, both counted in recipients
(To, Cc and Bcc; SES developer guide, "Sending quotas"), and the sandbox's.

A limit below zero is unlimited, which is how GetSendQuota and GetAccount report it ("A
value of -1 signifies an unlimited quota", botocore sesv2 SendQuota).
"""

from __future__ import annotations

from dataclasses import dataclass

from openses.domain.errors import DailyQuotaExceeded, MaximumSendingRateExceeded

UNLIMITED = -1.0


@dataclass(frozen=True, slots=True, kw_only=True)
class SendingLimits:
    max_24_hour_send: float = UNLIMITED
    max_send_rate: float = UNLIMITED

    @property
    def unlimited(self) -> bool:
        return self.max_24_hour_send < 0 and self.max_send_rate < 0


# Every new SES account's (SES developer guide, "Moving out of the Amazon SES sandbox").
SANDBOX = SendingLimits(max_24_hour_send=200.0, max_send_rate=1.0)


@dataclass(frozen=True, slots=True, kw_only=True)
class QuotaPolicy:
    """The operator's choice: the production limits, and whether accounts start in the
    sandbox (and stay there until granted production access)."""

    sandbox: bool = False
    production: SendingLimits = SendingLimits()

    def in_sandbox(self, production_access: bool) -> bool:
        return self.sandbox and not production_access

    def limits(self, production_access: bool) -> SendingLimits:
        return SANDBOX if self.in_sandbox(production_access) else self.production


NO_QUOTA = QuotaPolicy()


def check_rate(limits: SendingLimits, counted_this_second: int, recipients: int) -> None:
    """Refuse ``recipients`` more in a second that already counts ``counted_this_second``.
    A message with more recipients than the rate goes out alone in its second, so that no
    message is refused forever (openses' decision, docs/aws-behaviour.md)."""
    rate = limits.max_send_rate
    if rate < 0 or counted_this_second == 0:
        return
    if counted_this_second + recipients > rate:
        raise MaximumSendingRateExceeded()


def check_daily(limits: SendingLimits, counted_last_24_hours: int, recipients: int) -> None:
    quota = limits.max_24_hour_send
    if quota >= 0 and counted_last_24_hours + recipients > quota:
        raise DailyQuotaExceeded()
