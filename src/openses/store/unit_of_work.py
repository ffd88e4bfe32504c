"""The unit of work: one transaction, scoped to one account and region, rolled back unless
committed."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Connection, Engine

from openses.store import outbox
from openses.store.account import AccountRepository
from openses.store.configuration_sets import ConfigurationSetRepository
from openses.store.identities import IdentityRepository
from openses.store.messages import MessageRepository
from openses.store.outbox import OutboxRepository
from openses.store.tags import TagRepository
from openses.store.templates import TemplateRepository


class UnitOfWork:
    configuration_sets: ConfigurationSetRepository
    identities: IdentityRepository
    account: AccountRepository
    messages: MessageRepository
    outbox: OutboxRepository
    templates: TemplateRepository
    tags: TagRepository

    def __init__(self, engine: Engine, account_id: str, region: str, *, write: bool) -> None:
        self._engine = engine
        self.account_id = account_id
        self.region = region
        self._write = write
        self._connection: Connection | None = None
        self._driver_snapshot = False

    @property
    def engine(self) -> Engine:
        return self._engine

    def __enter__(self) -> UnitOfWork:
        connection = self._engine.connect().execution_options(openses_write=self._write)
        self._driver_snapshot = not self._write and connection.dialect.name == "sqlite"
        if self._driver_snapshot:
            # A read needs only a snapshot: BEGIN and ROLLBACK go straight to the driver, which
            # costs a tenth of a SQLAlchemy transaction (statements run through SQLAlchemy join
            # it: store/database.py begins only outside a transaction).
            connection.connection.driver_connection.execute("BEGIN")  # type: ignore[union-attr]
        else:
            if not self._write and connection.dialect.name == "postgresql":
                # A read needs no BEGIN and ROLLBACK round trips; each statement sees
                # committed data.
                connection = connection.execution_options(isolation_level="AUTOCOMMIT")
            connection.begin()
        self._connection = connection
        self.configuration_sets = ConfigurationSetRepository(
            connection, self.account_id, self.region
        )
        self.identities = IdentityRepository(connection, self.account_id, self.region)
        self.account = AccountRepository(connection, self.account_id, self.region)
        self.messages = MessageRepository(connection, self.account_id, self.region)
        self.outbox = OutboxRepository(connection, self.account_id, self.region)
        self.templates = TemplateRepository(connection, self.account_id, self.region)
        self.tags = TagRepository(connection)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        connection = self._connection
        assert connection is not None
        try:
            if self._driver_snapshot:
                connection.connection.driver_connection.rollback()  # type: ignore[union-attr]
            elif connection.in_transaction():
                connection.rollback()
        finally:
            connection.close()
            self._connection = None

    def commit(self) -> None:
        assert self._connection is not None
        self._connection.commit()
        if self.outbox.recorded:
            outbox.COMMITTED.notify()
