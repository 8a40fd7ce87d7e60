"""Fan-out of server-sent events from worker threads to every connected EventSource."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from collections.abc import AsyncIterator, Callable
from typing import Any

_KEEPALIVE_S = 15.0


def sse(event: str, data: Any) -> str:
    """One event in the text/event-stream format (data is JSON)."""
    return f"event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


class EventBroker:
    """Thread-safe publish; each subscriber is an asyncio queue on its own loop."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: set[tuple[asyncio.AbstractEventLoop, asyncio.Queue[str | None]]] = set()
        self._closed = False

    def publish(self, event: str, data: Any) -> None:
        message = sse(event, data)
        with self._lock:
            subscribers = list(self._subscribers)
        for loop, q in subscribers:
            with contextlib.suppress(RuntimeError):  # that loop is closed: the client left
                loop.call_soon_threadsafe(q.put_nowait, message)

    def close(self) -> None:
        """End every stream (called on shutdown, so open EventSources do not hold it up)."""
        with self._lock:
            self._closed = True
            subscribers = list(self._subscribers)
        for loop, q in subscribers:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(q.put_nowait, None)

    async def stream(self, snapshot: Callable[[], list[str]]) -> AsyncIterator[str]:
        """Yield a snapshot (taken once subscribed, so nothing falls in between), then every
        published event until the broker closes or the client disconnects."""
        q: asyncio.Queue[str | None] = asyncio.Queue()
        entry = (asyncio.get_running_loop(), q)
        with self._lock:
            closed = self._closed
            self._subscribers.add(entry)
        try:
            yield "retry: 2000\n\n"
            for message in snapshot():
                yield message
            while not closed:
                try:
                    item = await asyncio.wait_for(q.get(), timeout=_KEEPALIVE_S)
                except TimeoutError:
                    yield ": keep-alive\n\n"
                    continue
                if item is None:
                    return
                yield item
        finally:
            with self._lock:
                self._subscribers.discard(entry)
