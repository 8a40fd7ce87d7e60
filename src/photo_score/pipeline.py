"""Ingest → analyze → score: the one pipeline behind every surface.

The session has no UI. Progress goes to a :class:`PipelineEvents` object that the CLI, the
desktop sidecar or a test subclasses. Decoding and analysis run in a bounded thread pool
(Pillow, OpenCV and NumPy release the GIL); all cache writes happen on the calling thread,
in short transactions, so a killed run keeps everything finished before the last commit.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from photo_score.errors import (
    AnalyzerError,
    AnalyzerUnavailableError,
    PhotoError,
    RunStoppedError,
)
from photo_score.inference.base import Analyzer
from photo_score.ingest.decode import prepare_photo
from photo_score.ingest.discover import DiscoveredFile, discover
from photo_score.ingest.identity import sha256_file
from photo_score.ingest.thumbnails import ThumbnailStore
from photo_score.memory import keep_freed_memory
from photo_score.models import AnalysisResult, PhotoMetadata
from photo_score.settings import Settings
from photo_score.storage.cache import AnalyzerKey, Cache

log = logging.getLogger(__name__)

_COMMIT_EVERY_S = 0.5
_COMMIT_EVERY_N = 64


class PipelineEvents:
    """Progress hooks; every method is a no-op here. Called on the pipeline's thread."""

    def discovered(self, total: int, to_analyze: int) -> None:
        """Discovery finished: ``total`` files, of which ``to_analyze`` need work."""

    def photo_done(self, path: str, *, cached: bool) -> None:
        """One photo has a result (``cached``: it needed no analysis)."""

    def photo_failed(self, path: str, error: str) -> None:
        """One photo failed; the batch goes on."""

    def analyzer_stats(self, stats: dict[str, float]) -> None:
        """The analyzer's running counters (calls, retries, cost_usd…), after each photo."""


@dataclass(frozen=True, slots=True)
class PhotoEntry:
    """A file of this run that has a result to score."""

    path: str
    image_id: str


@dataclass(frozen=True, slots=True)
class PhotoFailure:
    path: str
    error: str


@dataclass
class AnalyzeReport:
    entries: list[PhotoEntry] = field(default_factory=list)
    failures: list[PhotoFailure] = field(default_factory=list)
    discovered: int = 0
    analyzed: int = 0
    cached: int = 0
    interrupted: bool = False
    stopped_reason: str | None = None  # why the analyzer stopped the run early
    stop_error: AnalyzerError | None = None  # the error behind ``stopped_reason``
    fallback_error: AnalyzerError | None = None  # why the rest of the run used a fallback
    not_analyzed: list[str] = field(default_factory=list)  # paths left for the next run
    elapsed_s: float = 0.0


@dataclass(frozen=True, slots=True)
class AnalyzerSpec:
    """An analyzer's identity, plus a way to build it only when there is work.

    ``workers`` overrides the thread count: a remote analyzer waits on the network and
    wants many photos in flight, a local one wants one thread per core.
    """

    key: AnalyzerKey
    factory: Callable[[], Analyzer]
    workers: int | None = None
    preview_size: int | None = None  # decode this large once if the analyzer needs more


@dataclass
class Plan:
    """What a run would do, worked out without hashing or decoding anything new."""

    hits: list[PhotoEntry] = field(default_factory=list)
    todo: list[tuple[DiscoveredFile, str | None]] = field(default_factory=list)
    failures: list[PhotoFailure] = field(default_factory=list)
    discovered: int = 0


@dataclass(slots=True)
class _Outcome:
    file: DiscoveredFile
    image_id: str | None = None
    metadata: PhotoMetadata | None = None
    result: AnalysisResult | None = None
    error: str | None = None
    persist_error: bool = False  # a problem with the file itself, not with the analyzer
    skipped: bool = False  # not analyzed because the run stopped


