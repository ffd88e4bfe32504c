"""The unit of work: one transaction, scoped to one account and region, rolled back unless
committed."""

from __future__ import annotations

from types import TracebackType
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine

from openses.store import outbox
from openses.store.account import AccountRepository
from openses.store.configuration_sets import ConfigurationSetRepository
from openses.store.database import driver
from openses.store.deliveries import DeliveryRepository
from openses.store.identities import IdentityRepository
from openses.store.loop import LoopReader, LoopWriter, open_connection
from openses.store.messages import MessageRepository
from openses.store.outbox import OutboxRepository
from openses.store.tags import TagRepository
from openses.store.templates import TemplateRepository

Repository = TypeVar("Repository")


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
        writer: LoopWriter | None = None,
    ) -> None:
        self._engine = engine
        self._reader = reader if not write else None
        self._writer = writer if write else None
        self._lent_by: LoopReader | LoopWriter | None = None
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
        self._lent_by = None
        self._driver_snapshot = False
        connection = self._writer.join() if self._writer is not None else None
        if connection is not None:
            self._lent_by = self._writer  # in its savepoint, within the group's transaction
        else:
            connection = self._reader.take() if self._reader is not None else None
            if connection is not None:
                self._lent_by = self._reader
            else:
                connection = open_connection(self._engine, write=self._write)
            self._driver_snapshot = not self._write and connection.dialect.name == "sqlite"
            if self._driver_snapshot:
                # A read needs only a snapshot: BEGIN and ROLLBACK go straight to the driver,
                # which costs a tenth of a SQLAlchemy transaction (statements run through
                # SQLAlchemy join it: store/database.py begins only outside a transaction).
                driver(connection).execute("BEGIN")
            elif self._write:
                connection.begin()
            # else a PostgreSQL read, in autocommit (store/loop.py): nothing to begin or end
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
    def deliveries(self) -> DeliveryRepository:  # issue 15: the delivery queue
        return self._scoped(DeliveryRepository)

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
        self._connection = None
        lender, self._lent_by = self._lent_by, None
        if isinstance(lender, LoopWriter):
            lender.leave()
            return
        try:
            if connection.in_transaction():
                connection.rollback()  # SQLAlchemy's transaction, begun by its own statements
            elif self._driver_snapshot:
                driver(connection).rollback()
        finally:
            if isinstance(lender, LoopReader):
                lender.give_back(connection)
            else:
                connection.close()

    def commit(self) -> None:
        """Make the work durable; within a group (``LoopWriter``), once the group commits."""
        assert self._connection is not None
        written: OutboxRepository | None = self._repositories.get(OutboxRepository)
        recorded = written is not None and written.recorded
        if isinstance(self._lent_by, LoopWriter):
            self._lent_by.keep(outbox_recorded=recorded)
            return
        self._connection.commit()
        if recorded:
            outbox.COMMITTED.set()
