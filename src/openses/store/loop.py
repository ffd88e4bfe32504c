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

Both are connection sources (``store/sources.py``) and serve only the thread that first used
them. A unit of work they cannot serve (on another thread, beyond the reader's bound) gets a
pooled connection instead. A request on the loop wraps its handler in ``writer.group()``, which
holds its answer until the writes it kept are committed.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator

from sqlalchemy import Connection, Engine

from openses.store.database import driver
from openses.store.outbox import CommitSignal
from openses.store.sources import EngineSource, begin, end, open_connection

_SAVEPOINT = "openses_unit_of_work"


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
        self._out: set[Connection] = set()
        self._elsewhere = EngineSource(engine, write=False)

    def open(self) -> Connection:
        connection = self.take()
        if connection is None:
            return self._elsewhere.open()
        self._out.add(connection)
        try:
            begin(connection, write=False)
        except BaseException:
            self.close(connection)
            raise
        return connection

    def commit(self, connection: Connection, *, outbox_recorded: bool) -> None:
        connection.commit()  # a read has nothing to publish

    def close(self, connection: Connection | None = None) -> None:
        """With a connection: end its read and keep it (or close it, if it was not lent).
        Without: close the idle connections, at shutdown."""
        if connection is None:
            self._close_idle()
            return
        if connection not in self._out:
            self._elsewhere.close(connection)
            return
        self._out.discard(connection)
        try:
            end(connection)
        finally:
            self.give_back(connection)

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
            self._close_idle()
            return
        self._idle.append(connection)

    def _close_idle(self) -> None:
        idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()


class LoopWriter(_OneThread):
    def __init__(self, engine: Engine, signal: CommitSignal | None = None) -> None:
        super().__init__()
        self._engine = engine
        self._signal = signal
        self._connection: Connection | None = None
        self._busy = False
        self._committing: asyncio.Future[None] | None = None
        self._outbox_recorded = False
        self._failure: Exception | None = None
        self._kept = 0  # how many times work was kept: ``group()`` compares it
        self._elsewhere = EngineSource(engine, write=True, signal=signal)

    def open(self) -> Connection:
        connection = self.join()
        return connection if connection is not None else self._elsewhere.open()

    def commit(self, connection: Connection, *, outbox_recorded: bool) -> None:
        if self._lent(connection):
            self.keep(outbox_recorded=outbox_recorded)
        else:
            self._elsewhere.commit(connection, outbox_recorded=outbox_recorded)

    def close(self, connection: Connection | None = None) -> None:
        """With a connection: end its unit of work. Without: commit what is kept and close
        the shared connection, at shutdown."""
        if connection is None:
            self._shut()
        elif self._lent(connection):
            self.leave()
        else:
            self._elsewhere.close(connection)

    @contextlib.asynccontextmanager
    async def group(self) -> AsyncIterator[None]:
        """Run a request's handler inside: on leaving, wait for the group commit of whatever
        work its units of work kept, so that the request answers only once that is durable
        (raises what made the commit fail)."""
        kept = self._kept
        try:
            yield
        finally:
            if self._kept != kept:
                await self.durable()

    def _lent(self, connection: Connection) -> bool:
        return self._busy and connection is self._connection

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
        self._kept += 1
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

    def _shut(self) -> None:
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
        if recorded and self._signal is not None:
            self._signal.notify()

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
