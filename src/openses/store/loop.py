"""Connections the event loop keeps for the requests it runs itself: a pool checkout and
return per request cost more than a small statement.

``LoopReader`` keeps read connections open and lends one to each read unit of work: one at a
time on SQLite, whose reads never wait; on the PostgreSQL loop engine, one per read waiting on
the server at once, up to a bound. ``LoopWriter`` runs SQLite writes in groups: each unit of
work is a savepoint inside one shared transaction, committed once per turn of the loop, and a
request answers only once its group's commit is done. A commit writes every page it changed to
the WAL, so sends that arrive together and share a commit share their pages too. A unit of
work that fails rolls back to its savepoint alone; a commit that fails fails every request of
its group, none of which has answered yet.

Both serve only the thread that first used them. A unit of work they cannot serve (on another
thread, nested in the writer's, beyond the reader's bound) opens a pooled connection as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading

from sqlalchemy import Connection, Engine

from openses.store import outbox
from openses.store.database import driver

_SAVEPOINT = "openses_unit_of_work"


def open_connection(engine: Engine, *, write: bool) -> Connection:
    connection = engine.connect()
    if not write and connection.dialect.name == "postgresql":
        # A read needs no BEGIN and ROLLBACK round trips; each statement sees committed data.
        return connection.execution_options(isolation_level="AUTOCOMMIT")
    return connection.execution_options(openses_write=write)


class _OneThread:
    """Serves only the thread that first used it: the event loop's."""

    def __init__(self) -> None:
        self._owner: int | None = None

    def _on_its_thread(self) -> bool:
        thread = threading.get_ident()
        if self._owner is None:
            self._owner = thread
        return self._owner == thread


class LoopReader(_OneThread):
    def __init__(self, engine: Engine, *, most: int = 16) -> None:
        super().__init__()
        self._engine = engine
        self._most = most
        self._idle: list[Connection] = []
        self._lent = 0

    def take(self) -> Connection | None:
        if not self._on_its_thread():
            return None
        if self._idle:
            self._lent += 1
            return self._idle.pop()
        if self._lent >= self._most:
            return None
        connection = open_connection(self._engine, write=False)
        self._lent += 1
        return connection

    def give_back(self, connection: Connection) -> None:
        self._lent -= 1
        if connection.closed or connection.invalidated:
            # Its PostgreSQL server went away (a restart, a failover), and with it the server
            # of every idle connection: new ones are opened as reads come.
            connection.close()
            self.close()
            return
        self._idle.append(connection)

    def close(self) -> None:
        idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()


class LoopWriter(_OneThread):
    def __init__(self, engine: Engine) -> None:
        super().__init__()
        self._engine = engine
        self._connection: Connection | None = None
        self._busy = False
        self._committing: asyncio.Future[None] | None = None
        self._outbox_recorded = False
        self._failure: Exception | None = None
        # how many times work was kept: a request compares it before and after its handler
        self.kept = 0

    def join(self) -> Connection | None:
        """The shared connection inside a fresh savepoint, the group's transaction begun if
        need be; None when it cannot be lent now."""
        if self._engine.dialect.name != "sqlite":
            return None
        connection = self._lend()
        if connection is None:
            return None
        try:
            if not connection.in_transaction():
                connection.begin()  # BEGIN IMMEDIATE (store/database.py)
            driver(connection).execute(f"SAVEPOINT {_SAVEPOINT}")
        except BaseException:
            self._busy = False
            raise
        return connection

    def keep(self, *, outbox_recorded: bool) -> None:
        """The member's work so far joins the group's commit; its unit of work goes on in a
        fresh savepoint."""
        sqlite = driver(self._in_use())
        sqlite.execute(f"RELEASE {_SAVEPOINT}")
        self.kept += 1
        self._outbox_recorded |= outbox_recorded
        if self._committing is None:
            self._committing = asyncio.get_running_loop().create_future()
            asyncio.get_running_loop().call_soon(self._commit)
        sqlite.execute(f"SAVEPOINT {_SAVEPOINT}")

    def leave(self) -> None:
        """Undo what the member did since it last kept its work, and lend the connection out
        again. With nothing kept by anyone, the transaction ends now, freeing the write lock."""
        connection = self._connection
        assert connection is not None
        try:
            sqlite = driver(connection)
            try:
                sqlite.execute(f"ROLLBACK TO {_SAVEPOINT}")
                sqlite.execute(f"RELEASE {_SAVEPOINT}")
            except connection.dialect.loaded_dbapi.Error as error:
                # SQLite ended the whole transaction (an I/O error, say): the group's kept
                # work, if any, is gone with it.
                if self._committing is not None:
                    self._failure = error
            if self._committing is None and connection.in_transaction():
                connection.rollback()
        finally:
            self._busy = False

    @property
    def pending(self) -> bool:
        return self._committing is not None

    async def durable(self) -> None:
        """Wait for the group's commit; raises what made it fail."""
        if self._committing is not None:
            await asyncio.shield(self._committing)

    def close(self) -> None:
        if self._committing is not None:
            self._commit()
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _commit(self) -> None:
        committing, self._committing = self._committing, None
        failure, self._failure = self._failure, None
        recorded, self._outbox_recorded = self._outbox_recorded, False
        connection = self._connection
        if committing is None or connection is None:
            return
        try:
            if failure is not None:
                raise failure
            connection.commit()
        except Exception as error:
            # A failed COMMIT can leave SQLite's transaction open (a deferred constraint): end
            # it on the driver too, whatever SQLAlchemy thinks of its own.
            with contextlib.suppress(Exception):
                connection.rollback()
            with contextlib.suppress(Exception):
                driver(connection).rollback()
            committing.set_exception(error)
            return
        committing.set_result(None)
        if recorded:
            outbox.COMMITTED.set()

    def _lend(self) -> Connection | None:
        if self._busy or not self._on_its_thread():
            return None
        connection = self._connection
        if connection is None or connection.closed or connection.invalidated:
            connection = self._connection = open_connection(self._engine, write=True)
        self._busy = True
        return connection

    def _in_use(self) -> Connection:
        assert self._connection is not None, "the connection is not lent"
        return self._connection
