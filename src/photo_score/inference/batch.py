"""Many photos through the vision pipeline: the entry point of ``score --analyzer openrouter``.

All photos share one client, so one concurrency bound, one rate limit and one budget hold
across every call of the run. A bounded number of photos is open at a time (their JPEGs in
memory), and the oldest open photo's calls go first, so results arrive in order. Ctrl-C
cancels everything in flight and closes the client; every reply that arrived is already in
the cache, so the next run pays only for what was missing.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from photo_score.errors import AnalyzerError, PhotoError
from photo_score.inference.budget import DEFAULT_CALL_COST_USD, BudgetExceeded
from photo_score.inference.client import (
    ClientOptions,
    EndpointUnusable,
    VisionClient,
    is_local_url,
)
from photo_score.inference.pipeline import CallCache, PhotoLike, PhotoPipeline
from photo_score.models import AnalysisResult
from photo_score.scoring.config import ScoringConfig, VisionConfig
from photo_score.settings import Settings, get_settings

log = logging.getLogger(__name__)

Status = Literal["done", "failed", "skipped"]


@dataclass(frozen=True, slots=True)
class VisionProgress:
    """A snapshot for progress bars; ``calls`` counts HTTP requests (retries included)."""

    photos_total: int
    photos_done: int
    photos_failed: int
    calls: int
    retries: int
    cost_usd: float
    elapsed_s: float

    @property
    def eta_s(self) -> float | None:
        finished = self.photos_done + self.photos_failed
        if finished == 0:
            return None
        return self.elapsed_s / finished * (self.photos_total - finished)


@dataclass(slots=True)
class PhotoOutcome:
    image_id: str
    path: str
    status: Status
    result: AnalysisResult | None = None
    error: str | None = None
    calls: int = 0  # requests made for this photo in this run
    cost_usd: float = 0.0  # spent on this photo in this run
    dropped: list[str] = field(default_factory=list)  # "task:model" that failed


@dataclass
class BatchReport:
    outcomes: list[PhotoOutcome] = field(default_factory=list)
    calls: int = 0
    retries: int = 0
    cost_usd: float = 0.0
    elapsed_s: float = 0.0
    # Why the run ended early: "budget", "interrupted" or an endpoint error; None if not.
    stopped: str | None = None
    dry_run: bool = False
    estimated_calls: int = 0
    estimated_cost_usd: float = 0.0

    @property
    def interrupted(self) -> bool:
        return self.stopped == "interrupted"

    def count(self, status: Status) -> int:
        return sum(1 for o in self.outcomes if o.status == status)


ProgressFn = Callable[[VisionProgress], None]
PhotoFn = Callable[[PhotoOutcome], None]


def _vision(config: ScoringConfig | VisionConfig) -> VisionConfig:
    return config.vision if isinstance(config, ScoringConfig) else config


def client_options(
    config: ScoringConfig | VisionConfig,
    settings: Settings | None = None,
    *,
    max_cost: float | None = None,
) -> ClientOptions:
    """Client settings from the scoring config's ``vision`` section and the environment."""
    vision = _vision(config)
    settings = settings or get_settings()
    return ClientOptions(
        base_url=settings.openrouter_base_url,
        api_key=settings.openrouter_api_key,
        max_concurrency=vision.max_concurrency,
        requests_per_minute=vision.requests_per_minute,
        timeout_s=vision.timeout_s,
        max_retries=vision.max_retries,
        max_cost=max_cost,
        local=None if settings.vision_endpoint == "auto" else settings.vision_endpoint == "local",
    )


def calls_per_photo(config: ScoringConfig | VisionConfig) -> int:
    """Requests a fresh photo needs when every model answers first time."""
    tasks = _vision(config).tasks
    return len(tasks["aesthetic"]) + len(tasks["technical"]) + 3


