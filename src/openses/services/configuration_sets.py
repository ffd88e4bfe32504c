"""Configuration-set use cases."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Protocol

from openses.domain.configuration_set import ConfigurationSet, check_name
from openses.domain.errors import (
    ConfigurationSetLimitExceeded,
)
from openses.domain.event_destination import EventDestination, SnsDestination, Target
from openses.domain.tags import check as check_tags
from openses.services import dedicated_ips, limits, paging
from openses.store.unit_of_work import UnitOfWork


def create(uow: UnitOfWork, configuration_set: ConfigurationSet, *, limit: int) -> None:
    check_tags(configuration_set.tags)
    with uow:
        limits.check_room(uow.configuration_sets, limit, ConfigurationSetLimitExceeded)
        # issue 15: a SendingPoolName must name an existing pool
        dedicated_ips.check_sending_pool(uow, configuration_set.delivery_options.sending_pool_name)
        uow.configuration_sets.add(configuration_set)
        uow.commit()


def get(uow: UnitOfWork, name: str) -> ConfigurationSet:
    with uow:
        return uow.configuration_sets.get(name)


def update(uow: UnitOfWork, name: str, change: Callable[[ConfigurationSet], None]) -> None:
    """Load the set under a row lock, apply one domain change, save; all or nothing."""
    with uow:
        configuration_set = uow.configuration_sets.get(name, for_update=True)
        pool_before = configuration_set.delivery_options.sending_pool_name
        change(configuration_set)
        # issue 15: a new SendingPoolName must name an existing pool
        pool_after = configuration_set.delivery_options.sending_pool_name
        if pool_after != pool_before:
            dedicated_ips.check_sending_pool(uow, pool_after)
        uow.configuration_sets.save(configuration_set)
        uow.commit()


def delete(uow: UnitOfWork, name: str) -> None:
    with uow:
        uow.configuration_sets.remove(name)
        uow.commit()


#: The sets' names, in name order.
list_page: paging.PageReader[str] = paging.page_reader(
    lambda uow: uow.configuration_sets, check=check_name, key=str
)


# Recorded from AWS (LocalStack's AWS-recorded snapshot
# tests/aws/services/ses/test_ses.snapshot.json): sent with no Subject.
SNS_VALIDATION_MESSAGE = "Successfully validated SNS topic for Amazon SES event publishing."


class DestinationCheck(Protocol):
    def check(self, target: Target) -> None:
        """Raise the Invalid*Destination error AWS gives when the target does not exist."""
        ...


def put_event_destination(
    uow: UnitOfWork,
    name: str,
    destination: EventDestination,
    *,
    replace: bool,
    check: DestinationCheck | None,
    now: datetime.datetime,
) -> None:
    """Create (or, with ``replace``, update) a destination as AWS does: the target must exist,
    and an SNS topic gets the one-off validation message, enqueued with the change itself."""
    if check is not None:
        get(uow, name)  # a missing set is reported before a missing target
        # Outside the transaction: a slow peer must not hold the set's row lock.
        check.check(destination.target)
    with uow:
        configuration_set = uow.configuration_sets.get(name, for_update=True)
        if replace:
            configuration_set.replace_event_destination(destination)
        else:
            configuration_set.add_event_destination(destination)
        uow.configuration_sets.save(configuration_set)
        target = destination.target
        if check is not None and isinstance(target, SnsDestination):
            uow.outbox.add_publication(
                "sns", {"topic_arn": target.topic_arn}, SNS_VALIDATION_MESSAGE, now
            )
        uow.commit()