def plan_paths(paths: Sequence[str], *, cache: Cache, key: AnalyzerKey) -> Plan:
    """Discover photos and sort them into cache hits, work to do and known failures.

    Unchanged files (same path, size and mtime) are neither re-hashed nor decoded; an
    unchanged file that failed before is reported again without being decoded again.
    """
    plan = Plan()
    files = list(discover(paths, on_error=lambda p, r: plan.failures.append(PhotoFailure(p, r))))
    plan.discovered = len(files)
    indexed = cache.lookup_paths([f.path for f in files])
    failed_before = cache.lookup_failures([f.path for f in files])
    done_ids = cache.result_ids(key)
    for f in files:
        known = indexed.get(f.path)
        unchanged = known is not None and (known.size, known.mtime_ns) == (f.size, f.mtime_ns)
        if known is not None and unchanged and known.image_id in done_ids:
            plan.hits.append(PhotoEntry(f.path, known.image_id))
            continue
        failure = failed_before.get(f.path)
        if failure is not None and (failure.size, failure.mtime_ns) == (f.size, f.mtime_ns):
            plan.failures.append(PhotoFailure(f.path, failure.error))
            continue
        plan.todo.append((f, known.image_id if known is not None and unchanged else None))
    return plan


def analyze_paths(
    paths: Sequence[str],
    *,
    cache: Cache,
    spec: AnalyzerSpec,
    settings: Settings,
    events: PipelineEvents | None = None,
    stop: threading.Event | None = None,
) -> AnalyzeReport:
    """Discover photos under ``paths`` and make sure each has a result from ``spec``.

    Setting ``stop`` (or Ctrl-C) ends the run early with everything finished kept. An
    analyzer that cannot go on (no credits, budget reached) also stops it: the photos it
    did not reach are listed in ``not_analyzed``, not recorded as failures.
    """
    events = events or PipelineEvents()
    stop = stop or threading.Event()
    started = time.perf_counter()
    plan = plan_paths(paths, cache=cache, key=spec.key)
    report = AnalyzeReport(discovered=plan.discovered, failures=list(plan.failures))

    events.discovered(plan.discovered, len(plan.todo))
    for entry in plan.hits:
        report.entries.append(entry)
        report.cached += 1
        events.photo_done(entry.path, cached=True)
    for known_failure in report.failures:
        events.photo_failed(known_failure.path, known_failure.error)

    if plan.todo:
        done_ids = frozenset(cache.result_ids(spec.key))
        try:
            _analyze_todo(plan.todo, cache, spec, settings, done_ids, events, stop, report)
        except KeyboardInterrupt:
            report.interrupted = True
    report.interrupted = report.interrupted or (stop.is_set() and report.stopped_reason is None)
    finished = {e.path for e in report.entries} | {f.path for f in report.failures}
    report.not_analyzed = [f.path for f, _ in plan.todo if f.path not in finished]
    report.elapsed_s = time.perf_counter() - started
    return report


