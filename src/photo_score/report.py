"""Turn cached results into ranked, explained photos: the public result shape.

``ScoredPhoto`` and ``RunSummary`` are the JSON contract of ``score --format json``
(DESIGN §12); the CLI, the sidecar and scripts all read them, so add fields, never rename.
"""

from __future__ import annotations

import functools
import math
import threading
from collections import Counter
from collections.abc import Iterator, Sequence

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, Field

from photo_score.models import ATTRIBUTES, AnalysisResult, PhotoMetadata
from photo_score.pipeline import PhotoEntry, PhotoFailure
from photo_score.scoring import (
    Explanation,
    ScoreArrays,
    ScoringConfig,
    explain_many,
    score_matrix,
    tiers_for,
)
from photo_score.scoring.bursts import (
    LAYOUT,
    READINGS,
    burst_ranks,
    camera_identity,
    capture_seconds,
    find_bursts,
    frame_strays,
    raw_twins,
    score_bursts,
    split_unlike,
    stray_notes,
)
from photo_score.scoring.config import BURST_GAP_S
from photo_score.storage.cache import AnalyzerKey, Cache
from photo_score.xmp import Mark, mark_for


class BurstPlace(BaseModel):
    """Where a photo stands in its burst: frames of one scene from one camera at most 2 s
    apart, ranked against each other (``scoring.bursts``), the keeper first."""

    id: str  # the image id of the burst's first frame: the same for every frame of it
    size: int
    rank: int  # 1 = the keeper
    keeper: bool
    score: float | None  # the frame's score within its burst, 0–100
    # How the frame strays from the rest of its burst, in words ("0.9 stop brighter than
    # the rest of the burst", "turned 2.8° against the other frames"); [] when it does not.
    notes: list[str] = []


class ScoredPhoto(BaseModel):
    rank: int
    image_id: str
    path: str
    final_score: float
    tier: str
    aesthetic_score: float | None
    technical_score: float | None
    attributes: dict[str, float | None]
    missing_attributes: list[str] = Field(default_factory=list)
    explanation: str
    lifted: list[str] = Field(default_factory=list)  # attributes that raised the score
    sank: list[str] = Field(default_factory=list)  # attributes that lowered it
    penalties: list[str] = Field(default_factory=list)  # attributes whose penalty fired
    analyzer: str
    confidence: float | None = None
    metadata: PhotoMetadata
    burst: BurstPlace | None = None  # None: not shot in a burst


class ErrorItem(BaseModel):
    path: str
    error: str


class RunSummary(BaseModel):
    total: int
    scored: int
    failed: int
    analyzed: int = 0
    cached: int = 0
    interrupted: bool = False
    elapsed_s: float = 0.0
    analyzer: str
    config: str
    config_fingerprint: str
    mean_score: float | None = None
    tiers: dict[str, int] = Field(default_factory=dict)


class RunResult(BaseModel):
    photos: list[ScoredPhoto]
    errors: list[ErrorItem]
    summary: RunSummary


_MEASURED = LAYOUT + READINGS  # what BurstIndex reads of each frame shot in a time chain


