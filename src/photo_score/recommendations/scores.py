"""The score distribution: histogram, tiers, per-attribute summaries, top/bottom 10%.

The attribute summaries use the median and MAD, not the mean and standard deviation,
so a handful of failed shots does not make a whole attribute look weak.
"""

from __future__ import annotations

import math

import numpy as np

from photo_score.models import ATTRIBUTES
from photo_score.recommendations.profile import AttributeSummary, ScoreDistribution
from photo_score.recommendations.records import PhotoTable
from photo_score.recommendations.stats import Array, rnd_opt
from photo_score.recommendations.thresholds import Thresholds
from photo_score.recommendations.traits import attribute_cuts, group_traits
from photo_score.scoring import DISPLAY_NAMES, ScoringConfig, tier_bands


def _attribute_summaries(values: Array) -> list[AttributeSummary]:
    out = []
    for j, name in enumerate(ATTRIBUTES):
        col = values[:, j]
        col = col[~np.isnan(col)]
        mean = p25 = median = p75 = spread = math.nan  # reported as None: nothing measured
        if len(col):
            p25, median, p75 = (float(q) for q in np.quantile(col, [0.25, 0.5, 0.75]))
            mean = float(col.mean())
            spread = 1.4826 * float(np.median(np.abs(col - median)))
        out.append(
            AttributeSummary(
                attribute=name,
                display_name=DISPLAY_NAMES[name],
                n=len(col),
                mean=rnd_opt(mean),
                median=rnd_opt(median),
                p25=rnd_opt(p25),
                p75=rnd_opt(p75),
                spread=rnd_opt(spread),
            )
        )
    return out


def score_distribution(
    table: PhotoTable, config: ScoringConfig, t: Thresholds
) -> ScoreDistribution:
    final = table.final
    scored = ~np.isnan(final)
    fs = final[scored]
    n = len(fs)
    hist = np.histogram(fs, bins=10, range=(0.0, 100.0))[0] if n else np.zeros(10, dtype=np.int64)
    tiers: dict[str, int] = {}
    for name, low, high in tier_bands(config):
        upper = fs <= high if high >= 100 else fs < high
        tiers[name] = int(np.count_nonzero((fs >= low) & upper))
    top = np.zeros(len(final), dtype=np.bool_)
    bottom = np.zeros(len(final), dtype=np.bool_)
    top_cut = bottom_cut = math.nan
    if n:
        top_cut, bottom_cut = (float(q) for q in np.quantile(fs, [0.9, 0.1]))
        with np.errstate(invalid="ignore"):
            top = scored & (final >= top_cut)
            bottom = scored & (final <= bottom_cut)
    cuts = attribute_cuts(table, scored, t)
    top_traits = group_traits(table, scored, top, t, cuts)
    bottom_traits = group_traits(table, scored, bottom, t, cuts)
    return ScoreDistribution(
        n=n,
        unscorable=len(final) - n,
        mean=rnd_opt(float(fs.mean()) if n else None, 2),
        std=rnd_opt(float(fs.std()) if n else None, 2),
        median=rnd_opt(float(np.median(fs)) if n else None, 2),
        p10=rnd_opt(bottom_cut, 2),
        p90=rnd_opt(top_cut, 2),
        histogram=[int(x) for x in hist],
        tiers=tiers,
        attributes=_attribute_summaries(table.values),
        top_threshold=rnd_opt(top_cut, 2),
        bottom_threshold=rnd_opt(bottom_cut, 2),
        top_10_percent_traits=[tr.label for tr in top_traits[:5]],
        bottom_10_percent_traits=[tr.label for tr in bottom_traits[:5]],
        top_traits=top_traits,
        bottom_traits=bottom_traits,
    )
