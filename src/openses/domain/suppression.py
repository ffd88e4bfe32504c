"""The account-level suppression list and the account's sending settings."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from openses.domain.identity import check_email_address
from openses.domain.options import SuppressionReason

# The sandbox quota every new SES account starts with (SES developer guide, "Sending quotas").
MAX_24_HOUR_SEND = 200.0
MAX_SEND_RATE = 1.0


def normalize_address(address: str) -> str:
    """One spelling per mailbox: the domain is case-insensitive, the local part is kept."""
    check_email_address(address)
    local, _, domain = address.rpartition("@")
    return f"{local}@{domain.lower()}"


@dataclass(frozen=True, slots=True, kw_only=True)
class SuppressedDestination:
    email_address: str
    reason: SuppressionReason
    last_update_time: datetime.datetime
    message_id: str | None = None
    feedback_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountSettings:
    sending_enabled: bool = True
    # Accounts opened after 25 November 2019 suppress both by default (SES developer guide,
    # "Using the account-level suppression list").
    suppressed_reasons: tuple[SuppressionReason, ...] = (
        SuppressionReason.BOUNCE,
        SuppressionReason.COMPLAINT,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class SendDataPoint:
    """One 15-minute interval of GetSendStatistics."""

    timestamp: datetime.datetime
    delivery_attempts: int = 0
    bounces: int = 0
    complaints: int = 0
    rejects: int = 0