class BurstIndex:
    """Which photos were shot in a burst, and each frame's readings: what depends on the
    scoring config only through its burst window (``gap_s``), found once and shared by
    every ranking of the same photos with that window (:class:`BurstIndexes` keeps one
    per window).

    Grouping needs each photo's capture time and camera: passed in by a caller that has
    them (the desktop catalog), else read on first use (SQLite extracts them). Then, for
    the photos shot close enough in time to be a burst and for them only, one query reads
    the local analyzer's measurements that the burst rule takes: the layout signature
    (``scoring.bursts.LAYOUT``, to cut groups where the scene changes) and the readings
    (brightness and orientation, ``READINGS``). A vision model measures none of them.
    Safe to share between threads (the sidecar serves requests concurrently).
    """

    def __init__(
        self,
        cache: Cache,
        image_ids: Sequence[str],
        capture: tuple[npt.NDArray[np.float64], Sequence[str | None]] | None = None,
        paths: Sequence[str | None] | None = None,
        gap_s: float = BURST_GAP_S,
    ) -> None:
        """``capture``: each photo's capture time in seconds (NaN unknown) and its
        :func:`~photo_score.scoring.bursts.camera_identity`, when the caller has already
        read them (else they are read from the cache on first use). ``paths``: a path of
        each photo, to know a RAW+JPEG pair as one shot (:func:`raw_twins`); the twin that
        does not stand for the shot takes the other's place in its burst. ``gap_s``: the
        config's ``burst_gap_s``."""
        self._cache = cache
        self.image_ids = list(image_ids)
        self._capture = capture
        self._paths = list(paths) if paths is not None else None
        self.gap_s = gap_s
        self._lock = threading.Lock()
        self._bursts: list[npt.NDArray[np.intp]] | None = None  # rows, capture order
        self._where: dict[str, tuple[int, int]] = {}  # image id → (burst, frame in it)
        self._strays: dict[int, npt.NDArray[np.float64]] = {}  # burst → its frame_strays
        # Per photo row, LAYOUT then READINGS (NaN where unknown or not read)
        self._measured = np.empty((0, len(_MEASURED)))

    def _find(self) -> list[npt.NDArray[np.intp]]:
        if self._bursts is None:
            times, cameras = self._captured()
            twins = raw_twins(self._paths, times) if self._paths is not None else {}
            if twins:  # a shot's second file is not a frame of its own
                times = times.copy()
                times[list(twins)] = np.nan
            chains = find_bursts(times, cameras, self.gap_s)
            self._measured = self._read_measured(chains)
            self._bursts = split_unlike(chains, self._measured[:, : len(LAYOUT)])
            for number, burst in enumerate(self._bursts):
                for frame, row in enumerate(burst.tolist()):
                    self._where[self.image_ids[row]] = (number, frame)
            for twin, shot in twins.items():
                place = self._where.get(self.image_ids[shot])
                if place is not None:
                    self._where[self.image_ids[twin]] = place
        return self._bursts

    def _read_measured(self, chains: Sequence[npt.NDArray[np.intp]]) -> npt.NDArray[np.float64]:
        """``_MEASURED`` of the photos in these time chains, one row per photo (N×9)."""
        measured = np.full((len(self.image_ids) if chains else 0, len(_MEASURED)), math.nan)
        rows = [int(r) for chain in chains for r in chain]
        found = self._cache.measurements([self.image_ids[r] for r in rows], _MEASURED)
        for r in rows:
            values = found.get(self.image_ids[r])
            if values is not None:
                measured[r] = values
        return measured

    def with_gap(self, gap_s: float) -> BurstIndex:
        """The same photos grouped with another window; capture times are not read again."""
        with self._lock:
            capture = self._captured()
        return BurstIndex(self._cache, self.image_ids, capture, self._paths, gap_s)

    def _captured(self) -> tuple[npt.NDArray[np.float64], Sequence[str | None]]:
        """Capture times and cameras, read on first use (the lock is held)."""
        if self._capture is None:
            self._capture = self._read_capture()
        return self._capture

    def _read_capture(self) -> tuple[npt.NDArray[np.float64], list[str | None]]:
        fields = self._cache.capture_fields(self.image_ids)  # only photos with a time
        times = np.full(len(self.image_ids), np.nan)
        cameras: list[str | None] = [None] * len(self.image_ids)
        for row, image_id in enumerate(self.image_ids):
            f = fields.get(image_id)
            if f is not None:
                times[row] = capture_seconds(f.capture_time)
                cameras[row] = camera_identity(f.camera_serial, f.camera_make, f.camera_model)
        return times, cameras

    def members(self, image_id: str) -> list[str]:
        """The image ids of this photo's burst in capture order; [] when not in one."""
        with self._lock:
            bursts = self._find()
            where = self._where.get(image_id)
            return [] if where is None else [self.image_ids[r] for r in bursts[where[0]]]

    def where(self, image_ids: Sequence[str]) -> dict[str, tuple[int, int]]:
        """(burst number, frame number in it) of each photo shot in a burst."""
        with self._lock:
            self._find()
            return {i: self._where[i] for i in image_ids if i in self._where}

    def frames(
        self, numbers: Sequence[int]
    ) -> list[tuple[npt.NDArray[np.intp], npt.NDArray[np.float64]]]:
        """Each burst's rows and how its frames stray from it (``frame_strays``)."""
        with self._lock:
            bursts = self._find()
            for n in numbers:
                if n not in self._strays:
                    readings = self._measured[bursts[n], len(LAYOUT) :]
                    self._strays[n] = frame_strays(readings)
            return [(bursts[n], self._strays[n]) for n in numbers]

    def first(self, number: int) -> str:
        """The image id of a burst's first frame: the burst's id."""
        with self._lock:
            return self.image_ids[int(self._find()[number][0])]

    def ranked(self, values: npt.NDArray[np.float64], config: ScoringConfig) -> BurstRanking:
        """The places under one config; ``values`` holds the attributes as scored (N×6,
        NaN missing), one row per image id in this index's order."""
        return BurstRanking(self, values, config)


