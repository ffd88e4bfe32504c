"""The quota repository: recipients counted per second and per minute (``send_counts``), and
each account's production access and PutAccountDetails (``account_access``). The only code
that reads or writes those tables."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Integer,
    String,
    bindparam,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from openses.store.queries import Query
from openses.store.repository import AccountRegionRepository
from openses.store.rows import record_from_row
from openses.store.scoped import in_scope
from openses.store.tables import account_access, send_counts

SECOND = "second"
MINUTE = "minute"
DAY_SECONDS = 86_400


def _in_scope() -> Any:
    return in_scope(send_counts) & (send_counts.c.span == bindparam("span"))


# Built once: a send under a limit runs these.
_COUNTED_SINCE = Query(
    select(func.coalesce(func.sum(send_counts.c.recipients), 0)).where(
        _in_scope(), send_counts.c.start >= bindparam("start")
    )
)
_FORGET = delete(send_counts).where(_in_scope(), send_counts.c.start < bindparam("start"))


def _upsert_for(module: Any) -> Any:
    statement = module.insert(send_counts).values(
        account_id=bindparam("account_id"),
        region=bindparam("region"),
        span=bindparam("span"),
        start=bindparam("start"),
        recipients=bindparam("recipients"),
    )
    return statement.on_conflict_do_update(
        index_elements=["account_id", "region", "span", "start"],
        set_={"recipients": send_counts.c.recipients + statement.excluded.recipients},
    ).returning(send_counts.c.recipients)


_UPSERTS = {"postgresql": Query(_upsert_for(postgresql)), "sqlite": Query(_upsert_for(sqlite))}

# PostgreSQL does the lock, both counts and the sum in one round trip: the function
# openses_count_send of migration 0015, the same statements as the SQLite path below.
_COUNT_SEND = func.openses_count_send(
    bindparam("account_id", type_=String),
    bindparam("region", type_=String),
    bindparam("second", type_=BigInteger),
    bindparam("recipients", type_=Integer),
    bindparam("count_second", type_=Boolean),
    bindparam("count_minute", type_=Boolean),
    bindparam("lock", type_=BigInteger),
).table_valued("second_total", "day_total")
_PG_COUNT_SEND = Query(select(_COUNT_SEND.c.second_total, _COUNT_SEND.c.day_total))


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredAccess:
    production_access: bool = False
    details: dict[str, Any] | None = None
    review_status: str | None = None
    case_id: str | None = None


class QuotaRepository(AccountRegionRepository):
    # -- counters --------------------------------------------------------------------------------

    def count_send(
        self, second: int, recipients: int, *, per_second: bool, per_minute: bool
    ) -> tuple[int | None, int | None]:
        """Count a send's ``recipients`` at ``second`` (its second, when ``per_second``; its
        minute, when ``per_minute``) under the account's lock; the second's total and the
        last day's, each None when not counted. The lock is a PostgreSQL advisory lock of the
        account and region, held to the end of the transaction, so that two processes cannot
        both take the last of a quota; SQLite has one writer at a time already."""
        if self._connection.dialect.name == "postgresql":
            row = _PG_COUNT_SEND.first(
                self._connection,
                {
                    **self._scope_params,
                    "second": second,
                    "recipients": recipients,
                    "count_second": per_second,
                    "count_minute": per_minute,
                    "lock": self._lock_key(),
                },
            )
            assert row is not None
            return row[0], None if row[1] is None else int(row[1])
        second_total = self.add(SECOND, second, recipients) if per_second else None
        day_total = None
        if per_minute:
            self.add(MINUTE, second - second % 60, recipients)
            # Whole minutes: the minute that holds the moment 24 hours ago still counts.
            day_total = self.counted_since(MINUTE, second - DAY_SECONDS - 59)
        return second_total, day_total

    def _lock_key(self) -> int:
        return zlib.crc32(f"openses-quota:{self._account_id}:{self._region}".encode())

    def counted_since(self, span: str, start: int) -> int:
        row = _COUNTED_SINCE.first(
            self._connection, {**self._scope_params, "span": span, "start": start}
        )
        return int(row[0]) if row is not None else 0

    def add(self, span: str, start: int, recipients: int) -> int:
        """Count ``recipients`` more at ``start``; the total counted there now."""
        params = {**self._scope_params, "span": span, "start": start, "recipients": recipients}
        row = _UPSERTS[self._connection.dialect.name].first(self._connection, params)
        total = int(row[0]) if row is not None else recipients
        if total == recipients:  # a new row: the first of its second or minute
            keep = DAY_SECONDS + 60 if span == MINUTE else 60
            scope = {**self._scope_params, "span": span, "start": start - keep}
            self._connection.execute(_FORGET, scope)
        return total

    # -- production access -------------------------------------------------------------------------

    def access(self) -> StoredAccess:
        row = self._connection.execute(
            select(account_access).where(
                self._owned(account_access),
            )
        ).first()
        if row is None:
            return StoredAccess()
        return record_from_row(StoredAccess, row)

    def save_access(self, access: StoredAccess) -> None:
        values = {
            "production_access": access.production_access,
            "details": access.details,
            "review_status": access.review_status,
            "case_id": access.case_id,
        }
        where = self._owned(account_access)
        if self._connection.execute(update(account_access).where(where).values(**values)).rowcount:
            return
        module: Any = postgresql if self._connection.dialect.name == "postgresql" else sqlite
        statement = module.insert(account_access).values(
            account_id=self._account_id, region=self._region, **values
        )
        self._connection.execute(
            statement.on_conflict_do_update(index_elements=["account_id", "region"], set_=values)
        )
