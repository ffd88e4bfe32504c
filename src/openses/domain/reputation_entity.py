"""Reputation entities (SES v2): the account's tenants, email identities and configuration sets,
each referenced by its ARN (type RESOURCE), with a customer-managed sending status and one of
SES's managed reputation policies (docs/aws-behaviour.md)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from openses.domain.errors import SendingPaused, TemplatedMessage
from openses.domain.tenant import SendingStatus

RESOURCE = "RESOURCE"  # the only ReputationEntityType the model has
# ARN resource types that are reputation entities besides tenants.
RESOURCE_TYPES = ("identity", "configuration-set")


@dataclass(frozen=True, slots=True, kw_only=True)
class ReputationEntity:
    reference: str
    customer_status: SendingStatus = SendingStatus.ENABLED
    status_updated_at: datetime.datetime | None = None
    policy: str | None = None
    since: datetime.datetime | None = None  # when the resource was created

    @property
    def aggregate_status(self) -> SendingStatus:
        """DISABLED when the customer disabled it (openses never does), else ENABLED."""
        if self.customer_status is SendingStatus.DISABLED:
            return SendingStatus.DISABLED
        return SendingStatus.ENABLED


class ResourceSendingPaused(TemplatedMessage[str], SendingPaused):
    wording = "Sending is paused for resource {}."
