"""How many resources of a kind an account may hold (issue 18: configuration sets, templates,
identities), checked where one is created."""

from __future__ import annotations

from collections.abc import Callable

from openses.domain.errors import LimitExceeded
from openses.store.scoped import ScopedRepository


def check_room(
    repository: ScopedRepository, limit: int, exceeded: Callable[[int], LimitExceeded]
) -> None:
    """Inside the caller's unit of work, before it adds one: ``exceeded(limit)`` when the
    account already holds ``limit`` of the repository's kind. The kind is locked first:
    without the lock, concurrent creates could each count below the limit and all insert."""
    repository.lock_scope()
    if repository.count() >= limit:
        raise exceeded(limit)
