"""The ``access_keys`` table: access keys, their encrypted secrets and attached policies."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from sqlalchemy import Engine, Row, delete, insert, select, update

from openses.store.database import reading
from openses.store.tables import access_keys

ACTIVE = "Active"


@dataclass(frozen=True, slots=True, kw_only=True)
class AttachedPolicy:
    name: str
    document: str  # the IAM policy JSON, as given


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredKey:
    access_key_id: str
    account_id: str
    user_name: str | None
    encrypted_secret: str
    status: str
    policies: tuple[AttachedPolicy, ...]
    created_at: datetime.datetime


def _key(row: Row[tuple[object, ...]]) -> StoredKey:
    mapping = row._mapping
    return StoredKey(
        access_key_id=mapping["access_key_id"],
        account_id=mapping["account_id"],
        user_name=mapping["user_name"],
        encrypted_secret=mapping["encrypted_secret"],
        status=mapping["status"],
        policies=tuple(
            AttachedPolicy(name=item["PolicyName"], document=item["PolicyDocument"])
            for item in mapping["policies"]
        ),
        created_at=mapping["created_at"],
    )


def _policies(policies: tuple[AttachedPolicy, ...]) -> list[dict[str, str]]:
    return [{"PolicyName": p.name, "PolicyDocument": p.document} for p in policies]


def add(engine: Engine, key: StoredKey) -> None:
    with engine.begin() as connection:
        connection.execute(
            insert(access_keys).values(
                access_key_id=key.access_key_id,
                account_id=key.account_id,
                user_name=key.user_name,
                encrypted_secret=key.encrypted_secret,
                status=key.status,
                policies=_policies(key.policies),
                created_at=key.created_at,
            )
        )


def all_keys(engine: Engine, account_id: str | None = None) -> list[StoredKey]:
    query = select(access_keys).order_by(access_keys.c.created_at, access_keys.c.access_key_id)
    if account_id is not None:
        query = query.where(access_keys.c.account_id == account_id)
    with reading(engine) as connection:  # never queued behind SQLite's write lock
        return [_key(row) for row in connection.execute(query)]


def get(engine: Engine, access_key_id: str) -> StoredKey | None:
    query = select(access_keys).where(access_keys.c.access_key_id == access_key_id)
    with reading(engine) as connection:
        row = connection.execute(query).first()
    return None if row is None else _key(row)


def remove(engine: Engine, access_key_id: str) -> bool:
    with engine.begin() as connection:
        result = connection.execute(
            delete(access_keys).where(access_keys.c.access_key_id == access_key_id)
        )
    return result.rowcount > 0


def attach(engine: Engine, access_key_id: str, policy: AttachedPolicy) -> bool:
    """Attach ``policy``, replacing one of the same name; False when the key does not exist."""
    with engine.begin() as connection:
        row = connection.execute(
            select(access_keys.c.policies)
            .where(access_keys.c.access_key_id == access_key_id)
            .with_for_update()
        ).first()
        if row is None:
            return False
        kept = [item for item in row.policies if item["PolicyName"] != policy.name]
        kept.append({"PolicyName": policy.name, "PolicyDocument": policy.document})
        connection.execute(
            update(access_keys)
            .where(access_keys.c.access_key_id == access_key_id)
            .values(policies=kept)
        )
    return True
