"""Configuration-set use cases."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass

from openses.domain.configuration_set import ConfigurationSet, check_name
from openses.domain.errors import (
    ConfigurationSetLimitExceeded,
    InvalidConfigurationSetName,
    InvalidNextToken,
)
from openses.domain.tags import check as check_tags
from openses.store.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class Page:
    names: list[str]
    next_token: str | None


def create(uow: UnitOfWork, configuration_set: ConfigurationSet, *, limit: int) -> None:
    check_tags(configuration_set.tags)
    with uow:
        # Without the lock, concurrent creates could each count below the limit and all insert.
        uow.configuration_sets.lock_scope()
        if uow.configuration_sets.count() >= limit:
            raise ConfigurationSetLimitExceeded(limit)
        uow.configuration_sets.add(configuration_set)
        uow.commit()


def get(uow: UnitOfWork, name: str) -> ConfigurationSet:
    with uow:
        return uow.configuration_sets.get(name)


def update(uow: UnitOfWork, name: str, change: Callable[[ConfigurationSet], None]) -> None:
    """Load the set under a row lock, apply one domain change, save; all or nothing."""
    with uow:
        configuration_set = uow.configuration_sets.get(name, for_update=True)
        change(configuration_set)
        uow.configuration_sets.save(configuration_set)
        uow.commit()


def delete(uow: UnitOfWork, name: str) -> None:
    with uow:
        uow.configuration_sets.remove(name)
        uow.commit()


def list_page(uow: UnitOfWork, *, next_token: str | None, page_size: int) -> Page:
    after = _decode_token(next_token) if next_token else None
    with uow:
        names = uow.configuration_sets.list_names(after=after, limit=page_size + 1)
    if len(names) > page_size:
        return Page(names[:page_size], _encode_token(names[page_size - 1]))
    return Page(names, None)


def _encode_token(name: str) -> str:
    return base64.urlsafe_b64encode(name.encode()).decode()


def _decode_token(token: str) -> str:
    try:
        name = base64.urlsafe_b64decode(token.encode()).decode()
        check_name(name)
    except (ValueError, InvalidConfigurationSetName):
        raise InvalidNextToken(token) from None
    return name