def estimate(
    n_photos: int,
    config: ScoringConfig | VisionConfig,
    *,
    base_url: str | None = None,
    per_call_usd: float = DEFAULT_CALL_COST_USD,
) -> tuple[int, float]:
    """(calls, dollars) for ``n_photos`` uncached photos; a local endpoint costs nothing.

    The dollar figure is a deliberately high per-call guess, not a quote.
    """
    calls = n_photos * calls_per_photo(config)
    local = base_url is not None and is_local_url(base_url)
    return calls, 0.0 if local else round(calls * per_call_usd, 6)


def run_batch(
    photos: Sequence[PhotoLike],
    config: ScoringConfig | VisionConfig,
    cache: CallCache | None,
    *,
    settings: Settings | None = None,
    options: ClientOptions | None = None,
    on_progress: ProgressFn | None = None,
    on_photo: PhotoFn | None = None,
    max_cost: float | None = None,
    dry_run: bool = False,
) -> BatchReport:
    """Blocking :func:`arun_batch`; Ctrl-C returns the partial report, stopped="interrupted"."""
    report = BatchReport()
    try:
        asyncio.run(
            _run(
                report,
                photos,
                config,
                cache,
                settings=settings,
                options=options,
                on_progress=on_progress,
                on_photo=on_photo,
                max_cost=max_cost,
                dry_run=dry_run,
            )
        )
    except KeyboardInterrupt:
        report.stopped = "interrupted"
        _skip_rest(report, photos, "interrupted")
    return report


async def arun_batch(
    photos: Sequence[PhotoLike],
    config: ScoringConfig | VisionConfig,
    cache: CallCache | None,
    *,
    settings: Settings | None = None,
    options: ClientOptions | None = None,
    on_progress: ProgressFn | None = None,
    on_photo: PhotoFn | None = None,
    max_cost: float | None = None,
    dry_run: bool = False,
) -> BatchReport:
    """Analyze ``photos`` (cache first); outcomes keep the input order.

    A failed photo is an outcome with ``status="failed"``, never an exception. Cancelling
    the awaiting task cancels every call and closes the client (CancelledError propagates).
    ``options`` overrides what :func:`client_options` derives (tests, benchmarks).
    """
    report = BatchReport()
    await _run(
        report,
        photos,
        config,
        cache,
        settings=settings,
        options=options,
        on_progress=on_progress,
        on_photo=on_photo,
        max_cost=max_cost,
        dry_run=dry_run,
    )
    return report


async def _run(
    report: BatchReport,
    photos: Sequence[PhotoLike],
    config: ScoringConfig | VisionConfig,
    cache: CallCache | None,
    *,
    settings: Settings | None,
    options: ClientOptions | None,
    on_progress: ProgressFn | None,
    on_photo: PhotoFn | None,
    max_cost: float | None,
    dry_run: bool,
) -> None:
    vision = _vision(config)
    opts = options or client_options(vision, settings, max_cost=max_cost)
    if max_cost is not None:
        opts = replace(opts, max_cost=max_cost)
    started = time.perf_counter()
    if dry_run:
        _dry_run(report, photos, vision, cache, opts)
        return
    async with VisionClient(opts) as client:
        runner = _Runner(report, photos, vision, cache, client, on_progress, on_photo, started)
        try:
            await runner.run()
        finally:
            report.elapsed_s = time.perf_counter() - started
            report.calls = client.stats.requests
            report.retries = client.stats.retries
            report.cost_usd = round(client.stats.cost_usd, 6)


def _dry_run(
    report: BatchReport,
    photos: Sequence[PhotoLike],
    vision: VisionConfig,
    cache: CallCache | None,
    opts: ClientOptions,
) -> None:
    """Count the calls still missing from the cache; no request is made, no key needed."""
    pipeline = PhotoPipeline(None, vision, cache)
    local = is_local_url(opts.base_url) if opts.local is None else opts.local
    report.dry_run = True
    for photo in photos:
        report.estimated_calls += pipeline.missing_calls(photo.image_id)
        report.outcomes.append(PhotoOutcome(photo.image_id, photo.path, "skipped", error="dry run"))
    report.estimated_cost_usd = (
        0.0 if local else round(report.estimated_calls * DEFAULT_CALL_COST_USD, 6)
    )


