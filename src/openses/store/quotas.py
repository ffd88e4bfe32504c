"""The quota repository: recipients counted per second and per minute (``send_counts``), and
each account's production access and PutAccountDetails (``account_access``). The only code
that reads or writes those tables."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

from openses.store.tables import account_access, send_counts

SECOND = "second"
MINUTE = "minute"
DAY_SECONDS = 86_400


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredAccess:
    production_access: bool = False
    details: dict[str, Any] | None = None
    review_status: str | None = None
    case_id: str | None = None


class QuotaRepository:
    def __init__(self, connection: Connection, account_id: str, region: str) -> None:
        self._connection = connection
        self._account_id = account_id
        self._region = region
        self._scope = (send_counts.c.account_id == account_id) & (send_counts.c.region == region)

    # -- counters --------------------------------------------------------------------------------

    def lock(self) -> None:
        """Hold the account's counters until the transaction ends, so that two processes on
        one PostgreSQL cannot both take the last of a quota. SQLite has one writer at a time
        already (its writes run in the group writer or behind the database lock)."""
        if self._connection.dialect.name == "postgresql":
            key = zlib.crc32(f"openses-quota:{self._account_id}:{self._region}".encode())
            self._connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})

    def counted(self, span: str, start: int) -> int:
        found = self._connection.execute(
            select(send_counts.c.recipients).where(
                self._scope, send_counts.c.span == span, send_counts.c.start == start
            )
        ).scalar_one_or_none()
        return int(found or 0)

    def counted_since(self, span: str, start: int) -> int:
        found = self._connection.execute(
            select(func.coalesce(func.sum(send_counts.c.recipients), 0)).where(
                self._scope, send_counts.c.span == span, send_counts.c.start >= start
            )
        ).scalar_one()
        return int(found)

    def add(self, span: str, start: int, recipients: int) -> int:
        """Count ``recipients`` more at ``start``; the total counted there now."""
        module: Any = postgresql if self._connection.dialect.name == "postgresql" else sqlite
        statement = module.insert(send_counts).values(
            account_id=self._account_id,
            region=self._region,
            span=span,
            start=start,
            recipients=recipients,
        )
        statement = statement.on_conflict_do_update(
            index_elements=["account_id", "region", "span", "start"],
            set_={"recipients": send_counts.c.recipients + recipients},
        ).returning(send_counts.c.recipients)
        total = int(self._connection.execute(statement).scalar_one())
        if total == recipients:  # a new row: the first of its second or minute
            self._forget_before(span, start)
        return total

    def _forget_before(self, span: str, start: int) -> None:
        keep = DAY_SECONDS if span == MINUTE else 60
        self._connection.execute(
            delete(send_counts).where(
                self._scope, send_counts.c.span == span, send_counts.c.start < start - keep
            )
        )

    # -- production access -------------------------------------------------------------------------

    def access(self) -> StoredAccess:
        row = self._connection.execute(
            select(account_access).where(
                account_access.c.account_id == self._account_id,
                account_access.c.region == self._region,
            )
        ).first()
        if row is None:
            return StoredAccess()
        return StoredAccess(
            production_access=row.production_access,
            details=row.details,
            review_status=row.review_status,
            case_id=row.case_id,
        )

    def save_access(self, access: StoredAccess) -> None:
        values = {
            "production_access": access.production_access,
            "details": access.details,
            "review_status": access.review_status,
            "case_id": access.case_id,
        }
        where = (account_access.c.account_id == self._account_id) & (
            account_access.c.region == self._region
        )
        if self._connection.execute(update(account_access).where(where).values(**values)).rowcount:
            return
        module: Any = postgresql if self._connection.dialect.name == "postgresql" else sqlite
        statement = module.insert(account_access).values(
            account_id=self._account_id, region=self._region, **values
        )
        self._connection.execute(
            statement.on_conflict_do_update(index_elements=["account_id", "region"], set_=values)
        )
