"""Account-level use cases: sending switch, quota and statistics, and the suppression list.

``settings``, ``suppressed_among`` and ``suppress`` are for the sending pipeline and run inside a
unit of work the caller has already entered; every other function opens and commits its own.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
from collections.abc import Collection
from dataclasses import dataclass

from openses.domain.errors import InvalidEmailAddress
from openses.domain.options import SuppressionReason
from openses.domain.suppression import (
    MAX_24_HOUR_SEND,
    MAX_SEND_RATE,
    AccountSettings,
    SuppressedDestination,
    normalize_address,
)
from openses.services import paging, tenants
from openses.store.unit_of_work import UnitOfWork

# Message statuses that used up sending quota: SES accepted the message and tried to deliver it.
# Sending to an address on the account suppression list counts too (SES developer guide,
# "Using the account-level suppression list").
SENT_STATUSES = ("delivered", "bounced", "complained", "suppressed", "queued", "delayed")


@dataclass(frozen=True, slots=True)
class SendQuota:
    max_24_hour_send: float
    max_send_rate: float
    sent_last_24_hours: float


# -- for the sending pipeline, inside the caller's unit of work --------------------------------


def settings(uow: UnitOfWork) -> AccountSettings:
    return uow.account.settings()


def suppressed_among(
    uow: UnitOfWork, addresses: Collection[str]
) -> dict[str, SuppressedDestination]:
    """Each of ``addresses`` that is on the account suppression list, with its entry, whatever
    its reason: the caller decides whether that reason applies (a configuration set may
    override the account's). One statement for all of a message's recipients."""
    normalized: dict[str, str] = {}
    for address in addresses:
        with contextlib.suppress(InvalidEmailAddress):
            normalized[address] = normalize_address(address)
    found = uow.account.find_suppressed_among(set(normalized.values()))
    return {address: found[n] for address, n in normalized.items() if n in found}


def suppress(
    uow: UnitOfWork,
    address: str,
    reason: SuppressionReason,
    message_id: str | None,
    feedback_id: str | None,
    now: datetime.datetime,
) -> None:
    """Put the address on the list (or refresh its entry) unconditionally; the caller checks
    the effective suppressed reasons first. Does not commit. The address goes on the list of
    the tenant the message was sent for, when that tenant keeps its own (issue 20)."""
    entry = SuppressedDestination(
        email_address=normalize_address(address),
        reason=reason,
        last_update_time=now,
        message_id=message_id,
        feedback_id=feedback_id,
    )
    tenant = tenants.own_list_of_message(uow, message_id)
    if tenant is not None:
        uow.tenants.put_suppressed(tenant.name, entry)
        return
    uow.account.put_suppressed(entry)


# -- use cases ---------------------------------------------------------------------------------


def get_settings(uow: UnitOfWork) -> AccountSettings:
    with uow:
        return uow.account.settings()


def set_sending_enabled(uow: UnitOfWork, enabled: bool) -> None:
    with uow:
        current = uow.account.settings()
        uow.account.save_settings(dataclasses.replace(current, sending_enabled=enabled))
        uow.commit()


def set_suppressed_reasons(uow: UnitOfWork, reasons: Collection[SuppressionReason]) -> None:
    with uow:
        current = uow.account.settings()
        unique = tuple(dict.fromkeys(reasons))
        uow.account.save_settings(dataclasses.replace(current, suppressed_reasons=unique))
        uow.commit()


def overview(uow: UnitOfWork, now: datetime.datetime) -> tuple[AccountSettings, SendQuota]:
    """GetAccount's settings and quota, read in one transaction."""
    with uow:
        return uow.account.settings(), _quota(uow, now)


def send_quota(uow: UnitOfWork, now: datetime.datetime) -> SendQuota:
    with uow:
        return _quota(uow, now)


def _quota(uow: UnitOfWork, now: datetime.datetime) -> SendQuota:
    sent = uow.account.count_recipients(
        since=now - datetime.timedelta(hours=24), statuses=SENT_STATUSES
    )
    return SendQuota(MAX_24_HOUR_SEND, MAX_SEND_RATE, float(sent))


def put_suppressed_destination(
    uow: UnitOfWork, address: str, reason: SuppressionReason, now: datetime.datetime
) -> None:
    """PutSuppressedDestination: a manual entry, so no message or feedback id."""
    with uow:
        suppress(uow, address, reason, None, None, now)
        uow.commit()


def get_suppressed_destination(uow: UnitOfWork, address: str) -> SuppressedDestination:
    normalized = normalize_address(address)
    with uow:
        return uow.account.get_suppressed(normalized)


def delete_suppressed_destination(uow: UnitOfWork, address: str) -> None:
    normalized = normalize_address(address)
    with uow:
        uow.account.remove_suppressed(normalized)
        uow.commit()


def list_suppressed_destinations(
    uow: UnitOfWork,
    *,
    reasons: Collection[SuppressionReason],
    start: datetime.datetime | None,
    end: datetime.datetime | None,
    next_token: str | None,
    page_size: int,
) -> paging.Page[SuppressedDestination]:
    return paging.read_page(
        uow,
        next_token,
        page_size,
        check=_check_address,
        fetch=lambda after, limit: uow.account.list_suppressed(
            reasons=reasons, start=start, end=end, after=after, limit=limit
        ),
        key=lambda entry: entry.email_address,
    )


def _check_address(address: str) -> None:
    if normalize_address(address) != address:
        raise InvalidEmailAddress(address)