class BurstIndexes:
    """One :class:`BurstIndex` per grouping window (``burst_gap_s``) over the same photos,
    each made from the first when a config first asks for it (capture times read once)."""

    def __init__(self, first: BurstIndex) -> None:
        self._by_gap = {first.gap_s: first}
        self._first = first
        self._lock = threading.Lock()

    def for_gap(self, gap_s: float) -> BurstIndex:
        with self._lock:
            index = self._by_gap.get(gap_s)
            if index is None:
                index = self._by_gap[gap_s] = self._first.with_gap(gap_s)
            return index

    def ranked(self, values: npt.NDArray[np.float64], config: ScoringConfig) -> BurstRanking:
        """:meth:`BurstIndex.ranked` on the index of the config's window."""
        return self.for_gap(config.burst_gap_s).ranked(values, config)


class BurstRanking:
    """Each frame's place in its burst under one scoring config. A burst is ranked when
    one of its photos is first asked about (all the bursts a page touches in one reducer
    call), and remembered."""

    def __init__(
        self, index: BurstIndex, values: npt.NDArray[np.float64], config: ScoringConfig
    ) -> None:
        self.index, self._values, self._config = index, values, config
        self._lock = threading.Lock()
        # burst → (each frame's rank, each frame's score)
        self._ranked: dict[int, tuple[npt.NDArray[np.intp], npt.NDArray[np.float64]]] = {}

    def _ranks(
        self, image_ids: Sequence[str]
    ) -> list[tuple[str, int, npt.NDArray[np.intp], npt.NDArray[np.float64], int]]:
        """(image id, burst, its frames' ranks, their scores, the photo's frame) of each
        of these photos shot in a burst, ranking the bursts not ranked yet. Hold the lock."""
        where = self.index.where(image_ids)
        todo = sorted({n for n, _ in where.values()} - self._ranked.keys())
        blocks = [(self._values[rows], strays) for rows, strays in self.index.frames(todo)]
        for n, scores in zip(todo, score_bursts(blocks, self._config), strict=True):
            self._ranked[n] = (burst_ranks(scores), scores)
        return [(i, n, *self._ranked[n], frame) for i, (n, frame) in where.items()]

    def places(self, image_ids: Sequence[str]) -> dict[str, BurstPlace]:
        """The burst place of each of these photos that was shot in a burst."""
        with self._lock:
            ranked = self._ranks(image_ids)
            numbers = sorted({n for _, n, _, _, _ in ranked})
            strays = {n: s for n, (_, s) in zip(numbers, self.index.frames(numbers), strict=True)}
            return {
                image_id: BurstPlace(
                    id=self.index.first(n),
                    size=len(ranks),
                    rank=int(ranks[frame]),
                    keeper=bool(ranks[frame] == 1),
                    score=None if math.isnan(scores[frame]) else round(float(scores[frame]), 2),
                    notes=stray_notes(*map(float, strays[n][frame])),
                )
                for image_id, n, ranks, scores, frame in ranked
            }

    def outranked(self, image_ids: Sequence[str]) -> set[str]:
        """Those of these photos that are a burst's frame but not its keeper."""
        with self._lock:
            return {i for i, _, ranks, _, frame in self._ranks(image_ids) if ranks[frame] != 1}