def _analyze_todo(
    todo: list[tuple[DiscoveredFile, str | None]],
    cache: Cache,
    spec: AnalyzerSpec,
    settings: Settings,
    done_ids: frozenset[str],
    events: PipelineEvents,
    stop: threading.Event,
    report: AnalyzeReport,
) -> None:
    keep_freed_memory()  # ~20% of the local analysis was page faults (see memory.py)
    analyzer = spec.factory()
    thumbnails = ThumbnailStore(settings.thumbnails_dir, settings.thumbnail_size)
    stop_errors: list[AnalyzerError] = []

    def work(file: DiscoveredFile, image_id: str | None) -> _Outcome:
        outcome = _Outcome(file)
        try:
            outcome.image_id = image_id or sha256_file(file.path)
            if outcome.image_id in done_ids:  # same content seen under another path
                return outcome
            photo = prepare_photo(
                file.path,
                outcome.image_id,
                preview_size=preview_size,
                max_pixels=settings.max_pixels,
            )
            outcome.metadata = photo.metadata
            if not thumbnails.exists(outcome.image_id):
                thumbnails.write(outcome.image_id, photo.reduced(thumbnails.size))
            outcome.result = analyzer.analyze(photo)
        except PhotoError as exc:
            outcome.error = exc.reason
            outcome.persist_error = True
        except (AnalyzerUnavailableError, RunStoppedError) as exc:
            stop_errors.append(exc)  # the run ends; this photo is left for the next one
            stop.set()
            outcome.skipped = True
        except AnalyzerError as exc:
            outcome.error = f"analysis failed: {exc}"
        except OSError as exc:
            outcome.error = f"cannot read file: {exc.strerror or exc}"
        except Exception as exc:  # one bad photo must never stop the batch
            log.exception("unexpected error on %s", file.path)
            outcome.error = f"internal error ({type(exc).__name__}: {exc})"
        return outcome

    pending: list[_Outcome] = []
    last_commit = time.monotonic()

    def flush() -> None:
        nonlocal last_commit
        if not pending:
            return
        with cache.transaction():
            for o in pending:
                _store(cache, o)
        for o in pending:
            if o.skipped:
                continue
            if o.error is not None:
                report.failures.append(PhotoFailure(o.file.path, o.error))
                events.photo_failed(o.file.path, o.error)
            else:
                assert o.image_id is not None
                report.entries.append(PhotoEntry(o.file.path, o.image_id))
                if o.result is not None:
                    report.analyzed += 1
                else:
                    report.cached += 1
                events.photo_done(o.file.path, cached=o.result is None)
        events.analyzer_stats(analyzer.stats())
        pending.clear()
        last_commit = time.monotonic()

    queue = iter(todo)
    workers = spec.workers or settings.workers
    preview_size = max(settings.preview_size, spec.preview_size or 0)
    limit = workers * 2  # bounded in-flight work keeps memory flat
    in_flight: set[Future[_Outcome]] = set()
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="analyze")
    try:
        while True:
            while not stop.is_set() and len(in_flight) < limit:
                nxt = next(queue, None)
                if nxt is None:
                    break
                in_flight.add(pool.submit(work, *nxt))
            if not in_flight:
                break
            done, in_flight = _wait(in_flight)
            pending.extend(f.result() for f in done)
            if len(pending) >= _COMMIT_EVERY_N or time.monotonic() - last_commit > _COMMIT_EVERY_S:
                flush()
    except KeyboardInterrupt:
        stop.set()
        for fut in in_flight:
            fut.cancel()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        pending.extend(f.result() for f in in_flight if f.done() and not f.cancelled())
        flush()
        analyzer.close()
        report.fallback_error = analyzer.fallback_error()
        if stop_errors:
            report.stop_error = stop_errors[0]
            report.stopped_reason = str(stop_errors[0])


def _wait(in_flight: set[Future[_Outcome]]) -> tuple[set[Future[_Outcome]], set[Future[_Outcome]]]:
    done, rest = wait(in_flight, timeout=0.5, return_when=FIRST_COMPLETED)
    return set(done), set(rest)


def _store(cache: Cache, o: _Outcome) -> None:
    """Only file problems are remembered as failures; an analyzer hiccup is retried."""
    if o.skipped:
        return
    if o.error is not None:
        if o.persist_error:
            cache.record_failure(o.file.path, o.file.size, o.file.mtime_ns, o.error)
        return
    assert o.image_id is not None
    if o.metadata is not None:
        cache.record_metadata(o.image_id, o.metadata)
    if o.result is not None:
        cache.record_result(o.result)
    cache.record_file(o.file.path, o.file.size, o.file.mtime_ns, o.image_id)


def cached_entries(
    paths: Sequence[str] | None, *, cache: Cache
) -> tuple[list[PhotoEntry], list[PhotoFailure]]:
    """The photos under ``paths`` (all indexed photos when ``None``) known to the cache.

    Never hashes or decodes: a file that is new or changed since it was scored is
    reported, not analyzed (that is ``score``'s job).
    """
    if paths is None:
        return [PhotoEntry(p, iid) for p, iid in cache.indexed_files()], []
    failures: list[PhotoFailure] = []
    files = list(discover(paths, on_error=lambda p, r: failures.append(PhotoFailure(p, r))))
    known = cache.lookup_paths([f.path for f in files])
    entries: list[PhotoEntry] = []
    for f in files:
        hit = known.get(f.path)
        if hit is None:
            failures.append(PhotoFailure(f.path, "not in the cache yet; run photo-score score"))
        elif (hit.size, hit.mtime_ns) != (f.size, f.mtime_ns):
            failures.append(
                PhotoFailure(f.path, "changed since it was scored; run photo-score score")
            )
        else:
            entries.append(PhotoEntry(f.path, hit.image_id))
    return entries, failures
