"""Turn cached results into ranked, explained photos: the public result shape.

``ScoredPhoto`` and ``RunSummary`` are the JSON contract of ``score --format json``
(DESIGN §12); the CLI, the sidecar and scripts all read them, so add fields, never rename.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel, Field

from photo_score.models import ATTRIBUTES, AnalysisResult, PhotoMetadata
from photo_score.pipeline import PhotoEntry, PhotoFailure
from photo_score.scoring import (
    Explanation,
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


@dataclass(frozen=True)
class Ranking:
    """Every scorable photo ranked; ``photos`` holds the first ``limit`` in full."""

    photos: list[ScoredPhoto]
    errors: list[ErrorItem]
    scored: int
    mean_score: float | None
    tiers: dict[str, int]


def rank_entries(
    entries: Sequence[PhotoEntry],
    *,
    cache: Cache,
    config: ScoringConfig,
    key: AnalyzerKey | None = None,
    limit: int | None = None,
) -> Ranking:
    """Score every entry from the cache and sort best first (ties: path).

    ``key`` pins the analyzer whose results are used; ``None`` takes each image's best
    result (vision over local, newest first). An image with no usable attribute is
    reported as an error, never ranked with a made-up score. Only the first ``limit``
    photos are explained and built in full (a table shows 25 of 100,000); the counts,
    mean and tiers always cover all of them.
    """
    rows = cache.load_attributes([e.image_id for e in entries], key)
    index = {image_id: i for i, image_id in enumerate(rows.image_ids)}
    arrays = score_matrix(rows.values, config)

    scorable: list[tuple[PhotoEntry, int]] = []
    errors: list[ErrorItem] = []
    for entry in entries:
        i = index.get(entry.image_id)
        if i is None:
            errors.append(ErrorItem(path=entry.path, error="no analysis result in the cache"))
        elif np.isnan(arrays.final[i]):
            errors.append(ErrorItem(path=entry.path, error="the analyzer measured no attribute"))
        else:
            scorable.append((entry, i))
    scorable.sort(key=lambda item: (-float(arrays.final[item[1]]), item[0].path))
    all_rows = np.array([i for _, i in scorable], dtype=np.intp)
    all_finals = arrays.final[all_rows]
    all_tiers = tiers_for(all_finals, config).tolist()

    shown = scorable if limit is None else scorable[:limit]
    ids = [entry.image_id for entry, _ in shown]
    results = cache.get_best_results(ids, key)
    metadata = cache.get_metadata(ids)
    ranked_rows = [i for _, i in shown]
    # One batched pass explains the whole run (each photo as `explain` would explain it).
    explanations = explain_many(
        arrays, config, notes=[results[image_id].notes for image_id in ids], rows=ranked_rows
    )
    at = all_rows[: len(shown)]
    numbers = zip(
        all_finals[: len(shown)].tolist(),
        all_tiers[: len(shown)],
        _display(arrays.aesthetic[at].tolist()),
        _display(arrays.technical[at].tolist()),
        strict=True,
    )
    photos = [
        _scored_photo(rank, entry, results[entry.image_id], metadata, explanation, *scores)
        for rank, ((entry, _), explanation, scores) in enumerate(
            zip(shown, explanations, numbers, strict=True), start=1
        )
    ]
    return Ranking(
        photos=photos,
        errors=errors,
        scored=len(scorable),
        mean_score=round(float(all_finals.mean()), 2) if len(scorable) else None,
        tiers=dict(Counter(all_tiers)),
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