class Ranking:
    """Every scorable photo of a run, ranked; full photos are built on demand.

    Ordering, counts, mean and tiers cost a few numpy passes. Building a
    :class:`ScoredPhoto` needs the stored result and an explanation, so :meth:`photos`
    builds them a chunk at a time: a table explains 25 photos, and a JSON export of
    100,000 streams them without holding them all in memory. Iterate while the cache
    is open.
    """

    def __init__(
        self,
        *,
        cache: Cache,
        config: ScoringConfig,
        key: AnalyzerKey | None,
        image_ids: list[str],
        arrays: ScoreArrays,
        ranked: list[tuple[PhotoEntry, int]],
        errors: list[ErrorItem],
    ) -> None:
        """``image_ids``: one per row of ``arrays``; ``ranked``: the scorable entries and
        their rows."""
        self._cache, self._config, self._key, self._arrays = cache, config, key, arrays
        self._image_ids = image_ids
        self._ranked = ranked
        self._rows = np.array([i for _, i in ranked], dtype=np.intp)
        self._finals = arrays.final[self._rows]
        self._tiers: list[str] = tiers_for(self._finals, config).tolist()
        self.errors = errors
        self.scored = len(ranked)
        self.mean_score = round(float(self._finals.mean()), 2) if ranked else None
        self.tiers = dict(Counter(self._tiers))

    @functools.cached_property
    def bursts(self) -> BurstRanking:
        """Each photo's place in its burst; built when photos are (a rescore that only
        counts and orders never reads capture times)."""
        scored = np.flatnonzero(~np.isnan(self._arrays.final))  # one row per image id
        path_of = {self._image_ids[row]: entry.path for entry, row in self._ranked}
        ids = [self._image_ids[r] for r in scored]
        paths = [path_of.get(i) for i in ids]
        index = BurstIndex(self._cache, ids, paths=paths, gap_s=self._config.burst_gap_s)
        return index.ranked(self._arrays.values[scored], self._config)

    def photos(self, limit: int | None = None, *, chunk: int = 500) -> Iterator[ScoredPhoto]:
        """The best ``limit`` photos (all when ``None``), best first."""
        stop = self.scored if limit is None else min(limit, self.scored)
        for begin in range(0, stop, chunk):
            yield from self._build(begin, min(begin + chunk, stop))

    def marks(self, *, chunk: int = 2000) -> Iterator[tuple[str, Mark]]:
        """Each ranked photo's path and XMP mark, best first, without building the
        explanations (writing 50,000 sidecars needs tiers and burst places only)."""
        for begin in range(0, self.scored, chunk):
            end = min(begin + chunk, self.scored)
            part = zip(
                self._ranked[begin:end],
                self._finals[begin:end].tolist(),
                self._tiers[begin:end],
                strict=True,
            )
            photos = [(entry.path, entry.image_id, final, tier) for (entry, _), final, tier in part]
            yield from burst_marks(self.bursts, self._config, photos)

    def _build(self, begin: int, end: int) -> list[ScoredPhoto]:
        part = self._ranked[begin:end]
        ids = [entry.image_id for entry, _ in part]
        results = self._cache.get_best_results(ids, self._key)
        metadata = self._cache.get_metadata(ids)
        places = self.bursts.places(ids)
        at = self._rows[begin:end]
        # One batched pass explains the chunk (each photo as `explain` would explain it).
        explanations = explain_many(
            self._arrays,
            self._config,
            notes=[results[image_id].notes for image_id in ids],
            rows=at.tolist(),
        )
        numbers = zip(
            self._finals[begin:end].tolist(),
            self._tiers[begin:end],
            _display(self._arrays.aesthetic[at].tolist()),
            _display(self._arrays.technical[at].tolist()),
            strict=True,
        )
        return [
            _scored_photo(
                rank,
                entry,
                results[entry.image_id],
                metadata,
                explanation,
                *scores,
                burst=places.get(entry.image_id),
            )
            for rank, ((entry, _), explanation, scores) in enumerate(
                zip(part, explanations, numbers, strict=True), start=begin + 1
            )
        ]


