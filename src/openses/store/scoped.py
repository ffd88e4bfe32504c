"""What the repositories of named, tagged resources share: one account and region's rows of one
table, tags kept by ARN, and an insert that reports a taken name as the domain's error."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

from sqlalchemy import (
    ColumnElement,
    Connection,
    Delete,
    Row,
    Table,
    and_,
    bindparam,
    delete,
    func,
    select,
    text,
    true,
)

from openses.domain.options import Tag
from openses.domain.tags import ResourceArn
from openses.store.repository import AccountRegionRepository
from openses.store.tags import TagRepository

_LOCK_SCOPE = text("SELECT pg_advisory_xact_lock(hashtext(:scope))")


def in_scope(table: Table) -> ColumnElement[bool]:
    """The rows of one account and region, both bound by name, for statements built once."""
    return (table.c.account_id == bindparam("account_id")) & (table.c.region == bindparam("region"))


def within(table: Table, account_id: str | None, region: str | None) -> ColumnElement[bool]:
    """The rows of ``table`` one account and region may see; ``None`` leaves that part open
    (both ``None``: every account's, the operator's view)."""
    condition: ColumnElement[bool] = true()
    if account_id is not None:
        condition = and_(condition, table.c.account_id == account_id)
    if region is not None:
        condition = and_(condition, table.c.region == region)
    return condition


class ScopedRepository(AccountRegionRepository):
    table: ClassVar[Table]
    resource_type: ClassVar[str]  # as in the resource's ARN: identity, template, ...
    lock_kind: ClassVar[str | None] = None  # lock_scope's name for the kind; None: resource_type
    _removal: ClassVar[Delete]  # by account, region and name, built once per repository

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._removal = delete(cls.table).where(
            in_scope(cls.table), cls.table.c.name == bindparam("name")
        )

    def __init__(self, connection: Connection, account_id: str, region: str) -> None:
        super().__init__(connection, account_id, region)
        self._tags = TagRepository(connection)

    def _scope(self) -> ColumnElement[bool]:
        return self._owned(self.table)

    def lock_scope(self) -> None:
        """Hold this account and region's resources of this kind still until the transaction
        ends, so that a count taken now stays true (issue 18's quotas). SQLite writers already
        run one at a time."""
        if self._connection.dialect.name == "postgresql":
            kind = self.lock_kind or self.resource_type
            scope = f"openses:{kind}:{self._account_id}:{self._region}"
            self._connection.execute(_LOCK_SCOPE, {"scope": scope})

    def _name_page(
        self, *conditions: ColumnElement[bool], after: str | None, limit: int
    ) -> Sequence[Row[Any]]:
        """One page of this scope's rows that meet ``conditions``, in name order, keyset-paged:
        the names after ``after``, ``limit`` at most."""
        query = select(self.table).where(self._scope(), *conditions)
        if after is not None:
            query = query.where(self.table.c.name > after)
        return self._connection.execute(query.order_by(self.table.c.name).limit(limit)).all()

    def count(self) -> int:
        query = select(func.count()).select_from(self.table).where(self._scope())
        return int(self._connection.execute(query).scalar_one())

    def _arn(self, name: str) -> str:
        return str(ResourceArn(self._region, self._account_id, self.resource_type, name))

    def _insert_tagged(
        self,
        name: str,
        values: Mapping[str, Any],
        tags: list[Tag],
        taken: Callable[[str], Exception],
    ) -> None:
        """Insert the row (``_insert_named``) and its tags."""
        self._insert_named(self.table, name, values, taken)
        self._tags.add(self._arn(name), tags)

    def _save_tagged(
        self,
        name: str,
        values: Mapping[str, Any],
        tags: list[Tag],
        missing: Callable[[str], Exception],
    ) -> None:
        """Update the row and replace its tags; ``missing(name)`` is raised when there is no
        such row."""
        if not self._update_named(self.table, name, values):
            raise missing(name)
        self._tags.replace(self._arn(name), tags)

    def _remove_tagged(self, name: str, missing: Callable[[str], Exception]) -> None:
        """Delete the row (its dependent rows go with it, ON DELETE CASCADE) and its tags;
        ``missing(name)`` is raised when there is no such row."""
        params = {**self._scope_params, "name": name}
        if self._connection.execute(self._removal, params).rowcount == 0:
            raise missing(name)
        self._tags.replace(self._arn(name), [])
