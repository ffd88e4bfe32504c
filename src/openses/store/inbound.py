"""What the inbound listener asks before it knows whose mail it holds (issue 16), across
accounts: who owns a recipient (its verified identities) and which domains openses' return
paths use (the identities' custom MAIL FROM domains). Unscoped, like the returns."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection

from openses.store import identities


class InboundRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def owners(self, names: Iterable[str]) -> list[tuple[str, str]]:
        """(account, region) of each verified identity named one of ``names``."""
        return identities.verified_owners(self._connection, names)

    def mail_from_domains(self) -> set[str]:
        """Every identity's custom MAIL FROM domain, lower-cased."""
        return identities.custom_mail_from_domains(self._connection)
