"""A polling loop (the event dispatcher, the delivery worker) on a daemon thread: started with
the app, stopped and joined on shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator, Callable
from typing import Protocol


class Loop(Protocol):
    def run(self, stop: threading.Event) -> None:
        """Work until ``stop`` is set."""

    def close(self) -> None:
        """Release what the loop holds, once ``run`` has returned."""


class BackgroundThread:
    """``loop.run`` on a daemon thread; ``wake`` ends the loop's wait when setting ``stop``
    alone does not (the loop waits on something else)."""

    def __init__(self, loop: Loop, name: str, wake: Callable[[], None] | None = None) -> None:
        self._loop = loop
        self._wake = wake
        self._stop = threading.Event()
        self._thread = threading.Thread(target=loop.run, args=(self._stop,), name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        if self._wake is not None:
            self._wake()
        self._thread.join(timeout)
        self._loop.close()


def lifespan(
    thread: BackgroundThread | None,
) -> Callable[[object], contextlib.AbstractAsyncContextManager[None]]:
    """The ASGI lifespan that runs ``thread`` while the app serves (nothing if None)."""

    @contextlib.asynccontextmanager
    async def running(_app: object) -> AsyncIterator[None]:
        if thread is None:
            yield
            return
        thread.start()
        try:
            yield
        finally:
            await asyncio.to_thread(thread.stop)

    return running
