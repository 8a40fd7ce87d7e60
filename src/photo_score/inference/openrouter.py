"""The vision composite behind the synchronous :class:`Analyzer` interface.

The core pipeline calls ``analyze`` from worker threads. All of them feed one event loop on
a private thread, so they share one HTTP client, one concurrency bound and one rate limit
(per-thread loops would each get their own and multiply the load), and the per-task cache
is touched only from that loop's thread. For whole folders prefer
:func:`photo_score.inference.batch.run_batch`: same pipeline, plus budget and progress.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

from photo_score.inference.base import Analyzer
from photo_score.inference.batch import client_options
from photo_score.inference.client import ClientOptions, VisionClient
from photo_score.inference.pipeline import (
    ANALYZER_NAME,
    CallCache,
    PhotoPipeline,
    prompts_version,
    roster_fingerprint,
)
from photo_score.ingest.prepared import PreparedPhoto
from photo_score.models import AnalysisResult
from photo_score.scoring.config import ScoringConfig, VisionConfig
from photo_score.settings import Settings

T = TypeVar("T")


class OpenRouterAnalyzer(Analyzer):
    """``name`` "openrouter"; ``model`` fingerprints the roster; ``version`` the prompts."""

    name = ANALYZER_NAME

    def __init__(
        self,
        config: ScoringConfig | VisionConfig,
        cache: CallCache | None = None,
        *,
        settings: Settings | None = None,
        options: ClientOptions | None = None,
    ) -> None:
        self._vision = config.vision if isinstance(config, ScoringConfig) else config
        self._options = options or client_options(self._vision, settings)
        self._cache = cache
        self.model = roster_fingerprint(self._vision)
        self.version = prompts_version()
        self._priority = itertools.count()
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._client: VisionClient | None = None
        self._pipeline: PhotoPipeline | None = None
        VisionClient.check_key(self._options)  # fail now, not on the first photo

    @property
    def cost_usd(self) -> float:
        return 0.0 if self._client is None else self._client.stats.cost_usd

    def stats(self) -> dict[str, float]:
        if self._client is None:
            return {}
        stats = self._client.stats
        return {"calls": stats.requests, "retries": stats.retries, "cost_usd": stats.cost_usd}

    def analyze(self, photo: PreparedPhoto) -> AnalysisResult:
        pipeline = self._start()
        priority = next(self._priority)
        return self._submit(pipeline.analyze(photo, priority=priority))

    def close(self) -> None:
        with self._lock:
            loop, thread, client = self._loop, self._thread, self._client
            self._loop = self._thread = self._client = self._pipeline = None
        if loop is None or thread is None:
            return
        if client is not None:
            asyncio.run_coroutine_threadsafe(client.aclose(), loop).result()
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()

    def _start(self) -> PhotoPipeline:
        with self._lock:
            if self._pipeline is None:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(
                    target=loop.run_forever, name="openrouter-loop", daemon=True
                )
                thread.start()
                self._loop, self._thread = loop, thread
                self._client = self._submit(self._make_client())
                self._pipeline = PhotoPipeline(self._client, self._vision, self._cache)
            return self._pipeline

    async def _make_client(self) -> VisionClient:
        return VisionClient(self._options)  # built on the loop it will run on

    def _submit(self, coro: Coroutine[Any, Any, T]) -> T:
        assert self._loop is not None
        future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        try:
            return future.result()
        except BaseException:
            future.cancel()
            raise
