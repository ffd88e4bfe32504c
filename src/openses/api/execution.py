"""Where an AWS operation runs, and which connection sources its units of work use.

A handler runs in one of three modes, decided by ``mode_for`` alone:

    mode      runs                 when
    LOOP      on the event loop    SQLite, and the operation reads (Get, List, Describe) or
                                   OPENSES_DATABASE_THREADS is 0
    GREENLET  on the event loop,   PostgreSQL, same rule; a statement waiting on the server
              in a greenlet        leaves the loop to the other requests (asyncio driver)
    THREAD    in a worker thread   the operation calls out to AWS (it may wait seconds) or
                                   renders templates (TestRender*), or it writes and
                                   OPENSES_DATABASE_THREADS > 0

and its units of work get their connections from (``SOURCES`` below):

    mode      backend      reads                            writes
    LOOP      SQLite       kept reader (store/loop.py)      group writer: a savepoint in the
                                                            turn's shared transaction, answered
                                                            after the group commit
    GREENLET  PostgreSQL   kept reader on the loop engine   pooled connection, loop engine
    THREAD    either       pooled connection, engine        pooled connection, engine
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import TypeVar

import anyio
import anyio.to_thread
from sqlalchemy import Engine
from sqlalchemy.util import greenlet_spawn

from openses.store.loop import LoopReader, LoopWriter
from openses.store.outbox import CommitSignal
from openses.store.sources import ConnectionSource, EngineSource

T = TypeVar("T")

READS = ("Get", "List", "Describe")  # SES's read operations, in both APIs, by name


class Mode(Enum):
    LOOP = "loop"
    GREENLET = "greenlet"
    THREAD = "thread"


class Source(Enum):
    KEPT_READER = "kept reader"
    GROUP_WRITER = "group writer"
    LOOP_ENGINE = "pooled connection, loop engine"
    ENGINE = "pooled connection, engine"


# mode -> (reads, writes)
SOURCES: dict[Mode, tuple[Source, Source]] = {
    Mode.LOOP: (Source.KEPT_READER, Source.GROUP_WRITER),
    Mode.GREENLET: (Source.KEPT_READER, Source.LOOP_ENGINE),
    Mode.THREAD: (Source.ENGINE, Source.ENGINE),
}


def mode_for(operation: str, *, off_loop: bool, threads: int, postgresql: bool) -> Mode:
    if off_loop or (threads > 0 and not operation.startswith(READS)):
        return Mode.THREAD
    return Mode.GREENLET if postgresql else Mode.LOOP


@dataclass(frozen=True, slots=True)
class Sources:
    reads: ConnectionSource
    writes: ConnectionSource


class Execution:
    """The connection sources of each mode, built once by the composition root. ``engine``
    serves threads; ``loop_engine`` (the PostgreSQL loop engine's sync face, or ``engine``
    itself on SQLite) serves the event loop."""

    def __init__(
        self, engine: Engine, loop_engine: Engine, signal: CommitSignal, *, threads: int
    ) -> None:
        self.threads = threads
        self.postgresql = engine.dialect.name == "postgresql"
        self.reader = LoopReader(loop_engine)
        self.writer = LoopWriter(loop_engine, signal)
        made: dict[Source, ConnectionSource] = {
            Source.KEPT_READER: self.reader,
            Source.GROUP_WRITER: self.writer,
            Source.LOOP_ENGINE: EngineSource(loop_engine, write=True, signal=signal),
        }
        thread_reads = EngineSource(engine, write=False, signal=signal)
        thread_writes = EngineSource(engine, write=True, signal=signal)
        self._limiters: list[anyio.CapacityLimiter] = []
        self._sources = {
            mode: Sources(
                made.get(reads, thread_reads),
                made.get(writes, thread_writes),
            )
            for mode, (reads, writes) in SOURCES.items()
        }

    def mode_for(self, operation: str, *, off_loop: bool) -> Mode:
        return mode_for(
            operation, off_loop=off_loop, threads=self.threads, postgresql=self.postgresql
        )

    def sources(self, mode: Mode) -> Sources:
        return self._sources[mode]

    async def run(self, operation: str, work: Callable[[Sources], T], *, off_loop: bool) -> T:
        """``work`` with its mode's sources, where its mode runs: the API's handlers and SMTP
        submission (whose sends run as SendRawEmail's) both come through here."""
        mode = self.mode_for(operation, off_loop=off_loop)
        sources = self._sources[mode]
        if mode is Mode.GREENLET:
            result: T = await greenlet_spawn(work, sources)
            return result
        if mode is Mode.LOOP:
            async with self.writer.group():
                return work(sources)
        return await anyio.to_thread.run_sync(work, sources, limiter=self._limiter())

    def _limiter(self) -> anyio.CapacityLimiter:
        # Created on first use, inside the event loop that serves the requests.
        if not self._limiters:
            self._limiters.append(anyio.CapacityLimiter(max(self.threads, 1)))
        return self._limiters[0]
