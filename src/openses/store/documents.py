"""The stored-document repository: the only code that reads or writes ``stored_documents``,
the JSON openses keeps, as sent, for features that need AWS's own infrastructure."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from openses.store.queries import Query
from openses.store.repository import AccountRegionRepository
from openses.store.rows import record_from_row
from openses.store.scoped import in_scope
from openses.store.tables import stored_documents

# A send's look-up (services/reputation_entities.check_send): a prebuilt statement.
_TWO_NAMED = Query(
    select(stored_documents.c.name, stored_documents.c.document).where(
        in_scope(stored_documents),
        stored_documents.c.kind == bindparam("kind"),
        (stored_documents.c.name == bindparam("first"))
        | (stored_documents.c.name == bindparam("second")),
    )
)


@dataclass(frozen=True, slots=True)
class StoredDocument:
    name: str
    document: dict[str, Any]
    created_at: datetime.datetime
    updated_at: datetime.datetime


class DocumentRepository(AccountRegionRepository):
    def _key(self, kind: str) -> ColumnElement[bool]:
        return self._owned(stored_documents) & (stored_documents.c.kind == kind)

    def get(self, kind: str, name: str) -> StoredDocument | None:
        row = self._connection.execute(
            select(stored_documents).where(self._key(kind), stored_documents.c.name == name)
        ).first()
        if row is None:
            return None
        return record_from_row(StoredDocument, row)

    def documents_named(self, kind: str, first: str, second: str) -> dict[str, dict[str, Any]]:
        """name -> document of those of the two names that have one (for a send: no more)."""
        params = {
            **self._scope_params,
            "kind": kind,
            "first": first,
            "second": second,
        }
        return {row.name: row.document for row in _TWO_NAMED.all(self._connection, params)}

    def add(self, kind: str, name: str, document: dict[str, Any], now: datetime.datetime) -> bool:
        """False when a document of that kind and name exists already."""
        row = {
            **self._scope_params,
            "kind": kind,
            "name": name,
            "document": document,
            "created_at": now,
            "updated_at": now,
        }
        try:
            self._connection.execute(insert(stored_documents), row)
        except IntegrityError:
            return False
        return True

    def put(self, kind: str, name: str, document: dict[str, Any], now: datetime.datetime) -> None:
        """Replace the document, or add it."""
        result = self._connection.execute(
            update(stored_documents)
            .where(self._key(kind), stored_documents.c.name == name)
            .values(document=document, updated_at=now)
        )
        if result.rowcount == 0:
            self.add(kind, name, document, now)

    def remove(self, kind: str, name: str) -> bool:
        result = self._connection.execute(
            delete(stored_documents).where(self._key(kind), stored_documents.c.name == name)
        )
        return bool(result.rowcount)

    def ordered(self, kind: str, *, after: str | None, limit: int) -> list[StoredDocument]:
        query = select(stored_documents).where(self._key(kind))
        if after is not None:
            query = query.where(stored_documents.c.name > after)
        rows = self._connection.execute(query.order_by(stored_documents.c.name).limit(limit))
        return [record_from_row(StoredDocument, row) for row in rows]
