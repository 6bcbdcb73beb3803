"""How the server runs a write: on the event loop when it can, in a worker thread when it must.

A write (filing, update, state change, deletion) is mostly Python work under the GIL, so a
worker thread buys no parallelism; handing every request to the thread pool and back only adds
a thread hop and GIL hand-overs (measured with 8 clients: 194 writes/s through the pool, 315 on
the loop, filings in disjoint areas; 142 and 218 in one busy area).  So a write first runs
right on the event loop, without waiting for an area lock
(:meth:`skypact.service.hub.Hub.inline`): if a worker thread's write (F3548, surveillance, or one
sent there) holds one of its area locks, nothing has been done yet; the loop serves other
requests and tries it again after a short pause, and after ~30 ms in all runs it in the thread
pool, where it may wait without holding up other requests.  Disjoint writes thus still never
wait for each other, and the loop never blocks on an area lock.

Either way the answer goes out only once the change is durable: the loop's writes are flushed
by one flusher thread (writes that finish together await one ``fsync``; the loop serves others
meanwhile); a thread's write is flushed in its thread (:mod:`skypact.store.durable`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from fastapi.concurrency import run_in_threadpool

from skypact.service.areas import Busy, Heavy
from skypact.service.hub import Hub

__all__ = ["Writes"]

T = TypeVar("T")

#: how long a write on the loop keeps trying again (pauses doubling from 0.5 ms) before it goes
#: to a worker thread to wait for a lock held long (a thread's write holds one for milliseconds)
PATIENCE_S = 0.016


class Writes:
    """The write runner of one app."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self._flusher = ThreadPoolExecutor(1, thread_name_prefix="skypact-flush")
        self._flushing: asyncio.Future[None] | None = None  # the flush under way, on the loop's side
        self.inline = 0  #: writes run on the loop (figures for tests and the benchmark)
        self.in_thread = 0  #: writes that found a lock taken and ran in a worker thread

    async def __call__(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``fn(*args, **kwargs)`` (a hub write), answered once durable."""
        pause = 0.0005
        while True:
            try:
                with self.hub.inline() as unflushed:
                    out = fn(*args, **kwargs)
                break
            except Busy as e:  # a worker thread's write holds an area lock: let it finish, try again
                if isinstance(e, Heavy) or pause > PATIENCE_S:  # (a heavy one goes at once)
                    self.in_thread += 1
                    return await run_in_threadpool(fn, *args, **kwargs)
                await asyncio.sleep(pause)
                pause *= 2
        self.inline += 1
        ticket = unflushed()
        if ticket:  # on disk before the answer; the loop serves others meanwhile
            await self._synced(ticket)
        self.hub.flush(0)  # synced (or nothing to sync: PostgreSQL): wake the streams
        return out

    async def _synced(self, ticket: int) -> None:
        """Return once the commit of ``ticket`` is on disk.  Writes waiting together share one
        flush, made in the flusher thread and awaited by all of them: one thread hop per flush,
        not one per write."""
        gc = self.hub.durable
        assert gc is not None
        while gc.synced < ticket:
            if self._flushing is None or self._flushing.done():  # none under way, or it began before this commit
                self._flushing = asyncio.get_running_loop().run_in_executor(self._flusher, gc.flush)
            await asyncio.shield(self._flushing)
