"""The ranked library as arrays: sort, filter, page and summarise thousands of photos fast.

A :class:`Catalog` is a column snapshot of the library's photos (paths, attributes,
capture times, cameras…) read from the cache once. A :class:`RankedCatalog` adds the scores
of one scoring config (one vectorised :func:`score_matrix` call). :class:`RankingCache`
keeps both, keyed by (library folders, cache generation) and config fingerprint, so a
listing over 20,000 photos is a few numpy operations and a config edit re-ranks in
milliseconds without touching the database. Surfaces (sidecar, CLI, cloud) call
:func:`query_photos`, :func:`library_stats` and :func:`photo_detail` and only format.
"""

from __future__ import annotations

import json
import math
import os
import threading
from collections import Counter, OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, Field, field_validator

from photo_score.errors import NotFoundError, UsageError
from photo_score.models import ATTRIBUTES, AnalysisResult, Critique, PhotoMetadata
from photo_score.report import (
    BurstIndex,
    BurstIndexes,
    BurstPlace,
    BurstRanking,
    ScoredPhoto,
    burst_marks,
)
from photo_score.scoring import (
    Explanation,
    ScoreBreakdown,
    ScoringConfig,
    explain,
    score_matrix,
    score_one,
    tiers_for,
)
from photo_score.scoring.bursts import camera_identity, capture_seconds
from photo_score.storage.cache import Cache
from photo_score.xmp import Mark, hand_rating

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
ObjectArray = npt.NDArray[np.object_]

SortKey = Literal[
    "score",
    "date",
    "name",
    "tier",
    "camera",
    "aesthetic",
    "technical",
    "composition",
    "subject_strength",
    "visual_appeal",
    "sharpness",
    "exposure_balance",
    "noise_level",
]
_ASCENDING_BY_DEFAULT = frozenset({"date", "name", "camera"})
HISTOGRAM_BIN = 5.0


# --------------------------------------------------------------------------- query models


class PhotoQuery(BaseModel):
    """Sort, filter and page the library. Every filter is optional; they combine with AND."""

    sort: SortKey = "score"
    order: Literal["asc", "desc"] | None = Field(
        default=None, description="Default: desc for scores, asc for name, date and camera."
    )
    offset: int = Field(default=0, ge=0)
    limit: int = Field(default=100, ge=1, le=1000)
    tier: list[str] = Field(default_factory=list, description="Keep these tiers (any of).")
    min_score: float | None = Field(default=None, ge=0, le=100)
    max_score: float | None = Field(default=None, ge=0, le=100)
    attr: list[str] = Field(
        default_factory=list,
        description="Attribute ranges as name:min:max (either bound may be empty), "
        "e.g. sharpness:0.5: keeps photos with sharpness >= 0.5.",
    )
    camera: list[str] = Field(default_factory=list, description="Camera model (any of).")
    analyzer: list[str] = Field(default_factory=list, description="Analyzer (any of).")
    date_from: str | None = Field(default=None, description="ISO date or datetime, inclusive.")
    date_to: str | None = Field(default=None, description="ISO date or datetime, inclusive.")
    unscored: bool | None = Field(
        default=None, description="true: only unscored photos; false: only scored ones."
    )
    folder: int | None = Field(default=None, description="A library folder id.")
    keepers: bool = Field(
        default=False,
        description="Collapse bursts: of each burst keep only the frame to keep.",
    )
    q: str | None = Field(default=None, description="Text in the file name (case-insensitive).")

    @field_validator("attr")
    @classmethod
    def _valid_ranges(cls, value: list[str]) -> list[str]:
        for item in value:
            try:
                parse_attribute_range(item)
            except UsageError as exc:
                raise ValueError(str(exc)) from None
        return value


class PhotoSummary(BaseModel):
    """One grid card: enough to draw and sort it, nothing that needs the explainer."""

    image_id: str
    path: str
    name: str
    folder_id: int | None
    rank: int | None  # 1 = best score under the config; None when unscored
    final_score: float | None
    tier: str | None
    aesthetic_score: float | None
    technical_score: float | None
    attributes: dict[str, float | None]
    analyzer: str | None
    capture_time: str | None
    camera: str | None
    width: int | None
    height: int | None
    burst: BurstPlace | None = None  # None: not shot in a burst


