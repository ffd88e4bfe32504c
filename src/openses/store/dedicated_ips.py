"""The dedicated-IP repository: the only code that reads or writes ``dedicated_ip_pools``,
``dedicated_ips`` and ``dedicated_ip_settings``."""

from __future__ import annotations

import builtins
import datetime
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Row, select, update
from sqlalchemy.dialects import postgresql, sqlite

from openses.domain.dedicated_ip import DedicatedIp, DedicatedIpPool, ScalingMode
from openses.domain.errors import DedicatedIpPoolAlreadyExists, DedicatedIpPoolNotFound
from openses.store.scoped import ScopedRepository
from openses.store.tables import dedicated_ip_pools, dedicated_ip_settings, dedicated_ips


class DedicatedIpRepository(ScopedRepository):
    table = dedicated_ip_pools
    resource_type = "dedicated-ip-pool"

    # -- pools ----------------------------------------------------------------------------------

    def add_pool(self, pool: DedicatedIpPool, created_at: datetime.datetime) -> None:
        values = {"scaling_mode": pool.scaling_mode, "created_at": created_at}
        self._insert_tagged(pool.name, values, pool.tags, DedicatedIpPoolAlreadyExists)

    def get_pool(self, name: str, *, for_update: bool = False) -> DedicatedIpPool:
        """The pool, without its tags; ``for_update`` holds its row until the transaction ends,
        so that it cannot be deleted (or changed) meanwhile."""
        return _pool(
            self._get_named(
                dedicated_ip_pools, name, DedicatedIpPoolNotFound, for_update=for_update
            )
        )

    def save_scaling_mode(self, pool: DedicatedIpPool) -> None:
        self._update_named(dedicated_ip_pools, pool.name, {"scaling_mode": pool.scaling_mode})

    def remove_pool(self, name: str) -> None:
        self._remove_tagged(name, DedicatedIpPoolNotFound)

    def list(self, *, after: str | None, limit: int) -> list[str]:
        """The pools' names in name order: keyset paging on the name."""
        return [row.name for row in self._name_page(after=after, limit=limit)]

    def managed_pools(self) -> set[str]:
        rows = self._connection.execute(
            select(dedicated_ip_pools.c.name).where(
                self._scope(), dedicated_ip_pools.c.scaling_mode == ScalingMode.MANAGED
            )
        )
        return {row.name for row in rows}

    # -- IPs ------------------------------------------------------------------------------------

    def changed_ips(self) -> dict[str, tuple[str | None, int]]:
        """ip -> (pool name or None for the default pool, warm-up percentage), for every IP
        this account has changed."""
        rows = self._connection.execute(
            select(
                dedicated_ips.c.ip, dedicated_ips.c.pool_name, dedicated_ips.c.warmup_percentage
            ).where(self._ips_scope())
        )
        return {row.ip: (row.pool_name, row.warmup_percentage) for row in rows}

    def save_ip(self, ip: DedicatedIp) -> None:
        values = {"pool_name": ip.pool_name, "warmup_percentage": ip.warmup_percentage}
        self._upsert(dedicated_ips, {**self._scope_params, "ip": ip.ip}, values, ["ip"])

    def count_ips_in(self, pool_name: str, configured: frozenset[str]) -> int:
        """How many of the operator's configured IPs are in the pool."""
        rows = self._connection.execute(
            select(dedicated_ips.c.ip).where(
                self._ips_scope(), dedicated_ips.c.pool_name == pool_name
            )
        )
        return sum(1 for row in rows if row.ip in configured)

    def release_ips_of(self, pool_name: str) -> None:
        """The pool's IPs go back to ses-default-dedicated-pool."""
        self._connection.execute(
            update(dedicated_ips)
            .where(self._ips_scope(), dedicated_ips.c.pool_name == pool_name)
            .values(pool_name=None)
        )

    # -- the account's automatic warm-up switch ---------------------------------------------------

    def auto_warmup_enabled(self) -> bool:
        row = self._connection.execute(
            select(dedicated_ip_settings.c.auto_warmup_enabled).where(
                self._owned(dedicated_ip_settings),
            )
        ).first()
        return bool(row.auto_warmup_enabled) if row is not None else False

    def set_auto_warmup_enabled(self, enabled: bool) -> None:
        self._upsert(
            dedicated_ip_settings,
            dict(self._scope_params),
            {"auto_warmup_enabled": enabled},
            [],
        )

    # -- helpers --------------------------------------------------------------------------------

    def _ips_scope(self) -> Any:
        return self._owned(dedicated_ips)

    def _upsert(
        self,
        table: Any,
        key: Mapping[str, Any],
        values: Mapping[str, Any],
        extra_key: builtins.list[str],
    ) -> None:
        """Insert the row, or update it where one with the same key exists: one statement, so
        that two writers of the same new row cannot collide."""
        dialect = self._connection.dialect.name
        module: Any = postgresql if dialect == "postgresql" else sqlite
        statement = module.insert(table).values({**key, **values})
        statement = statement.on_conflict_do_update(
            index_elements=["account_id", "region", *extra_key], set_=dict(values)
        )
        self._connection.execute(statement)


def _pool(row: Row[Any]) -> DedicatedIpPool:
    return DedicatedIpPool(name=row.name, scaling_mode=ScalingMode(row.scaling_mode))
