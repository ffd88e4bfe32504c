"""The base of the repositories that read and write one account and region's rows."""

from __future__ import annotations

from sqlalchemy import Connection


class AccountRegionRepository:
    """Made with a unit of work's connection and the account and region it serves; the scope
    is also kept as bind parameters (``account_id``, ``region``) for statements built once."""

    def __init__(self, connection: Connection, account_id: str, region: str) -> None:
        self._connection = connection
        self._account_id = account_id
        self._region = region
        self._scope_params = {"account_id": account_id, "region": region}
