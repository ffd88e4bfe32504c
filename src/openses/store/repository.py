"""The base of the repositories that read and write one account and region's rows."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Connection, Table


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
