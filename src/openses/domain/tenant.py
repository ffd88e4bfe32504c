"""Tenants (SES v2): a name, a sending status, and the resources a send on its behalf may use.

A tenant is also a reputation entity (domain/reputation_entity.py): the entity's
customer-managed status is the tenant's SendingStatus (docs/aws-behaviour.md, "Tenants,
insights and the remaining sesv2 operations").
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from openses.domain import names
from openses.domain.errors import AlreadyExists, InvalidInput, SendingPaused, TemplatedMessage
from openses.domain.options import SuppressionReason, Tag
from openses.domain.tags import ResourceArn


class SendingStatus(StrEnum):
    ENABLED = "ENABLED"
    REINSTATED = "REINSTATED"
    DISABLED = "DISABLED"


class ResourceType(StrEnum):
    EMAIL_IDENTITY = "EMAIL_IDENTITY"
    CONFIGURATION_SET = "CONFIGURATION_SET"
    EMAIL_TEMPLATE = "EMAIL_TEMPLATE"


class SuppressionScope(StrEnum):
    ACCOUNT = "ACCOUNT"
    TENANT = "TENANT"


# ARN resource type -> the tenant resource type; no other resource can be associated.
RESOURCE_TYPES = {
    "identity": ResourceType.EMAIL_IDENTITY,
    "configuration-set": ResourceType.CONFIGURATION_SET,
    "template": ResourceType.EMAIL_TEMPLATE,
}

# SES's managed reputation policies: none, standard and strict (the UpdateReputationEntityPolicy
# documentation). Their ARN is arn:aws:ses:REGION:aws:reputation-policy/NAME (GUESS).
_POLICY_ARN = re.compile(
    r"arn:aws[a-z-]*:ses:[a-z0-9-]+:aws:reputation-policy/(none|standard|strict)"
)


class TenantAlreadyExists(TemplatedMessage[str], AlreadyExists):
    wording = "Tenant {} already exists."


class TenantSendingPaused(TemplatedMessage[str], SendingPaused):
    wording = "Sending is paused for tenant {}."


class ResourceNotInTenant(InvalidInput):
    """A send naming a tenant uses a resource not associated with it (GUESS wording)."""

    def __init__(self, tenant: str, arn: str) -> None:
        super().__init__(f"Resource {arn} is not associated with tenant {tenant}.")


@dataclass(frozen=True, slots=True, kw_only=True)
class SuppressionAttributes:
    suppressed_reasons: tuple[SuppressionReason, ...] | None = None
    scope: SuppressionScope | None = None


def suppression_document(attributes: SuppressionAttributes | None) -> dict[str, Any] | None:
    """A tenant's SuppressionAttributes with SES's member names, as the v2 API shows them and
    the store keeps them; the members not set are left out."""
    if attributes is None:
        return None
    document: dict[str, Any] = {}
    if attributes.suppressed_reasons is not None:
        document["SuppressedReasons"] = [str(r) for r in attributes.suppressed_reasons]
    if attributes.scope is not None:
        document["SuppressionScope"] = str(attributes.scope)
    return document


def suppression_from_document(document: dict[str, Any] | None) -> SuppressionAttributes | None:
    """The inverse of suppression_document."""
    if document is None:
        return None
    reasons = document.get("SuppressedReasons")
    scope = document.get("SuppressionScope")
    return SuppressionAttributes(
        suppressed_reasons=None
        if reasons is None
        else tuple(SuppressionReason(r) for r in reasons),
        scope=None if scope is None else SuppressionScope(scope),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Tenant:
    name: str
    tenant_id: str
    arn: str
    created_at: datetime.datetime
    sending_status: SendingStatus = SendingStatus.ENABLED
    status_updated_at: datetime.datetime
    reputation_policy: str | None = None
    suppression: SuppressionAttributes | None = None
    tags: list[Tag] = field(default_factory=list)

    @property
    def may_send(self) -> bool:
        return self.sending_status is not SendingStatus.DISABLED


@dataclass(frozen=True, slots=True, kw_only=True)
class Association:
    tenant_name: str
    tenant_id: str
    resource_type: ResourceType
    resource_arn: str
    created_at: datetime.datetime


def tenant_arn(region: str, account_id: str, name: str, tenant_id: str) -> str:
    return f"arn:aws:ses:{region}:{account_id}:tenant/{name}/{tenant_id}"


def check_name(name: str) -> None:
    """Up to 64 letters, digits, '-' and '_' (the model's TenantName documentation)."""
    names.check_name(name, "tenant", InvalidInput)


def resource_type_of(arn: ResourceArn) -> ResourceType:
    found = RESOURCE_TYPES.get(arn.resource_type)
    if found is None:
        raise InvalidInput(
            "Resource type is not supported: a tenant's resources are email identities, "
            "configuration sets and email templates."
        )
    return found


def check_policy(policy: str) -> None:
    if _POLICY_ARN.fullmatch(policy) is None:
        raise InvalidInput(
            f"Reputation entity policy {policy} is not valid: it must be one of SES's managed "
            "policies, arn:aws:ses:REGION:aws:reputation-policy/(none|standard|strict)."
        )
