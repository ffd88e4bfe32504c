"""Sending quotas and the sandbox (issues 17 and 18).

``check_recipients`` and ``take`` are steps of the sending pipeline and run inside its unit of
work; the rest are use cases that open and commit their own. The counters are the store's
(``store/quotas.py``), so every openses process on one database enforces one quota.
"""

from __future__ import annotations

import dataclasses
import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from openses.config import Settings
from openses.domain.errors import RecipientNotVerified
from openses.domain.message import simulator_outcome
from openses.domain.quota import QuotaPolicy, SendingLimits, check_daily, check_rate
from openses.services import identities
from openses.store.unit_of_work import UnitOfWork


def policy(settings: Settings) -> QuotaPolicy:
    return QuotaPolicy(
        sandbox=settings.sandbox,
        production=SendingLimits(
            max_24_hour_send=settings.max_24_hour_send, max_send_rate=settings.max_send_rate
        ),
    )


def counted_recipients(recipients: Sequence[str]) -> int:
    """What a send uses of the quota: its recipients, less the mailbox simulator's, which
    "don't count toward your sending quota" (SES developer guide, "Using the mailbox
    simulator")."""
    return sum(1 for address in recipients if simulator_outcome(address) is None)


# -- for the sending pipeline, inside the caller's unit of work --------------------------------


def check_recipients(uow: UnitOfWork, quota: QuotaPolicy, recipients: Sequence[str]) -> None:
    """In the sandbox, every recipient must be a verified identity of the account (or on a
    verified domain), or a mailbox simulator address (SES developer guide, "Moving out of the
    Amazon SES sandbox"); the refusal names them as an unverified sender's does."""
    if not quota.sandbox or not quota.in_sandbox(uow.quotas.access().production_access):
        return
    unverified = [
        address
        for address in recipients
        if simulator_outcome(address) is None and identities.sending_identity(uow, address) is None
    ]
    if unverified:
        raise RecipientNotVerified(uow.region, unverified)


def take(uow: UnitOfWork, quota: QuotaPolicy, recipients: int, now: datetime.datetime) -> None:
    """Count ``recipients`` against the account's send rate and 24-hour quota, or refuse the
    send with SES's Throttling error. Runs last in the send's transaction: the counters stay
    locked only until its commit, and a refused send rolls its count back with the rest."""
    if recipients <= 0:
        return
    production_access = quota.sandbox and uow.quotas.access().production_access
    limits = quota.limits(production_access)
    if limits.unlimited:
        return
    # Counted first, checked after: a refusal rolls the count back with the whole send. The
    # day is whole minutes: the minute that holds the moment 24 hours ago still counts, so
    # that no 24 hours ever hold more than the quota (a send counts up to a minute longer).
    second_total, day_total = uow.quotas.count_send(
        int(now.timestamp()),
        recipients,
        per_second=limits.max_send_rate >= 0,
        per_minute=limits.max_24_hour_send >= 0,
    )
    if second_total is not None:
        check_rate(limits, second_total - recipients, recipients)
    if day_total is not None:
        check_daily(limits, day_total - recipients, recipients)


# -- use cases ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountAccess:
    """What GetAccount reports of the sandbox: production access, the limits that follow from
    it, and the details PutAccountDetails stored (None before any)."""

    production_access_enabled: bool
    limits: SendingLimits
    details: dict[str, Any] | None


def account_access(uow: UnitOfWork, quota: QuotaPolicy) -> AccountAccess:
    with uow:
        stored = uow.quotas.access()
    in_sandbox = quota.in_sandbox(stored.production_access)
    details = None
    if stored.details is not None:
        review: dict[str, Any] = {"Status": stored.review_status}
        if stored.case_id is not None:
            review["CaseId"] = stored.case_id
        details = {**stored.details, "ReviewDetails": review}
    return AccountAccess(
        production_access_enabled=not in_sandbox,
        limits=quota.limits(stored.production_access),
        details=details,
    )


def put_account_details(
    uow: UnitOfWork, quota: QuotaPolicy, details: dict[str, Any], production_access: bool
) -> None:
    """PutAccountDetails: the details are kept; asking for production access opens a review
    case that stays PENDING until the operator grants it (``openses account
    grant-production``). An account that has it, or a server without a sandbox, is GRANTED."""
    with uow:
        stored = uow.quotas.access()
        granted = stored.production_access or not quota.sandbox
        status: str | None
        if granted:
            status = "GRANTED"
        elif production_access:
            status = "PENDING"
        else:
            status = stored.review_status
        case_id = stored.case_id
        if production_access and case_id is None:
            case_id = str(random.randrange(10**9, 10**10))
        uow.quotas.save_access(
            dataclasses.replace(stored, details=details, review_status=status, case_id=case_id)
        )
        uow.commit()


def grant_production(uow: UnitOfWork) -> None:
    """Lift the sandbox for the account: ``openses account grant-production``."""
    with uow:
        stored = uow.quotas.access()
        status = "GRANTED" if stored.details is not None else stored.review_status
        uow.quotas.save_access(
            dataclasses.replace(stored, production_access=True, review_status=status)
        )
        uow.commit()
