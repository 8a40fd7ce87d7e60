"""Concurrency and rate limits shared by every call of a run.

``PrioritySlots`` bounds requests in flight and serves the oldest photo first, so photos
finish (and reach the cache) in order instead of all at the very end: a cancelled run keeps
nearly everything it paid for, and progress and ETA are steady. ``RateLimiter`` is a sliding
window log that bounds *every* window of ``period`` seconds (not just aligned minutes) as
the server sees it, whatever the transit delays.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any


class PrioritySlots:
    """A semaphore whose waiters are served lowest ``priority`` first (FIFO within ties)."""

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("size must be >= 1")
        self._free = size
        self._waiters: list[tuple[int, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    @property
    def free(self) -> int:
        return self._free

    async def acquire(self, priority: int = 0) -> None:
        if self._free > 0 and not self._waiters:
            self._free -= 1
            return
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiters, (priority, next(self._order), fut))
        try:
            await fut
        except asyncio.CancelledError:
            if fut.done() and not fut.cancelled():
                self.release()  # handed a slot in the same tick as the cancel: pass it on
            raise

    def release(self) -> None:
        while self._waiters:
            _, _, fut = heapq.heappop(self._waiters)
            if not fut.done():
                fut.set_result(None)
                return
        self._free += 1

    @asynccontextmanager
    async def slot(self, priority: int = 0) -> AsyncIterator[None]:
        await self.acquire(priority)
        try:
            yield
        finally:
            self.release()


class _Entry:
    __slots__ = ("end",)

    def __init__(self) -> None:
        self.end = math.inf  # in flight until the reply is in


class RateLimiter:
    """At most ``rate`` requests *arriving at the server* in any ``period``-second window.

    The server sees a request at some unknown moment between our send and its reply, so a
    request counts against the window from its start until ``period`` after its reply
    (while in flight it always counts). Why that bounds every server-side window: take
    the last request ``k`` started inside a window; every other request ``i`` in it
    arrived after ``arrival_k - period`` and so replied after ``start_k - period``, which
    means ``i`` was still counted when ``k`` was let through, and ``k`` was let through
    only because fewer than ``rate`` were counted. A plain client-side log would be
    exceeded by transit jitter (measured: 33 in a window of 20 when a busy client's first
    requests were slow to leave).
    """

    def __init__(
        self,
        rate: int,
        period: float = 60.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if rate < 1 or period <= 0:
            raise ValueError("rate must be >= 1 and period > 0")
        self.rate = rate
        self.period = period
        self._clock = clock
        self._sleep = sleep
        self._entries: list[_Entry] = []
        self._lock = asyncio.Lock()
        self._released = asyncio.Event()

    @asynccontextmanager
    async def request(self) -> AsyncIterator[None]:
        """Hold this around one request, from just before sending to the reply."""
        entry = await self._acquire()
        try:
            yield
        finally:
            entry.end = self._clock()
            self._released.set()

    async def _acquire(self) -> _Entry:
        async with self._lock:  # one waiter at a time keeps grants in order
            while True:
                now = self._clock()
                self._entries = [e for e in self._entries if e.end > now - self.period]
                if len(self._entries) < self.rate:
                    entry = _Entry()
                    self._entries.append(entry)
                    return entry
                ended = [e.end for e in self._entries if e.end != math.inf]
                # at least 1 µs: float rounding must not leave us spinning on a 0 delay
                delay = max(min(ended) + self.period - now, 1e-6) if ended else None
                await self._wait(delay)

    async def _wait(self, delay: float | None) -> None:
        """Until the oldest finished entry expires, or an in-flight one finishes."""
        self._released.clear()
        released = asyncio.ensure_future(self._released.wait())
        waiters: set[asyncio.Future[Any]] = {released}
        if delay is not None:
            waiters.add(asyncio.ensure_future(self._sleep(delay)))
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for w in waiters:
                w.cancel()
