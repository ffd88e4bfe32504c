"""Tagging use cases, for any SES resource named by its ARN."""

from __future__ import annotations

from collections.abc import Callable

from openses.domain import tags
from openses.domain.errors import ConfigurationSetNotFound, InvalidTags, ResourceNotFound
from openses.domain.options import Tag
from openses.services import configuration_sets
from openses.store.unit_of_work import UnitOfWork

# ARN resource type -> the noun AWS uses when it is missing.
_RESOURCE_NOUNS = {
    "configuration-set": "ConfigurationSet",
    "identity": "EmailIdentity",
    "template": "Template",
    "contact-list": "ContactList",
    "dedicated-ip-pool": "DedicatedIpPool",
}


def _resolve(uow: UnitOfWork, arn_text: str) -> tags.ResourceArn:
    arn = tags.ResourceArn.parse(arn_text)
    if arn.account_id != uow.account_id:
        raise InvalidTags("Operations on a resource created in a different account is not allowed")
    noun = _RESOURCE_NOUNS.get(arn.resource_type)
    if noun is None:
        raise InvalidTags("Provided resource identifier is not an SES resource")
    if arn.region != uow.region or arn.resource_type != "configuration-set":
        raise ResourceNotFound(f"No {noun} present with name: {arn.name}")
    return arn


def list_tags(uow: UnitOfWork, arn_text: str) -> list[Tag]:
    arn = _resolve(uow, arn_text)
    try:
        return configuration_sets.get(uow, arn.name).tags
    except ConfigurationSetNotFound:
        raise ResourceNotFound(f"No ConfigurationSet present with name: {arn.name}") from None


def tag_resource(uow: UnitOfWork, arn_text: str, added: list[Tag]) -> None:
    _change(uow, arn_text, lambda current: tags.merge(current, added))


def untag_resource(uow: UnitOfWork, arn_text: str, keys: list[str]) -> None:
    _change(uow, arn_text, lambda current: tags.without(current, keys))


def _change(uow: UnitOfWork, arn_text: str, change: Callable[[list[Tag]], list[Tag]]) -> None:
    arn = _resolve(uow, arn_text)
    try:
        configuration_sets.replace_tags(uow, arn.name, change)
    except ConfigurationSetNotFound:
        raise ResourceNotFound(f"No ConfigurationSet present with name: {arn.name}") from None
