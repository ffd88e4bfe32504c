"""Identities' DKIM private keys (issue 15): the only code that reads or writes
identity_signing_keys. A key belongs to an identity row and goes with it (ON DELETE CASCADE)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from sqlalchemy import Select, delete, insert, select

from openses.domain.errors import IdentityNotFound
from openses.store.repository import AccountRegionRepository
from openses.store.tables import identities, identity_signing_keys


@dataclass(frozen=True, slots=True, kw_only=True)
class SigningKey:
    selector: str | None
    private_key_pem: str
    bits: int
    created_at: datetime.datetime


class SigningKeyRepository(AccountRegionRepository):
    def _identity_id(self, name: str) -> Select[tuple[int]]:
        return select(identities.c.id).where(
            self._owned(identities),
            identities.c.name == name,
        )

    def find(self, name: str) -> SigningKey | None:
        keys = identity_signing_keys.c
        row = self._connection.execute(
            select(keys.selector, keys.private_key, keys.bits, keys.created_at).where(
                keys.identity_id == self._identity_id(name).scalar_subquery()
            )
        ).first()
        if row is None:
            return None
        return SigningKey(
            selector=row.selector,
            private_key_pem=row.private_key,
            bits=row.bits,
            created_at=row.created_at,
        )

    def put(self, name: str, key: SigningKey) -> None:
        """The identity's key, replacing any it had."""
        identity_id = self._connection.execute(self._identity_id(name)).scalar()
        if identity_id is None:
            raise IdentityNotFound(name)
        keys = identity_signing_keys.c
        self._connection.execute(
            delete(identity_signing_keys).where(keys.identity_id == identity_id)
        )
        self._connection.execute(
            insert(identity_signing_keys).values(
                identity_id=identity_id,
                selector=key.selector,
                private_key=key.private_key_pem,
                bits=key.bits,
                created_at=key.created_at,
            )
        )

    def remove(self, name: str) -> None:
        keys = identity_signing_keys.c
        self._connection.execute(
            delete(identity_signing_keys).where(
                keys.identity_id == self._identity_id(name).scalar_subquery()
            )
        )
