"""The "photography personality": what a whole collection says about its photographer.

Computed on demand (seed: no background pre-computation) from one :class:`PhotoTable`,
the columnar form of plain per-photo records, so the CLI, the desktop and the cloud run
this exact code on their own rows. Pure and deterministic: the same records give the
same :class:`PersonalityProfile`, byte for byte once serialised. Every claim states the
numbers behind it and the number of photos it rests on; below the documented minimums
(:class:`Thresholds`) nothing is claimed and the profile says so. docs/recommendations.md
spells out every dimension and rule.

This module only assembles the profile; each part has its own module: ``dimensions``,
``subjects``, ``scores`` and ``traits``, ``trends`` measure; ``recs_*`` turn the
measurements into recommendations; ``notes`` states the limits; ``profile`` and
``thresholds`` define the output and the rules.

Vectorised throughout: 100,000 photos take tens of milliseconds once the table exists
(bench/bench_personality.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from photo_score.recommendations.dimensions import style_dimensions
from photo_score.recommendations.notes import analyzer_counts, notes, summary
from photo_score.recommendations.profile import (
    CompositionStyle,
    ExposurePreference,
    PersonalityProfile,
    Recommendation,
)
from photo_score.recommendations.records import (
    PhotoRecord,
    PhotoTable,
    table_from_cache,
    table_from_records,
)
from photo_score.recommendations.recs_attributes import attribute_recs
from photo_score.recommendations.recs_genres import genre_recs
from photo_score.recommendations.recs_style import style_recs
from photo_score.recommendations.recs_traits import common_issues, trait_recs
from photo_score.recommendations.scores import score_distribution
from photo_score.recommendations.subjects import subject_distribution
from photo_score.recommendations.thresholds import Thresholds, confidence_for
from photo_score.recommendations.trends import trends
from photo_score.scoring import ScoringConfig, default_config
from photo_score.storage.cache import Cache


def compute_personality(
    table: PhotoTable,
    *,
    config: ScoringConfig | None = None,
    thresholds: Thresholds | None = None,
) -> PersonalityProfile:
    """The personality of a collection. Pure and deterministic; see the module docstring."""
    t = thresholds or Thresholds()
    cfg = config or default_config()
    dist = score_distribution(table, cfg, t)
    overall = confidence_for(dist.n, t)
    dims = style_dimensions(table, t)
    subjects, genre_sums = subject_distribution(table)
    trend = trends(table, t)

    recs: list[Recommendation] = []
    if overall != "insufficient":
        a_str, a_weak = attribute_recs(dist, overall, t)
        g_str, g_weak, g_growth = genre_recs(subjects, genre_sums, overall, t)
        t_str, t_weak, t_growth = trait_recs(dist, common_issues(table, t), overall, t)
        style, s_growth = style_recs(list(dims.values()), overall, t)
        # Grouped by type (strengths, weaknesses, style, growth); this order is part of the
        # output, so the cloud's cached profiles stay valid under the same VERSION.
        recs = [
            *g_str,
            *a_str,
            *t_str,
            *a_weak,
            *g_weak,
            *t_weak,
            *style,
            *g_growth,
            *s_growth,
            *t_growth,
        ]

    analyzers = analyzer_counts(table)
    return PersonalityProfile(
        photo_count=len(table),
        scored_count=dist.n,
        confidence=overall,
        summary=summary(dist, overall),
        notes=notes(table, dist, subjects, dims, trend, analyzers, t),
        analyzers=analyzers,
        composition_style=CompositionStyle(
            centered_vs_rule_of_thirds=dims["centered_vs_rule_of_thirds"],
            minimalist_vs_complex=dims["minimalist_vs_complex"],
            tight_vs_loose_framing=dims["tight_vs_loose_framing"],
        ),
        exposure_preference=ExposurePreference(
            dark_moody_vs_bright_airy=dims["dark_moody_vs_bright_airy"],
            high_contrast_vs_flat=dims["high_contrast_vs_flat"],
        ),
        subject_distribution=subjects,
        score_distribution=dist,
        recommendations=recs,
        trends=trend,
        thresholds=t,
    )


def personality_from_records(
    records: Iterable[PhotoRecord | Mapping[str, Any]],
    *,
    config: ScoringConfig | None = None,
    thresholds: Thresholds | None = None,
) -> PersonalityProfile:
    """Records (cache rows, database rows as dicts) → profile. The cloud's entry point."""
    table = table_from_records(records, config)
    return compute_personality(table, config=config, thresholds=thresholds)


def personality_from_cache(
    cache: Cache,
    *,
    config: ScoringConfig | None = None,
    thresholds: Thresholds | None = None,
) -> PersonalityProfile:
    """The local collection's profile (every image with a cached result)."""
    return compute_personality(
        table_from_cache(cache, config), config=config, thresholds=thresholds
    )
