"""The account repository: sending settings, the suppression list, and sending counts read
from the messages table. The only code that reads or writes ``account_settings`` and
``suppressed_destinations``."""

from __future__ import annotations

import datetime
from collections.abc import Collection
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Row,
    Select,
    Table,
    bindparam,
    case,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from openses.domain.errors import SuppressedDestinationNotFound
from openses.domain.options import SuppressionReason
from openses.domain.suppression import AccountSettings, SuppressedDestination
from openses.store.queries import Query
from openses.store.repository import AccountRegionRepository
from openses.store.rows import record_from_row
from openses.store.scoped import in_scope
from openses.store.tables import account_settings, messages, suppressed_destinations

# Built once: the send path reads these on every message.
_SETTINGS = Query(
    select(account_settings).where(
        in_scope(account_settings),
    )
)
_SUPPRESSED = Query(
    select(suppressed_destinations).where(
        in_scope(suppressed_destinations),
        suppressed_destinations.c.email_address == bindparam("email_address"),
    )
)


class AccountRepository(AccountRegionRepository):
    # -- settings ------------------------------------------------------------------------------

    def settings(self) -> AccountSettings:
        row = _SETTINGS.first(self._connection, self._scope_params)
        if row is None:
            return AccountSettings()
        return AccountSettings(
            sending_enabled=row.sending_enabled,
            suppressed_reasons=tuple(SuppressionReason(r) for r in row.suppressed_reasons),
        )

    def save_settings(self, settings: AccountSettings) -> None:
        values = {
            "sending_enabled": settings.sending_enabled,
            "suppressed_reasons": [str(r) for r in settings.suppressed_reasons],
        }
        self._update_or_insert(account_settings, self._owned(account_settings), {}, values)

    # -- suppression list ----------------------------------------------------------------------

    def _suppression_scope(self) -> Any:
        return self._owned(suppressed_destinations)

    def find_suppressed(self, email_address: str) -> SuppressedDestination | None:
        params = {**self._scope_params, "email_address": email_address}
        row = _SUPPRESSED.first(self._connection, params)
        return None if row is None else suppressed(row)

    def find_suppressed_among(
        self, email_addresses: Collection[str]
    ) -> dict[str, SuppressedDestination]:
        """The entries of those of ``email_addresses`` on the list, in one statement."""
        if len(email_addresses) <= 1:  # the usual send: the prebuilt statement
            entries = (self.find_suppressed(address) for address in email_addresses)
            return {entry.email_address: entry for entry in entries if entry is not None}
        rows = self._connection.execute(
            select(suppressed_destinations).where(
                self._suppression_scope(),
                suppressed_destinations.c.email_address.in_(sorted(email_addresses)),
            )
        )
        return {row.email_address: suppressed(row) for row in rows}

    def get_suppressed(self, email_address: str) -> SuppressedDestination:
        entry = self.find_suppressed(email_address)
        if entry is None:
            raise SuppressedDestinationNotFound(email_address)
        return entry

    def put_suppressed(self, entry: SuppressedDestination) -> None:
        """Add the address, or replace its reason, time and attributes if it is listed."""
        where = self._suppression_scope() & (
            suppressed_destinations.c.email_address == entry.email_address
        )
        key = {"email_address": entry.email_address}
        self._update_or_insert(suppressed_destinations, where, key, suppression_values(entry))

    def remove_suppressed(self, email_address: str) -> None:
        result = self._connection.execute(
            delete(suppressed_destinations).where(
                self._suppression_scope(), suppressed_destinations.c.email_address == email_address
            )
        )
        if result.rowcount == 0:
            raise SuppressedDestinationNotFound(email_address)

    def list_suppressed(
        self,
        *,
        reasons: Collection[SuppressionReason] = (),
        start: datetime.datetime | None = None,
        end: datetime.datetime | None = None,
        after: str | None = None,
        limit: int,
    ) -> list[SuppressedDestination]:
        """One page in address order (keyset paging on the address), filtered by reason and by
        last update time, ``start`` <= time <= ``end``."""
        query = select(suppressed_destinations).where(self._suppression_scope())
        return suppressed_page(
            self._connection, query, reasons=reasons, start=start, end=end, after=after, limit=limit
        )

    def _update_or_insert(
        self, table: Table, where: ColumnElement[bool], key: dict[str, Any], values: dict[str, Any]
    ) -> None:
        """Set ``values`` on the row ``where`` finds, or insert it (this scope, ``key`` and
        ``values``) in a savepoint; a concurrent first write that wins the insert is updated."""
        if self._connection.execute(update(table).where(where).values(**values)).rowcount:
            return
        try:
            with self._connection.begin_nested():
                self._connection.execute(
                    insert(table).values(
                        account_id=self._account_id, region=self._region, **key, **values
                    )
                )
        except IntegrityError:  # a concurrent first write won the insert
            self._connection.execute(update(table).where(where).values(**values))

    # -- sending counts --------------------------------------------------------------------------

    def _message_scope(self) -> Any:
        return self._owned(messages)

    def count_recipients(self, *, since: datetime.datetime, statuses: Collection[str]) -> int:
        """To, Cc and Bcc recipients of the messages since ``since`` with one of ``statuses``."""
        query = (
            select(func.coalesce(func.sum(_RECIPIENT_COUNT), 0))
            .select_from(messages)
            .where(
                self._message_scope(),
                messages.c.created_at >= since,
                messages.c.status.in_(list(statuses)),
            )
        )
        return int(self._connection.execute(query).scalar_one())


# The envelope's recipients: the events' ``mail.destination`` (for raw mail, Destinations when
# given, not the To header). A row without ``mail`` counts the addresses of ``recipients``,
# ",a@x,b@y,", one comma more than it has addresses (store/messages.py).
_RECIPIENT_COUNT = case(
    (
        messages.c.mail.is_(None),
        func.length(messages.c.recipients)
        - func.length(func.replace(messages.c.recipients, ",", ""))
        - 1,
    ),
    else_=func.json_array_length(messages.c.mail["destination"]),
)


def suppressed_page(
    connection: Connection,
    query: Select[Any],
    *,
    reasons: Collection[SuppressionReason],
    start: datetime.datetime | None,
    end: datetime.datetime | None,
    after: str | None,
    limit: int,
) -> list[SuppressedDestination]:
    """One page of a suppression list (the account's or a tenant's: ``query`` selects its
    table's rows in scope) in address order, keyset-paged on the address, filtered by reason
    and by last update time, ``start`` <= time <= ``end``."""
    table = query.selected_columns
    if reasons:
        query = query.where(table.reason.in_([str(r) for r in reasons]))
    if start is not None:
        query = query.where(table.last_update_time >= start)
    if end is not None:
        query = query.where(table.last_update_time <= end)
    if after is not None:
        query = query.where(table.email_address > after)
    rows = connection.execute(query.order_by(table.email_address).limit(limit))
    return [suppressed(row) for row in rows]


def suppression_values(entry: SuppressedDestination) -> dict[str, Any]:
    """A suppression list row's columns but the address (the account's list or a tenant's)."""
    return {
        "reason": str(entry.reason),
        "message_id": entry.message_id,
        "feedback_id": entry.feedback_id,
        "last_update_time": entry.last_update_time,
    }


def suppressed(row: Row[Any]) -> SuppressedDestination:
    return record_from_row(SuppressedDestination, row, reason=SuppressionReason(row.reason))