class PhotoPage(BaseModel):
    items: list[PhotoSummary]
    total: int  # photos matching the filters (all pages)
    offset: int
    limit: int
    config_fingerprint: str


class HistogramBin(BaseModel):
    low: float
    high: float
    count: int


class LibraryStats(BaseModel):
    total: int
    scored: int
    unscored: int
    mean_score: float | None
    median_score: float | None
    tier_counts: dict[str, int]  # best tier first, zeros included
    histogram: list[HistogramBin]  # 5-point bins over 0–100; the last includes 100
    attribute_means: dict[str, float | None]
    analyzers: dict[str, int]
    cameras: dict[str, int]  # the 10 most frequent
    config_fingerprint: str


class PhotoDetail(BaseModel):
    """One photo in full: its ranked score, where it came from, and what analyzers said."""

    summary: PhotoSummary
    photo: ScoredPhoto | None  # the ``score --format json`` photo; None when unscored
    paths: list[str]
    breakdown: ScoreBreakdown | None
    explanation: Explanation | None
    critique: Critique | None
    features: dict[str, Any]
    notes: dict[str, str]
    measurements: dict[str, float]
    metadata: PhotoMetadata
    results: list[AnalysisResult]  # every analyzer's result, best first
    burst: list[PhotoSummary] = Field(default_factory=list)  # its burst's frames, shot order
    # The photographer's own star rating from XMP (-1 rejected, 1–5), not photo-score's.
    your_rating: int | None = None


def parse_attribute_range(text: str) -> tuple[int, float, float]:
    """``"sharpness:0.5:"`` → (column, 0.5, +inf). Raises UsageError naming the problem."""
    parts = text.split(":")
    if len(parts) != 3 or parts[0] not in ATTRIBUTES:
        raise UsageError(
            f"attribute range {text!r}: expected name:min:max with name one of "
            f"{', '.join(ATTRIBUTES)}"
        )
    try:
        low = float(parts[1]) if parts[1] else -math.inf
        high = float(parts[2]) if parts[2] else math.inf
    except ValueError:
        raise UsageError(f"attribute range {text!r}: bounds must be numbers") from None
    return ATTRIBUTES.index(parts[0]), low, high


def _epoch(value: str | None, *, end_of_day: bool = False) -> float:
    """ISO date/datetime → epoch seconds (naive = UTC); NaN for None or unparsable."""
    if not value:
        return math.nan
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            moment = datetime(day.year, day.month, day.day, tzinfo=UTC)
            return moment.timestamp() + (86_399.999 if end_of_day else 0.0)
    except ValueError:
        return math.nan
    return capture_seconds(value)


# --------------------------------------------------------------------------- the columns


@dataclass(frozen=True, eq=False)
class Catalog:
    """The library's photos as columns; row order is path order."""

    folder_ids: tuple[int, ...]
    image_ids: list[str]
    paths: list[str]
    names: list[str]
    names_lower: list[str]
    folder_index: IntArray  # into folder_ids; -1 when no folder matches
    capture: FloatArray  # epoch seconds, NaN unknown
    camera: ObjectArray  # str or None
    analyzer: ObjectArray  # str or None (no result)
    values: FloatArray  # N×6, NaN missing
    metadata: list[_Meta]
    name_rank: IntArray  # position in case-insensitive name order
    camera_rank: IntArray
    row_of: dict[str, int] = field(default_factory=dict)
    bursts: BurstIndexes | None = None  # over one row per image id (``burst_rows``)
    burst_rows: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.intp))

    def __len__(self) -> int:
        return len(self.paths)


