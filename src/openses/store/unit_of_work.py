"""The unit of work: one transaction, scoped to one account and region, rolled back unless
committed."""

from __future__ import annotations

import threading
from types import TracebackType
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine

from openses.store import outbox
from openses.store.account import AccountRepository
from openses.store.configuration_sets import ConfigurationSetRepository
from openses.store.identities import IdentityRepository
from openses.store.messages import MessageRepository
from openses.store.outbox import OutboxRepository
from openses.store.tags import TagRepository
from openses.store.templates import TemplateRepository

Repository = TypeVar("Repository")


def _options(connection: Connection, write: bool) -> dict[str, Any]:
    if not write and connection.dialect.name == "postgresql":
        # A read needs no BEGIN and ROLLBACK round trips; each statement sees committed data.
        return {"isolation_level": "AUTOCOMMIT"}
    return {"openses_write": write}


class LoopReader:
    """One connection kept open for the reads of the thread that first uses it (the event
    loop's, which runs the reads of every request but those that call out): a pool checkout and
    return per request cost more than a small read. A unit of work nested in another, or one
    on any other thread, takes a pooled connection as usual. A connection found invalidated
    (its PostgreSQL server went away) is replaced at the next read."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._connection: Connection | None = None
        self._owner: int | None = None
        self._busy = False

    def take(self) -> Connection | None:
        if self._busy:
            return None
        thread = threading.get_ident()
        if self._owner is None:
            self._owner = thread
        elif self._owner != thread:
            return None
        if self._connection is None or self._connection.closed or self._connection.invalidated:
            connection = self._engine.connect()
            self._connection = connection.execution_options(**_options(connection, False))
        self._busy = True
        return self._connection

    def give_back(self) -> None:
        self._busy = False

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


class UnitOfWork:
    """Repositories are made on first use: most units of work need one or two of them."""

    def __init__(
        self,
        engine: Engine,
        account_id: str,
        region: str,
        *,
        write: bool,
        reader: LoopReader | None = None,
    ) -> None:
        self._engine = engine
        self._reader = reader if not write else None
        self._kept: Connection | None = None
        self.account_id = account_id
        self.region = region
        self._write = write
        self._connection: Connection | None = None
        self._driver_snapshot = False
        self._repositories: dict[type[Any], Any] = {}

    @property
    def engine(self) -> Engine:
        return self._engine

    def __enter__(self) -> UnitOfWork:
        self._kept = self._reader.take() if self._reader is not None else None
        connection = self._kept if self._kept is not None else self._engine.connect()
        self._driver_snapshot = not self._write and connection.dialect.name == "sqlite"
        if self._driver_snapshot:
            # A read needs only a snapshot: BEGIN and ROLLBACK go straight to the driver, which
            # costs a tenth of a SQLAlchemy transaction (statements run through SQLAlchemy join
            # it: store/database.py begins only outside a transaction).
            connection.connection.driver_connection.execute("BEGIN")  # type: ignore[union-attr]
        else:
            if self._kept is None:
                connection = connection.execution_options(**_options(connection, self._write))
            connection.begin()
        self._connection = connection
        self._repositories = {}
        return self

    @property
    def configuration_sets(self) -> ConfigurationSetRepository:
        return self._scoped(ConfigurationSetRepository)

    @property
    def identities(self) -> IdentityRepository:
        return self._scoped(IdentityRepository)

    @property
    def account(self) -> AccountRepository:
        return self._scoped(AccountRepository)

    @property
    def messages(self) -> MessageRepository:
        return self._scoped(MessageRepository)

    @property
    def outbox(self) -> OutboxRepository:
        return self._scoped(OutboxRepository)

    @property
    def templates(self) -> TemplateRepository:
        return self._scoped(TemplateRepository)

    @property
    def tags(self) -> TagRepository:
        found: TagRepository | None = self._repositories.get(TagRepository)
        if found is None:
            found = self._repositories[TagRepository] = TagRepository(self._in_use())
        return found

    def _scoped(self, kind: type[Repository]) -> Repository:
        found: Repository | None = self._repositories.get(kind)
        if found is None:
            found = self._repositories[kind] = kind(  # type: ignore[call-arg]
                self._in_use(), self.account_id, self.region
            )
        return found

    def _in_use(self) -> Connection:
        assert self._connection is not None, "the unit of work is not entered"
        return self._connection

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        connection = self._connection
        assert connection is not None
        try:
            if connection.in_transaction():
                connection.rollback()  # SQLAlchemy's transaction, begun by its own statements
            elif self._driver_snapshot:
                connection.connection.driver_connection.rollback()  # type: ignore[union-attr]
        finally:
            self._connection = None
            if self._kept is not None:
                self._kept = None
                self._reader.give_back()  # type: ignore[union-attr]
            else:
                connection.close()

    def commit(self) -> None:
        assert self._connection is not None
        self._connection.commit()
        written: OutboxRepository | None = self._repositories.get(OutboxRepository)
        if written is not None and written.recorded:
            outbox.COMMITTED.notify()
