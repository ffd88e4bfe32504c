"""Sending authorization policies of email identities (issue 18): the use cases behind v2
Create/Get/Update/DeleteEmailIdentityPolicy and v1 Put/Get/List/DeleteIdentityPolicy, and the
check a send through another account's identity passes (``allows_send``)."""

from __future__ import annotations

from collections.abc import Iterable

from openses.domain import identity_policy, policy
from openses.domain.conditions import Context
from openses.domain.errors import PolicyAlreadyExists, PolicyLimitExceeded
from openses.store.unit_of_work import UnitOfWork


def identity_arn(region: str, account_id: str, name: str) -> str:
    return f"arn:aws:ses:{region}:{account_id}:identity/{name}"


def _arn(uow: UnitOfWork, name: str) -> str:
    return identity_arn(uow.region, uow.account_id, name)


def put(
    uow: UnitOfWork, name: str, policy_name: str, document: str, *, create_only: bool = False
) -> None:
    """Adds or replaces the policy; ``create_only`` (v2 Create) refuses an existing name."""
    identity_policy.check_name(policy_name)
    identity_policy.check_document(document, _arn(uow, name))
    with uow:
        count, exists = uow.identity_policies.count_and_has(name, policy_name)
        if exists and create_only:
            raise PolicyAlreadyExists(name, policy_name)
        if not exists and count >= identity_policy.MAX_POLICIES:
            raise PolicyLimitExceeded(name, identity_policy.MAX_POLICIES)
        uow.identity_policies.put(name, policy_name, document)
        uow.commit()


def update(uow: UnitOfWork, name: str, policy_name: str, document: str) -> None:
    """v2 UpdateEmailIdentityPolicy "returns successfully even if a policy with the specified
    name does not exist" (API reference); openses then leaves the identity as it was."""
    identity_policy.check_name(policy_name)
    identity_policy.check_document(document, _arn(uow, name))
    with uow:
        _, exists = uow.identity_policies.count_and_has(name, policy_name)
        if exists:
            uow.identity_policies.put(name, policy_name, document)
        uow.commit()


def delete(uow: UnitOfWork, name: str, policy_name: str) -> None:
    with uow:
        uow.identity_policies.remove(name, policy_name)
        uow.commit()


def policies(uow: UnitOfWork, name: str, names: Iterable[str] | None = None) -> dict[str, str]:
    """The identity's policies by name; only ``names`` when given (names it lacks left out)."""
    with uow:
        found = uow.identity_policies.of(name)
    if names is None:
        return found
    wanted = set(names)
    return {key: value for key, value in found.items() if key in wanted}


def allows_send(
    documents: Iterable[str],
    action: str,
    resource: str,
    principals: tuple[str, ...],
    context: Context,
) -> bool:
    """Whether the identity's policies let ``principals`` (the sender's ARNs) perform
    ``action`` on ``resource`` (the identity's ARN) in ``context``."""
    statements = tuple(
        statement
        for document in documents
        for statement in policy.statements(document, resource_based=True)
    )
    return policy.allows(statements, action, resource, context, principals)
