"""Where a unit of work gets its connection: one object with ``open``, ``commit`` and
``close``. ``EngineSource`` opens a pooled connection per unit of work; the event loop's kept
reader and group writer (``store/loop.py``) are sources too. ``api/execution.py`` says which
source a request's units of work use."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import Connection, Engine

from openses.store.database import driver
from openses.store.outbox import CommitSignal


class ConnectionSource(Protocol):
    def open(self) -> Connection:
        """A connection with the unit of work's transaction begun."""
        ...

    def commit(self, connection: Connection, *, outbox_recorded: bool) -> None:
        """Make the work durable (within a group, once the group commits)."""
        ...

    def close(self, connection: Connection) -> None:
        """Undo what was not committed and let the connection go."""
        ...


def open_connection(engine: Engine, *, write: bool) -> Connection:
    connection = engine.connect()
    if not write and connection.dialect.name == "postgresql":
        # A read needs no BEGIN and ROLLBACK round trips; each statement sees committed data.
        return connection.execution_options(isolation_level="AUTOCOMMIT")
    return connection.execution_options(openses_write=write)


def begin(connection: Connection, *, write: bool) -> None:
    if write:
        connection.begin()  # BEGIN IMMEDIATE on SQLite (store/database.py)
    elif connection.dialect.name == "sqlite":
        # A read needs only a snapshot: BEGIN and ROLLBACK go straight to the driver, which
        # costs a tenth of a SQLAlchemy transaction (statements run through SQLAlchemy join
        # it: store/database.py begins only outside a transaction).
        driver(connection).execute("BEGIN")
    # else a PostgreSQL read, in autocommit: nothing to begin or end


def end(connection: Connection) -> None:
    """Roll back whatever is open on ``connection``, SQLAlchemy's or the driver's."""
    if connection.in_transaction():
        connection.rollback()  # SQLAlchemy's transaction, begun by its own statements
    elif connection.dialect.name == "sqlite":
        driver(connection).rollback()  # a read's snapshot; a no-op outside a transaction


class EngineSource:
    """A pooled connection per unit of work: threads, CLI commands, openses' own endpoints,
    and PostgreSQL writes on the event loop."""

    def __init__(self, engine: Engine, *, write: bool, signal: CommitSignal | None = None) -> None:
        self.engine = engine
        self._write = write
        self._signal = signal

    def open(self) -> Connection:
        connection = open_connection(self.engine, write=self._write)
        try:
            begin(connection, write=self._write)
        except BaseException:
            connection.close()
            raise
        return connection

    def commit(self, connection: Connection, *, outbox_recorded: bool) -> None:
        connection.commit()
        if outbox_recorded and self._signal is not None:
            self._signal.notify()

    def close(self, connection: Connection) -> None:
        try:
            end(connection)
        finally:
            connection.close()
