"""What the profile says about itself: its one-line summary and its honesty notes.

Every limit of the data (too few photos, unknown genres, mixed analyzers, no trend) is
stated in plain words, so a thin profile reads as thin rather than as confident.
"""

from __future__ import annotations

from photo_score.recommendations.profile import (
    ScoreDistribution,
    StyleDimension,
    SubjectDistribution,
    Trends,
)
from photo_score.recommendations.records import PhotoTable
from photo_score.recommendations.stats import level_counts
from photo_score.recommendations.thresholds import Confidence, Thresholds


def analyzer_counts(table: PhotoTable) -> dict[str, int]:
    """Photos per analyzer; results with no analyzer recorded count as "unrecorded"."""
    cat = table.analyzer
    counts = level_counts(cat.codes, len(cat.levels))
    out = {level: int(c) for level, c in zip(cat.levels, counts, strict=True) if c}
    missing = int((cat.codes < 0).sum())
    if missing:
        out["unrecorded"] = missing
    return out


def summary(dist: ScoreDistribution, overall: Confidence) -> str:
    if dist.n == 0:
        return "No scored photos yet: score some photos to see your photography personality."
    plural = "s" if dist.n != 1 else ""
    how = "too few for confident claims" if overall == "insufficient" else f"{overall} confidence"
    return (
        f"Based on {'only ' if overall == 'insufficient' else ''}{dist.n} scored "
        f"photo{plural} ({how}): mean score {dist.mean:.1f}, spread {dist.std:.1f}."
    )


def notes(
    table: PhotoTable,
    dist: ScoreDistribution,
    subjects: SubjectDistribution,
    dims: dict[str, StyleDimension],
    trends: Trends,
    analyzers: dict[str, int],
    t: Thresholds,
) -> list[str]:
    out: list[str] = []
    if 0 < dist.n < t.min_photos:
        out.append(
            f"Based on only {dist.n} scored photos: too few for any confident claim. "
            f"Recommendations and style labels start at {t.min_photos} photos; confidence is "
            f"medium from {t.medium_photos} and high from {t.high_photos}."
        )
    elif t.min_photos <= dist.n < t.medium_photos:
        out.append(
            f"Based on {dist.n} scored photos: every claim here is tentative (low confidence "
            f"below {t.medium_photos} photos)."
        )
    if dist.unscorable:
        out.append(f"{dist.unscorable} photo(s) have no score (no weighted attribute measured).")
    n = len(table)
    if n and subjects.unknown:
        local_only = analyzers.get("local", 0)
        why = (
            " The local analyzer only recognises portraits; a vision-model run classifies the rest."
            if local_only
            else ""
        )
        out.append(
            f"Genre unknown for {subjects.unknown / n:.0%} of photos ({subjects.unknown} of "
            f"{n}).{why}"
        )
    for d in dims.values():
        if d.value is None and n >= t.min_photos:
            out.append(f"{d.key.replace('_', ' ')}: {d.label}.")
    if len({k for k in analyzers if k != "unrecorded"}) > 1:
        out.append(
            "Results come from more than one analyzer ("
            + ", ".join(f"{k} {v}" for k, v in sorted(analyzers.items()))
            + "); their attribute scales differ slightly."
        )
    if trends.granularity is None and dist.n >= t.min_photos:
        out.append(trends.summary)
    return out
