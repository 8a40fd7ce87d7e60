"""Background scan-and-score jobs with observable progress, for long-lived surfaces.

A :class:`JobManager` runs :func:`photo_score.pipeline.analyze_paths` jobs one at a time on
a worker thread and keeps every job's progress (done, total, failed, rate, ETA, state) in
memory, so a UI that reloads asks for the current state instead of losing it. Listeners
are called on the worker thread with a fresh snapshot whenever a job changes (at most
every ``min_interval`` seconds while photos stream in, always on a state change).
"""

from __future__ import annotations

import itertools
import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from photo_score.buy_credits import OutOfCredits
from photo_score.errors import NotFoundError, OutOfCreditsError, PhotoScoreError
from photo_score.models import utcnow
from photo_score.pipeline import AnalyzeReport, AnalyzerSpec, PipelineEvents, analyze_paths
from photo_score.settings import Settings
from photo_score.storage.cache import Cache

log = logging.getLogger(__name__)


class JobState(StrEnum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"
    cancelled = "cancelled"


FINISHED = frozenset({JobState.done, JobState.failed, JobState.cancelled})


class JobProgress(BaseModel):
    """A job as the UI sees it; a snapshot, never mutated after it is handed out."""

    id: str
    state: JobState
    analyzer: str
    paths: list[str]
    total: int | None  # photos discovered; None until discovery finished
    done: int  # photos finished: scored or failed
    failed: int
    analyzed: int  # photos that needed the analyzer (the rest came from the cache)
    cached: int
    rate: float | None  # analyzed photos per second
    eta_s: float | None  # seconds left at the current rate
    error: str | None  # why a failed job failed
    stopped_reason: str | None = Field(
        default=None,
        description="Why the analyzer stopped the run early; the photos it did not reach "
        "(not_analyzed) are left for the next run, not failed.",
    )
    not_analyzed: int = 0
    fallback_reason: str | None = Field(
        default=None,
        description="Why the rest of the run used the local analyzer (auto: the cloud's "
        "credits ran out or it became unreachable).",
    )
    payment_required: OutOfCredits | None = Field(
        default=None,
        description="The cloud answered 402 (out of credits): the balance, the credit packs "
        "and the checkout request. Set whether the run stopped or fell back.",
    )
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


Listener = Callable[[JobProgress], None]


class _Job:
    def __init__(self, job_id: str, paths: Sequence[str], spec: AnalyzerSpec, name: str) -> None:
        self.id = job_id
        self.paths = list(paths)
        self.spec = spec
        self.analyzer = name
        self.stop = threading.Event()
        self.state = JobState.queued
        self.total: int | None = None
        self.to_analyze = 0
        self.done = self.failed = self.analyzed = self.cached = 0
        self.error: str | None = None
        self.stopped_reason: str | None = None
        self.not_analyzed = 0
        self.fallback_reason: str | None = None
        self.payment_required: OutOfCredits | None = None
        self.created_at = utcnow()
        self.started_at: datetime | None = None
        self.finished_at: datetime | None = None
        self.analyze_started: float | None = None
        self.analyze_ended: float | None = None  # frozen at the end: a finished rate stays put
        self.last_emit = 0.0

    def snapshot(self) -> JobProgress:
        rate = eta = None
        if self.analyze_started is not None and self.analyzed:
            ended = self.analyze_ended if self.analyze_ended is not None else time.monotonic()
            elapsed = max(ended - self.analyze_started, 1e-6)
            rate = round(self.analyzed / elapsed, 3)
            remaining = max(self.to_analyze - self.analyzed - self._failed_in_analysis(), 0)
            eta = round(remaining / rate, 1) if self.state is JobState.running else 0.0
        return JobProgress(
            id=self.id,
            state=self.state,
            analyzer=self.analyzer,
            paths=self.paths,
            total=self.total,
            done=self.done,
            failed=self.failed,
            analyzed=self.analyzed,
            cached=self.cached,
            rate=rate,
            eta_s=eta,
            error=self.error,
            stopped_reason=self.stopped_reason,
            not_analyzed=self.not_analyzed,
            fallback_reason=self.fallback_reason,
            payment_required=self.payment_required,
            created_at=self.created_at,
            started_at=self.started_at,
            finished_at=self.finished_at,
        )

    def _failed_in_analysis(self) -> int:
        return max(self.done - self.analyzed - self.cached, 0)

    def record(self, report: AnalyzeReport) -> None:
        """What the finished run says beyond the counters: an early stop, a fallback, a 402."""
        self.stopped_reason = report.stopped_reason
        self.not_analyzed = len(report.not_analyzed)
        if report.fallback_error is not None:
            self.fallback_reason = str(report.fallback_error)
        for error in (report.stop_error, report.fallback_error):
            if isinstance(error, OutOfCreditsError):
                self.payment_required = error.offer


class _Events(PipelineEvents):
    def __init__(self, manager: JobManager, job: _Job) -> None:
        self._manager, self._job = manager, job

    def discovered(self, total: int, to_analyze: int) -> None:
        with self._manager._lock:
            self._job.total, self._job.to_analyze = total, to_analyze
            self._job.analyze_started = time.monotonic()
        self._manager._emit(self._job, force=True)

    def photo_done(self, path: str, *, cached: bool) -> None:
        with self._manager._lock:
            self._job.done += 1
            if cached:
                self._job.cached += 1
            else:
                self._job.analyzed += 1
        self._manager._emit(self._job)

    def photo_failed(self, path: str, error: str) -> None:
        with self._manager._lock:
            self._job.done += 1
            self._job.failed += 1
        self._manager._emit(self._job)


class JobManager:
    """Runs jobs in submission order on one worker thread; thread-safe."""

    def __init__(
        self,
        *,
        cache: Cache,
        settings: Settings,
        listener: Listener | None = None,
        min_interval: float = 0.1,
    ) -> None:
        self._cache = cache
        self._settings = settings
        self._listener = listener
        self._min_interval = min_interval
        self._lock = threading.RLock()
        self._jobs: dict[str, _Job] = {}
        self._queue: queue.Queue[_Job | None] = queue.Queue()
        self._ids = itertools.count(1)
        self._thread: threading.Thread | None = None
        self._closed = False

    def submit(self, paths: Sequence[str], spec: AnalyzerSpec, analyzer: str) -> JobProgress:
        """Queue a job that analyzes (cache first) every photo under ``paths``."""
        with self._lock:
            if self._closed:
                raise PhotoScoreError("the job runner is shutting down")
            job = _Job(f"job-{next(self._ids)}", paths, spec, analyzer)
            self._jobs[job.id] = job
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="jobs", daemon=True)
                self._thread.start()
            self._queue.put(job)
            snapshot = job.snapshot()
        self._notify(snapshot)
        return snapshot

    def jobs(self) -> list[JobProgress]:
        """Every job of this session, newest first."""
        with self._lock:
            return [job.snapshot() for job in reversed(self._jobs.values())]

    def get(self, job_id: str) -> JobProgress:
        with self._lock:
            return self._find(job_id).snapshot()

    def active(self) -> list[JobProgress]:
        return [job for job in self.jobs() if job.state not in FINISHED]

    def cancel(self, job_id: str) -> JobProgress:
        """Stop a job; finished work stays in the cache. Cancelling a finished job is a no-op."""
        with self._lock:
            job = self._find(job_id)
            job.stop.set()
            if job.state is JobState.queued:
                self._finish(job, JobState.cancelled)
            snapshot = job.snapshot()
        self._notify(snapshot)
        return snapshot

    def close(self, timeout: float | None = 30.0) -> None:
        """Cancel everything and wait for the worker thread to end."""
        with self._lock:
            self._closed = True
            jobs = list(self._jobs.values())
            thread = self._thread
        for job in jobs:
            if job.state not in FINISHED:
                self.cancel(job.id)
        self._queue.put(None)
        if thread is not None:
            thread.join(timeout)

    def _find(self, job_id: str) -> _Job:
        job = self._jobs.get(job_id)
        if job is None:
            raise NotFoundError(f"job {job_id} does not exist")
        return job

    def _finish(self, job: _Job, state: JobState) -> None:
        job.state = state
        job.analyze_ended = time.monotonic()
        job.finished_at = utcnow()

    def _run(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            with self._lock:
                if job.state is not JobState.queued:
                    continue
                job.state = JobState.running
                job.started_at = utcnow()
            self._emit(job, force=True)
            report: AnalyzeReport | None = None
            try:
                report = analyze_paths(
                    job.paths,
                    cache=self._cache,
                    spec=job.spec,
                    settings=self._settings,
                    events=_Events(self, job),
                    stop=job.stop,
                )
                outcome = JobState.cancelled if report.interrupted else JobState.done
                error = None
            except PhotoScoreError as exc:
                outcome, error = JobState.failed, str(exc)
            except Exception as exc:  # the worker must survive any job
                log.exception("job %s crashed", job.id)
                outcome, error = JobState.failed, f"internal error ({type(exc).__name__})"
            with self._lock:
                job.error = error
                if report is not None:
                    job.record(report)
                self._finish(job, outcome)
            self._emit(job, force=True)

    def _emit(self, job: _Job, *, force: bool = False) -> None:
        now = time.monotonic()
        with self._lock:
            if not force and now - job.last_emit < self._min_interval:
                return
            job.last_emit = now
            snapshot = job.snapshot()
        self._notify(snapshot)

    def _notify(self, snapshot: JobProgress) -> None:
        if self._listener is None:
            return
        try:
            self._listener(snapshot)
        except Exception:
            log.exception("job listener failed")