def build_catalog(cache: Cache, folders: Sequence[tuple[int, str]]) -> Catalog:
    """Read every indexed photo inside ``folders`` ((id, real path) pairs) from the cache."""
    files = sorted(cache.files_under([path for _, path in folders]))
    paths = [p for p, _ in files]
    ids = [i for _, i in files]
    n = len(files)
    rows = cache.load_attributes(ids)
    at = {image_id: i for i, image_id in enumerate(rows.image_ids)}
    values = np.full((n, len(ATTRIBUTES)), np.nan)
    analyzer = np.full(n, None, dtype=object)
    for r, image_id in enumerate(ids):
        i = at.get(image_id)
        if i is not None:
            values[r] = rows.values[i]
            analyzer[r] = rows.analyzers[i]
    raw = cache.metadata_json(ids)
    metadata = [_Meta.parse(raw.get(i)) for i in ids]
    by_length = sorted(enumerate(folders), key=lambda item: -len(item[1][1]))
    folder_index = np.full(n, -1, dtype=np.intp)
    for r, path in enumerate(paths):
        for k, (_, folder) in by_length:
            if path.startswith(folder.rstrip(os.sep) + os.sep):
                folder_index[r] = k
                break
    names = [os.path.basename(p) for p in paths]
    names_lower = [name.casefold() for name in names]
    camera = np.empty(n, dtype=object)
    camera[:] = [m.camera for m in metadata]
    row_of = {image_id: r for r, image_id in reversed(list(enumerate(ids)))}
    burst_rows = np.array(sorted(row_of.values()), dtype=np.intp)  # one row per image id
    capture = np.array([_epoch(m.capture_time) for m in metadata], dtype=np.float64)
    return Catalog(
        folder_ids=tuple(fid for fid, _ in folders),
        image_ids=ids,
        paths=paths,
        names=names,
        names_lower=names_lower,
        folder_index=folder_index,
        capture=capture,
        camera=camera,
        analyzer=analyzer,
        values=values,
        metadata=metadata,
        name_rank=_rank_of(names_lower),
        camera_rank=_rank_of([c or "" for c in camera.tolist()]),
        row_of=row_of,
        bursts=BurstIndexes(
            BurstIndex(
                cache,
                [ids[r] for r in burst_rows],
                (capture[burst_rows], [metadata[r].burst_camera for r in burst_rows]),
                [paths[r] for r in burst_rows],
            )
        ),
        burst_rows=burst_rows,
    )


@dataclass(frozen=True, slots=True)
class _Meta:
    """The few metadata fields a grid card needs (full metadata is read per photo)."""

    capture_time: str | None = None
    camera: str | None = None
    width: int | None = None
    height: int | None = None
    burst_camera: str | None = None  # camera_identity, for burst grouping

    @classmethod
    def parse(cls, raw: str | None) -> _Meta:
        if not raw:
            return _NO_META
        data = json.loads(raw)
        make, model = data.get("camera_make"), data.get("camera_model")
        return cls(
            data.get("capture_time"),
            model or make,
            data.get("width"),
            data.get("height"),
            camera_identity(data.get("camera_serial"), make, model),
        )


_NO_META = _Meta()


def _rank_of(keys: list[str]) -> IntArray:
    order = sorted(range(len(keys)), key=keys.__getitem__)
    rank = np.empty(len(keys), dtype=np.intp)
    rank[np.array(order, dtype=np.intp)] = np.arange(len(keys), dtype=np.intp)
    return rank


@dataclass(frozen=True, eq=False)
class RankedCatalog:
    """A catalog scored with one config."""

    catalog: Catalog
    config: ScoringConfig
    final: FloatArray  # NaN = unscored
    aesthetic: FloatArray
    technical: FloatArray
    tier: ObjectArray  # str or None
    tier_index: IntArray  # 0 = best tier; len(tiers) for unscored
    rank: IntArray  # 1 = best; 0 for unscored
    bursts: BurstRanking | None = None

    def summaries(self, rows: Sequence[int]) -> list[PhotoSummary]:
        """Grid cards for these rows, with their burst places (read in one batch)."""
        ids = [self.catalog.image_ids[r] for r in rows]
        places = self.bursts.places(ids) if self.bursts is not None else {}
        return [
            self.summary(r).model_copy(update={"burst": places.get(i)})
            for r, i in zip(rows, ids, strict=True)
        ]

    def scored_rows(self, folder_id: int | None = None) -> npt.NDArray[np.intp]:
        """Rows of the scored photos (of one library folder), best first."""
        c = self.catalog
        rows = np.flatnonzero(~np.isnan(self.final))
        if folder_id is not None:
            if folder_id not in c.folder_ids:
                raise NotFoundError(f"library folder {folder_id} does not exist")
            rows = rows[c.folder_index[rows] == c.folder_ids.index(folder_id)]
        ordered: npt.NDArray[np.intp] = rows[np.argsort(self.rank[rows], kind="stable")]
        return ordered

    def marks(self, folder_id: int | None = None) -> list[tuple[str, Mark]]:
        """The path and XMP mark of every scored photo (of one library folder), best
        first."""
        c = self.catalog
        photos = [
            (c.paths[r], c.image_ids[r], float(self.final[r]), str(self.tier[r]))
            for r in self.scored_rows(folder_id).tolist()
        ]
        return burst_marks(self.bursts, self.config, photos)

    def summary(self, row: int) -> PhotoSummary:
        c = self.catalog
        meta = c.metadata[row]
        scored = not math.isnan(self.final[row])
        folder = int(c.folder_index[row])
        return PhotoSummary(
            image_id=c.image_ids[row],
            path=c.paths[row],
            name=c.names[row],
            folder_id=c.folder_ids[folder] if folder >= 0 else None,
            rank=int(self.rank[row]) if scored else None,
            final_score=float(self.final[row]) if scored else None,
            tier=self.tier[row],
            aesthetic_score=_num(self.aesthetic[row]),
            technical_score=_num(self.technical[row]),
            attributes={a: _num(v, 4) for a, v in zip(ATTRIBUTES, c.values[row], strict=True)},
            analyzer=c.analyzer[row],
            capture_time=meta.capture_time,
            camera=c.camera[row],
            width=meta.width,
            height=meta.height,
        )


