"""Turn cached results into ranked, explained photos: the public result shape.

``ScoredPhoto`` and ``RunSummary`` are the JSON contract of ``score --format json``
(DESIGN §12); the CLI, the sidecar and scripts all read them, so add fields, never rename.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator, Sequence

import numpy as np
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
from photo_score.storage.cache import AnalyzerKey, Cache


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
        arrays: ScoreArrays,
        ranked: list[tuple[PhotoEntry, int]],
        errors: list[ErrorItem],
    ) -> None:
        self._cache, self._config, self._key, self._arrays = cache, config, key, arrays
        self._ranked = ranked
        self._rows = np.array([i for _, i in ranked], dtype=np.intp)
        self._finals = arrays.final[self._rows]
        self._tiers: list[str] = tiers_for(self._finals, config).tolist()
        self.errors = errors
        self.scored = len(ranked)
        self.mean_score = round(float(self._finals.mean()), 2) if ranked else None
        self.tiers = dict(Counter(self._tiers))

    def photos(self, limit: int | None = None, *, chunk: int = 500) -> Iterator[ScoredPhoto]:
        """The best ``limit`` photos (all when ``None``), best first."""
        stop = self.scored if limit is None else min(limit, self.scored)
        for begin in range(0, stop, chunk):
            yield from self._build(begin, min(begin + chunk, stop))

    def _build(self, begin: int, end: int) -> list[ScoredPhoto]:
        part = self._ranked[begin:end]
        ids = [entry.image_id for entry, _ in part]
        results = self._cache.get_best_results(ids, self._key)
        metadata = self._cache.get_metadata(ids)
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
            _scored_photo(rank, entry, results[entry.image_id], metadata, explanation, *scores)
            for rank, ((entry, _), explanation, scores) in enumerate(
                zip(part, explanations, numbers, strict=True), start=begin + 1
            )
        ]


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
    return Ranking(cache=cache, config=config, key=key, arrays=arrays, ranked=ranked, errors=errors)


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
