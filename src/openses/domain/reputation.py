"""Reputation: bounce and complaint rates over a window of sends, and the enforcement status
they give an account (or a configuration set). Thresholds are the SES developer guide's
("Amazon SES sending review process FAQs"): under review from 5 % bounces or 0.1 %
complaints, sending paused from 10 % or 0.5 %."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum

BOUNCE_REVIEW = 0.05
BOUNCE_PAUSE = 0.10
COMPLAINT_REVIEW = 0.001
COMPLAINT_PAUSE = 0.005


class EnforcementStatus(StrEnum):
    """GetAccount's EnforcementStatus."""

    HEALTHY = "HEALTHY"
    PROBATION = "PROBATION"
    SHUTDOWN = "SHUTDOWN"


class Enforcement(StrEnum):
    """OPENSES_REPUTATION_ENFORCEMENT: ``off`` reports every account HEALTHY; ``warn`` reports
    the status but never pauses; ``aws`` pauses a SHUTDOWN account's sending, as AWS does."""

    OFF = "off"
    WARN = "warn"
    AWS = "aws"


@dataclass(frozen=True, slots=True, kw_only=True)
class Volumes:
    """Recipients sent to, hard-bounced and complained about within the window."""

    sends: int = 0
    bounces: int = 0
    complaints: int = 0

    def __add__(self, other: Volumes) -> Volumes:
        return Volumes(
            sends=self.sends + other.sends,
            bounces=self.bounces + other.bounces,
            complaints=self.complaints + other.complaints,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Reputation:
    volumes: Volumes
    # None until the window holds the minimum volume of sends
    bounce_rate: float | None
    complaint_rate: float | None
    status: EnforcementStatus

    @property
    def exists(self) -> bool:
        return self.bounce_rate is not None


def assess(volumes: Volumes, *, min_volume: int, enforcement: Enforcement) -> Reputation:
    if volumes.sends == 0 or volumes.sends < min_volume:
        return Reputation(
            volumes=volumes,
            bounce_rate=None,
            complaint_rate=None,
            status=EnforcementStatus.HEALTHY,
        )
    bounce_rate = volumes.bounces / volumes.sends
    complaint_rate = volumes.complaints / volumes.sends
    return Reputation(
        volumes=volumes,
        bounce_rate=bounce_rate,
        complaint_rate=complaint_rate,
        status=status_of(bounce_rate, complaint_rate)
        if enforcement is not Enforcement.OFF
        else EnforcementStatus.HEALTHY,
    )


def status_of(bounce_rate: float, complaint_rate: float) -> EnforcementStatus:
    if bounce_rate >= BOUNCE_PAUSE or complaint_rate >= COMPLAINT_PAUSE:
        return EnforcementStatus.SHUTDOWN
    if bounce_rate >= BOUNCE_REVIEW or complaint_rate >= COMPLAINT_REVIEW:
        return EnforcementStatus.PROBATION
    return EnforcementStatus.HEALTHY


@dataclass(frozen=True, slots=True, kw_only=True)
class ReputationState:
    """An account's (``configuration_set`` None) or a set's reputation as last assessed, and
    whether that assessment paused its sending (and since when)."""

    account_id: str
    region: str
    configuration_set: str | None
    reputation: Reputation
    sending_paused: bool
    paused_at: datetime.datetime | None
    evaluated_at: datetime.datetime
