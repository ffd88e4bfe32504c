"""The base of the repositories that read and write one account and region's rows: the scope
as a condition (``_owned``) and as bind parameters (``_scope_params``), and a named row of a
scoped table found, updated and inserted."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, Table, insert, select, update
from sqlalchemy.exc import IntegrityError


class AccountRegionRepository:
    """Made with a unit of work's connection and the account and region it serves; the scope
    is also kept as bind parameters (``account_id``, ``region``) for statements built once."""

    def __init__(self, connection: Connection, account_id: str, region: str) -> None:
        self._connection = connection
        self._account_id = account_id
        self._region = region
        self._scope_params = {"account_id": account_id, "region": region}

    def _owned(self, table: Table) -> ColumnElement[bool]:
        """The rows of ``table`` that belong to this account and region."""
        return (table.c.account_id == self._account_id) & (table.c.region == self._region)

    def _find_named(self, table: Table, name: str, *, for_update: bool = False) -> Row[Any] | None:
        """This scope's row of ``table`` named ``name``, if any; ``for_update`` holds it until
        the transaction ends."""
        query = select(table).where(self._owned(table), table.c.name == name)
        return self._connection.execute(query.with_for_update() if for_update else query).first()

    def _get_named(
        self,
        table: Table,
        name: str,
        missing: Callable[[str], Exception],
        *,
        for_update: bool = False,
    ) -> Row[Any]:
        """As ``_find_named``; ``missing(name)`` is raised when there is no such row."""
        row = self._find_named(table, name, for_update=for_update)
        if row is None:
            raise missing(name)
        return row

    def _update_named(self, table: Table, name: str, values: Mapping[str, Any]) -> bool:
        """Set ``values`` on this scope's row of ``table`` named ``name``; whether there was one."""
        result = self._connection.execute(
            update(table).where(self._owned(table), table.c.name == name).values(**values)
        )
        return bool(result.rowcount)

    def _insert_named(
        self,
        table: Table,
        name: str,
        values: Mapping[str, Any],
        taken: Callable[[str], Exception],
    ) -> None:
        """Insert this scope's row of ``table`` named ``name``; ``taken(name)`` is raised when
        the name is in use. No savepoint: a failed insert ends the whole unit of work, which
        then rolls back."""
        row = {**self._scope_params, "name": name, **values}
        try:
            self._connection.execute(insert(table), row)
        except IntegrityError:
            raise taken(name) from None