def _skip_rest(report: BatchReport, photos: Sequence[PhotoLike], reason: str) -> None:
    seen = {o.image_id for o in report.outcomes}
    report.outcomes.extend(
        PhotoOutcome(p.image_id, p.path, "skipped", error=reason)
        for p in photos
        if p.image_id not in seen
    )


class _Runner:
    def __init__(
        self,
        report: BatchReport,
        photos: Sequence[PhotoLike],
        vision: VisionConfig,
        cache: CallCache | None,
        client: VisionClient,
        on_progress: ProgressFn | None,
        on_photo: PhotoFn | None,
        started: float,
    ) -> None:
        self.report = report
        self.photos = photos
        self.client = client
        self.on_progress = on_progress
        self.on_photo = on_photo
        self.started = started
        self.pipeline = PhotoPipeline(client, vision, cache, on_call=self.progress)
        self.done = 0
        self.failed = 0
        self.stop_reason: str | None = None
        self.results: dict[int, PhotoOutcome] = {}
        # Enough open photos to keep every slot busy while the oldest finish first.
        self.open_photos = max(2, vision.max_concurrency)

    def progress(self) -> None:
        if self.on_progress is None:
            return
        stats = self.client.stats
        self.on_progress(
            VisionProgress(
                photos_total=len(self.photos),
                photos_done=self.done,
                photos_failed=self.failed,
                calls=stats.requests,
                retries=stats.retries,
                cost_usd=round(stats.cost_usd, 6),
                elapsed_s=time.perf_counter() - self.started,
            )
        )

    async def run(self) -> None:
        queue = iter(enumerate(self.photos))
        try:
            async with asyncio.TaskGroup() as group:
                for _ in range(min(self.open_photos, len(self.photos))):
                    group.create_task(self._worker(queue))
        except BaseExceptionGroup as eg:
            unusable = eg.subgroup(EndpointUnusable)
            if unusable is None:
                raise
            self.stop_reason = str(unusable.exceptions[0])
        finally:
            self.report.outcomes = [self.results[i] for i in sorted(self.results)]
            self.report.stopped = self.stop_reason
            reason = self.stop_reason or "interrupted"
            _skip_rest(self.report, self.photos, reason)

    async def _worker(self, queue: enumerate[PhotoLike]) -> None:
        for index, photo in queue:
            if self.stop_reason is not None:
                self.results[index] = PhotoOutcome(
                    photo.image_id, photo.path, "skipped", error=self.stop_reason
                )
                continue
            outcome = await self._one(index, photo)
            self.results[index] = outcome
            if outcome.status == "done":
                self.done += 1
            elif outcome.status == "failed":
                self.failed += 1
            if self.on_photo is not None:
                self.on_photo(outcome)
            self.progress()

    async def _one(self, index: int, photo: PhotoLike) -> PhotoOutcome:
        outcome = PhotoOutcome(photo.image_id, photo.path, "failed")
        run = self.pipeline.open(photo, priority=index)
        try:
            result = await run.execute()
        except BudgetExceeded as exc:
            self.stop_reason = "budget"
            outcome.status, outcome.error = "skipped", exc.message
            return outcome
        except PhotoError as exc:
            outcome.error = exc.reason
            return outcome
        except EndpointUnusable:
            raise
        except AnalyzerError as exc:
            outcome.error = exc.message
            return outcome
        finally:
            outcome.calls = run.totals.calls
            outcome.cost_usd = round(run.totals.cost_usd, 6)
            outcome.dropped = run.totals.dropped
        outcome.status, outcome.result = "done", result
        return outcome