def _num(x: float | np.floating[Any], digits: int = 4) -> float | None:
    return None if math.isnan(x) else round(float(x), digits)


def rank_catalog(catalog: Catalog, config: ScoringConfig) -> RankedCatalog:
    """Score every row with ``config``: one vectorised pass, no database access (a
    photo's burst place is worked out when it is first asked for)."""
    n = len(catalog)
    arrays = score_matrix(catalog.values, config)
    final = arrays.final
    scored = ~np.isnan(final)
    tier = tiers_for(final, config)
    names = [t.name for t in config.tiers]
    position = {name: i for i, name in enumerate(names)}
    tier_index = np.array([position.get(t, len(names)) for t in tier.tolist()], dtype=np.intp)
    order = np.lexsort((catalog.name_rank, np.where(scored, -final, np.inf)))
    rank = np.zeros(n, dtype=np.intp)
    n_scored = int(scored.sum())
    rank[order[:n_scored]] = np.arange(1, n_scored + 1, dtype=np.intp)
    bursts = None
    if catalog.bursts is not None:
        bursts = catalog.bursts.ranked(arrays.values[catalog.burst_rows], config)
    return RankedCatalog(
        catalog, config, final, arrays.aesthetic, arrays.technical, tier, tier_index, rank, bursts
    )


class RankingCache:
    """Catalogs and rankings kept in memory, rebuilt only when something changed.

    The catalog is keyed by (library folders, cache generation); rankings by config
    fingerprint (a few recent ones, so live previews of draft configs stay fast).
    """

    def __init__(self, cache: Cache, *, max_rankings: int = 8) -> None:
        self._cache = cache
        self._max = max_rankings
        self._lock = threading.Lock()
        self._key: tuple[Any, ...] | None = None
        self._catalog: Catalog | None = None
        self._ranked: OrderedDict[str, RankedCatalog] = OrderedDict()

    def ranked(self, folders: Sequence[tuple[int, str]], config: ScoringConfig) -> RankedCatalog:
        key = (tuple(folders), self._cache.generation())
        with self._lock:
            if key != self._key or self._catalog is None:
                self._catalog = build_catalog(self._cache, folders)
                self._key = key  # read before building: a write meanwhile rebuilds next time
                self._ranked.clear()
            hit = self._ranked.get(config.fingerprint)
            if hit is not None:
                self._ranked.move_to_end(config.fingerprint)
                return hit
            ranked = rank_catalog(self._catalog, config)
            self._ranked[config.fingerprint] = ranked
            while len(self._ranked) > self._max:
                self._ranked.popitem(last=False)
            return ranked


# --------------------------------------------------------------------------- queries


