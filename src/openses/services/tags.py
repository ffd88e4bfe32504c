"""Tagging use cases, for any SES resource named by its ARN.

Every taggable resource keeps its tags in one table keyed by its ARN; this module checks that
the resource exists (locking it for the change) and then reads or replaces the tags.
"""

from __future__ import annotations

from collections.abc import Callable

from openses.domain import tags
from openses.domain.errors import InvalidTags, NotFound, ResourceNotFound
from openses.domain.options import Tag
from openses.store.unit_of_work import UnitOfWork

# ARN resource type -> the noun AWS uses when it is missing.
_RESOURCE_NOUNS = {
    "configuration-set": "ConfigurationSet",
    "identity": "EmailIdentity",
    "template": "Template",
    "contact-list": "ContactList",
    "dedicated-ip-pool": "DedicatedIpPool",
    "custom-verification-email-template": "CustomVerificationEmailTemplate",
    "tenant": "Tenant",
}


def _lock_resource(uow: UnitOfWork, arn: tags.ResourceArn) -> None:
    """Raise NotFound unless the resource exists; hold its row until the transaction ends."""
    if arn.resource_type == "configuration-set":
        uow.configuration_sets.get(arn.name, for_update=True)
    elif arn.resource_type == "identity":
        uow.identities.get(arn.name, for_update=True)
    elif arn.resource_type == "template":
        uow.templates.get(arn.name)
    elif arn.resource_type == "contact-list":  # issue 20
        uow.contact_lists.get(arn.name, for_update=True)
    elif arn.resource_type == "dedicated-ip-pool":  # issue 15
        uow.dedicated_ips.get_pool(arn.name, for_update=True)
    elif arn.resource_type == "custom-verification-email-template":  # issue 20
        uow.verification_templates.get(arn.name, for_update=True)
    elif arn.resource_type == "tenant":  # issue 20: tenant/NAME/ID
        tenant = uow.tenants.get(arn.name.split("/")[0], for_update=True)
        if tenant.arn != str(arn):
            raise ResourceNotFound(arn.name)
    else:
        raise ResourceNotFound(arn.name)


def _resolve(uow: UnitOfWork, arn_text: str) -> tags.ResourceArn:
    arn = tags.ResourceArn.parse(arn_text)
    if arn.account_id != uow.account_id:
        raise InvalidTags("Operations on a resource created in a different account is not allowed")
    if arn.resource_type not in _RESOURCE_NOUNS:
        raise InvalidTags("Provided resource identifier is not an SES resource")
    return arn


def _missing(arn: tags.ResourceArn) -> ResourceNotFound:
    return ResourceNotFound(
        f"No {_RESOURCE_NOUNS[arn.resource_type]} present with name: {arn.name}"
    )


def _find(uow: UnitOfWork, arn: tags.ResourceArn) -> None:
    """Inside the unit of work: the resource must exist in the caller's region."""
    try:
        if arn.region != uow.region:
            raise _missing(arn)
        _lock_resource(uow, arn)
    except NotFound:
        raise _missing(arn) from None


def existing_resource(uow: UnitOfWork, arn_text: str) -> tags.ResourceArn:
    """Inside the caller's unit of work: the resource an ARN names, which must exist in this
    account and region (held until the transaction ends)."""
    arn = _resolve(uow, arn_text)
    _find(uow, arn)
    return arn


def list_tags(uow: UnitOfWork, arn_text: str) -> list[Tag]:
    arn = _resolve(uow, arn_text)
    with uow:
        _find(uow, arn)
        return uow.tags.get(str(arn))


def tag_resource(uow: UnitOfWork, arn_text: str, added: list[Tag]) -> None:
    _change(uow, arn_text, lambda current: tags.merge(current, added))


def untag_resource(uow: UnitOfWork, arn_text: str, keys: list[str]) -> None:
    _change(uow, arn_text, lambda current: tags.without(current, keys))


def _change(uow: UnitOfWork, arn_text: str, change: Callable[[list[Tag]], list[Tag]]) -> None:
    arn = _resolve(uow, arn_text)
    with uow:
        _find(uow, arn)
        uow.tags.replace(str(arn), change(uow.tags.get(str(arn))))
        uow.commit()