def burst_marks(
    bursts: BurstRanking | None,
    config: ScoringConfig,
    photos: Sequence[tuple[str, str, float, str]],
) -> list[tuple[str, Mark]]:
    """The XMP mark of each (path, image id, final score, tier), burst places read in one
    batch: a burst frame that is not its keeper may get ``xmp_burst_others``."""
    places = bursts.places([image_id for _, image_id, _, _ in photos]) if bursts else {}
    marks = []
    for path, image_id, final, tier in photos:
        place = places.get(image_id)
        keeper = None if place is None else place.keeper
        marks.append((path, mark_for(final, tier, keeper, config)))
    return marks


def rank_entries(
    entries: Sequence[PhotoEntry],
    *,
    cache: Cache,
    config: ScoringConfig,
    key: AnalyzerKey | None = None,
) -> Ranking:
    """Score every entry from the cache and sort best first (ties: path).

    ``key`` pins the analyzer whose results are used; ``None`` takes each image's best
    result (vision over local, newest first). An image with no usable attribute is
    reported as an error, never ranked with a made-up score.
    """
    rows = cache.load_attributes([e.image_id for e in entries], key)
    index = {image_id: i for i, image_id in enumerate(rows.image_ids)}
    arrays = score_matrix(rows.values, config)

    ranked: list[tuple[PhotoEntry, int]] = []
    errors: list[ErrorItem] = []
    for entry in entries:
        i = index.get(entry.image_id)
        if i is None:
            errors.append(ErrorItem(path=entry.path, error="no analysis result in the cache"))
        elif np.isnan(arrays.final[i]):
            errors.append(ErrorItem(path=entry.path, error="the analyzer measured no attribute"))
        else:
            ranked.append((entry, i))
    ranked.sort(key=lambda item: (-float(arrays.final[item[1]]), item[0].path))
    return Ranking(
        cache=cache,
        config=config,
        key=key,
        image_ids=rows.image_ids,
        arrays=arrays,
        ranked=ranked,
        errors=errors,
    )


def _display(scores: list[float]) -> list[float | None]:
    """Category scores as ``breakdown_at`` shows them: 4 decimals, None when unmeasured."""
    return [None if math.isnan(x) else round(x, 4) for x in scores]


def _scored_photo(
    rank: int,
    entry: PhotoEntry,
    result: AnalysisResult,
    metadata: dict[str, PhotoMetadata],
    explanation: Explanation,
    final_score: float,
    tier: str,
    aesthetic_score: float | None,
    technical_score: float | None,
    *,
    burst: BurstPlace | None = None,
) -> ScoredPhoto:
    return ScoredPhoto(
        rank=rank,
        image_id=entry.image_id,
        path=entry.path,
        final_score=final_score,
        tier=tier,
        aesthetic_score=aesthetic_score,
        technical_score=technical_score,
        attributes={name: result.attributes.get(name) for name in ATTRIBUTES},
        missing_attributes=list(explanation.missing),
        explanation=explanation.text,
        lifted=explanation.lifted,
        sank=explanation.sank,
        penalties=explanation.penalties,
        analyzer=result.analyzer,
        confidence=result.confidence,
        metadata=metadata.get(entry.image_id, PhotoMetadata()),
        burst=burst,
    )


def summarize(
    ranking: Ranking,
    errors: Sequence[ErrorItem],
    *,
    total: int,
    analyzer: str,
    config: ScoringConfig,
    analyzed: int = 0,
    cached: int = 0,
    interrupted: bool = False,
    elapsed_s: float = 0.0,
) -> RunSummary:
    return RunSummary(
        total=total,
        scored=ranking.scored,
        failed=len(errors),
        analyzed=analyzed,
        cached=cached,
        interrupted=interrupted,
        elapsed_s=round(elapsed_s, 3),
        analyzer=analyzer,
        config=config.name,
        config_fingerprint=config.fingerprint,
        mean_score=ranking.mean_score,
        tiers=ranking.tiers,
    )


def failures_to_errors(failures: Sequence[PhotoFailure]) -> list[ErrorItem]:
    return [ErrorItem(path=f.path, error=f.error) for f in failures]