def filter_rows(ranked: RankedCatalog, query: PhotoQuery) -> IntArray:
    """Rows matching every filter of ``query``, in catalog (path) order."""
    c = ranked.catalog
    mask = np.ones(len(c), dtype=bool)
    final = ranked.final
    scored = ~np.isnan(final)
    if query.unscored is True:
        mask &= ~scored
    elif query.unscored is False:
        mask &= scored
    if query.tier:
        mask &= np.isin(ranked.tier, np.array(query.tier, dtype=object))
    with np.errstate(invalid="ignore"):
        if query.min_score is not None:
            mask &= final >= query.min_score
        if query.max_score is not None:
            mask &= final <= query.max_score
        for text in query.attr:
            column, low, high = parse_attribute_range(text)
            v = c.values[:, column]
            mask &= (v >= low) & (v <= high)
        if query.date_from:
            mask &= c.capture >= _checked_epoch(query.date_from, "date_from")
        if query.date_to:
            mask &= c.capture <= _checked_epoch(query.date_to, "date_to", end_of_day=True)
    if query.camera:
        mask &= np.isin(c.camera, np.array(query.camera, dtype=object))
    if query.analyzer:
        mask &= np.isin(c.analyzer, np.array(query.analyzer, dtype=object))
    if query.folder is not None:
        if query.folder not in c.folder_ids:
            raise NotFoundError(f"library folder {query.folder} does not exist")
        mask &= c.folder_index == c.folder_ids.index(query.folder)
    if query.keepers and ranked.bursts is not None:
        hidden = ranked.bursts.outranked(c.image_ids)
        mask &= np.fromiter((i not in hidden for i in c.image_ids), dtype=bool, count=len(c))
    if query.q:
        needle = query.q.casefold()
        mask &= np.fromiter((needle in n for n in c.names_lower), dtype=bool, count=len(c))
    return np.flatnonzero(mask)


def _checked_epoch(value: str, name: str, *, end_of_day: bool = False) -> float:
    moment = _epoch(value, end_of_day=end_of_day)
    if math.isnan(moment):
        raise UsageError(f"{name}: {value!r} is not an ISO date (YYYY-MM-DD) or datetime")
    return moment


def sort_rows(ranked: RankedCatalog, rows: IntArray, query: PhotoQuery) -> IntArray:
    """``rows`` ordered by ``query.sort``; missing values always last, ties by name."""
    c = ranked.catalog
    descending = (query.order or ("asc" if query.sort in _ASCENDING_BY_DEFAULT else "desc")) == (
        "desc"
    )
    sign = -1.0 if descending else 1.0
    tiebreak = c.name_rank[rows]

    def numeric(values: FloatArray) -> FloatArray:
        v = values[rows]
        return np.where(np.isnan(v), np.inf, sign * v)

    keys: list[npt.NDArray[Any]]
    if query.sort == "score":
        keys = [tiebreak, numeric(ranked.final)]
    elif query.sort == "tier":
        t = ranked.tier_index[rows]
        unscored = t == len(ranked.config.tiers)
        keys = [
            tiebreak,
            numeric(ranked.final),
            np.where(unscored, np.iinfo(np.intp).max, t if descending else -t),
        ]
    elif query.sort == "date":
        keys = [tiebreak, numeric(c.capture)]
    elif query.sort == "name":
        keys = [tiebreak if not descending else -tiebreak]
    elif query.sort == "camera":
        unknown = np.array([x is None for x in c.camera[rows].tolist()], dtype=bool)
        cam = c.camera_rank[rows]
        keys = [tiebreak, np.where(unknown, np.iinfo(np.intp).max, -cam if descending else cam)]
    elif query.sort == "aesthetic":
        keys = [tiebreak, numeric(ranked.aesthetic)]
    elif query.sort == "technical":
        keys = [tiebreak, numeric(ranked.technical)]
    else:
        keys = [tiebreak, numeric(c.values[:, ATTRIBUTES.index(query.sort)])]
    return rows[np.lexsort(keys)]


def query_photos(ranked: RankedCatalog, query: PhotoQuery) -> PhotoPage:
    """Filter, sort and page the ranked library (the grid's one call)."""
    rows = sort_rows(ranked, filter_rows(ranked, query), query)
    page = rows[query.offset : query.offset + query.limit]
    return PhotoPage(
        items=ranked.summaries([int(r) for r in page]),
        total=len(rows),
        offset=query.offset,
        limit=query.limit,
        config_fingerprint=ranked.config.fingerprint,
    )


