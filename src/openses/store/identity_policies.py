"""Identities' sending authorization policies (issue 18): the only code that reads or writes
identity_policies. A policy belongs to an identity row and goes with it (ON DELETE CASCADE)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, delete, func, insert, select, update

from openses.domain.errors import IdentityNotFound
from openses.store.repository import AccountRegionRepository
from openses.store.tables import identities, identity_policies


class IdentityPolicyRepository(AccountRegionRepository):
    def _identity_id(self, name: str) -> Select[Any]:
        return select(identities.c.id).where(
            self._owned(identities),
            identities.c.name == name,
        )

    def _id_of(self, name: str) -> int:
        """The identity's row id, its row locked for the rest of the unit of work (policy
        writes of one identity take turns, so the count limit holds)."""
        found = self._connection.execute(self._identity_id(name).with_for_update()).first()
        if found is None:
            raise IdentityNotFound(name)
        return int(found[0])

    def of(self, name: str) -> dict[str, str]:
        """The identity's policies by name, in name order; raises IdentityNotFound."""
        identity_id = self._connection.execute(self._identity_id(name)).scalar()
        if identity_id is None:
            raise IdentityNotFound(name)
        rows = self._connection.execute(
            select(identity_policies.c.name, identity_policies.c.document)
            .where(identity_policies.c.identity_id == identity_id)
            .order_by(identity_policies.c.name)
        )
        return {row.name: row.document for row in rows}

    def count_and_has(self, name: str, policy_name: str) -> tuple[int, bool]:
        """(how many policies the identity has, whether one is ``policy_name``), locking it."""
        identity_id = self._id_of(name)
        policies = identity_policies.c
        total = self._connection.execute(
            select(func.count()).where(policies.identity_id == identity_id)
        ).scalar_one()
        has = self._connection.execute(
            select(policies.id).where(
                policies.identity_id == identity_id, policies.name == policy_name
            )
        ).first()
        return int(total), has is not None

    def put(self, name: str, policy_name: str, document: str) -> None:
        identity_id = self._id_of(name)
        policies = identity_policies.c
        changed = self._connection.execute(
            update(identity_policies)
            .where(policies.identity_id == identity_id, policies.name == policy_name)
            .values(document=document)
        ).rowcount
        if not changed:
            self._connection.execute(
                insert(identity_policies).values(
                    identity_id=identity_id, name=policy_name, document=document
                )
            )

    def remove(self, name: str, policy_name: str) -> None:
        identity_id = self._id_of(name)
        policies = identity_policies.c
        self._connection.execute(
            delete(identity_policies).where(
                policies.identity_id == identity_id, policies.name == policy_name
            )
        )