def library_stats(ranked: RankedCatalog) -> LibraryStats:
    """Counts, tier counts, the score histogram and attribute means for the dashboard."""
    c = ranked.catalog
    final = ranked.final
    scores = final[~np.isnan(final)]
    edges = np.arange(0.0, 100.0 + HISTOGRAM_BIN, HISTOGRAM_BIN)
    counts, _ = np.histogram(scores, bins=edges)
    tiers = Counter(t for t in ranked.tier.tolist() if t is not None)
    with np.errstate(invalid="ignore"):
        present = ~np.isnan(c.values)
        sums = np.where(present, c.values, 0.0).sum(axis=0)
        n_present = present.sum(axis=0)
    cameras = Counter(x for x in c.camera.tolist() if x is not None)
    return LibraryStats(
        total=len(c),
        scored=int(scores.size),
        unscored=len(c) - int(scores.size),
        mean_score=round(float(scores.mean()), 2) if scores.size else None,
        median_score=round(float(np.median(scores)), 2) if scores.size else None,
        tier_counts={t.name: tiers.get(t.name, 0) for t in ranked.config.tiers},
        histogram=[
            HistogramBin(low=float(lo), high=float(lo + HISTOGRAM_BIN), count=int(n))
            for lo, n in zip(edges[:-1], counts, strict=True)
        ],
        attribute_means={
            a: round(float(s / k), 4) if k else None
            for a, s, k in zip(ATTRIBUTES, sums, n_present, strict=True)
        },
        analyzers=dict(Counter(x for x in c.analyzer.tolist() if x is not None)),
        cameras=dict(cameras.most_common(10)),
        config_fingerprint=ranked.config.fingerprint,
    )


def photo_detail(cache: Cache, ranked: RankedCatalog, image_id: str) -> PhotoDetail:
    """One library photo in full (raises NotFoundError outside the library)."""
    row = ranked.catalog.row_of.get(image_id)
    if row is None:
        raise NotFoundError(f"photo {image_id}: not in the library")
    (summary,) = ranked.summaries([row])
    results = cache.get_results(image_id)
    best = results[0] if results else None
    breakdown: ScoreBreakdown | None = None
    explanation: Explanation | None = None
    photo: ScoredPhoto | None = None
    metadata = cache.get_metadata([image_id]).get(image_id) or PhotoMetadata()
    if best is not None and summary.final_score is not None:
        breakdown = score_one(best.attributes, ranked.config)
        explanation = explain(breakdown, best.attributes, ranked.config, notes=best.notes)
        photo = ScoredPhoto(
            rank=summary.rank or 0,
            image_id=image_id,
            path=summary.path,
            final_score=breakdown.final_score,
            tier=breakdown.tier,
            aesthetic_score=breakdown.aesthetic_score,
            technical_score=breakdown.technical_score,
            attributes={a: best.attributes.get(a) for a in ATTRIBUTES},
            missing_attributes=list(explanation.missing),
            explanation=explanation.text,
            lifted=explanation.lifted,
            sank=explanation.sank,
            penalties=explanation.penalties,
            analyzer=best.analyzer,
            confidence=best.confidence,
            metadata=metadata,
            burst=summary.burst,
        )
    frames = ranked.bursts.index.members(image_id) if ranked.bursts is not None else []
    paths = cache.paths_for(image_id)
    yours = next((r for r in map(hand_rating, paths) if r is not None), None)
    return PhotoDetail(
        summary=summary,
        photo=photo,
        paths=paths,
        your_rating=None if yours is None else yours[0],
        breakdown=breakdown,
        explanation=explanation,
        critique=best.critique if best else None,
        features=dict(best.features) if best else {},
        notes=dict(best.notes) if best else {},
        measurements=dict(best.measurements) if best else {},
        metadata=metadata,
        results=results,
        burst=ranked.summaries([ranked.catalog.row_of[i] for i in frames]),
    )


def folder_counts(ranked: RankedCatalog) -> dict[int, tuple[int, int]]:
    """Library folder id → (photos, scored photos)."""
    c = ranked.catalog
    n_folders = len(c.folder_ids)
    inside = c.folder_index >= 0
    totals = np.bincount(c.folder_index[inside], minlength=n_folders)
    scored = np.bincount(c.folder_index[inside & ~np.isnan(ranked.final)], minlength=n_folders)
    return {fid: (int(totals[k]), int(scored[k])) for k, fid in enumerate(c.folder_ids)}
