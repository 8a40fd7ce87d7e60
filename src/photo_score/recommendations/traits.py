"""Traits over-represented among the best (or worst) photos: features, issues, attributes.

A trait counts only when it is both much more common in the group (lift) and unlikely by
chance (a binomial z with the finite-population correction), so small collections do not
produce spurious "your best photos share …" claims.
"""

from __future__ import annotations

import math

import numpy as np

from photo_score.models import ATTRIBUTES
from photo_score.recommendations.profile import Trait
from photo_score.recommendations.records import CATEGORICAL_FEATURES, Categorical, PhotoTable
from photo_score.recommendations.stats import Array, Mask, level_counts, rnd
from photo_score.recommendations.thresholds import Thresholds
from photo_score.scoring import DISPLAY_NAMES

AttributeCuts = list[tuple[float, float]]
"""Per attribute, the (25th, 75th) percentile over the scored photos; NaN when too few."""

_FEATURE_LABELS = {
    "scene_type": "scene",
    "subject_position": "subject position",
    "background": "background",
    "lighting": "lighting",
    "color_palette": "palette",
    "depth_of_field": "depth of field",
    "motion": "motion",
    "human_presence": "people",
    "time_of_day": "time of day",
    "weather_visible": "weather",
    "estimated_location_type": "location",
    "exposure_key": "exposure key",
    "blur_type": "blur type",
}
_MEANINGFUL_NONE = {"human_presence"}  # "none" means "no people"; elsewhere it means nothing


def attribute_cuts(table: PhotoTable, scored: Mask, t: Thresholds) -> AttributeCuts:
    """Where "high" and "low" start for each attribute, over the scored photos."""
    cuts: AttributeCuts = []
    for j in range(len(ATTRIBUTES)):
        col = table.values[scored, j]
        col = col[~np.isnan(col)]
        if len(col) >= t.min_photos:
            lo, hi = (float(q) for q in np.quantile(col, [0.25, 0.75]))
            cuts.append((round(lo, 2), round(hi, 2)))
        else:
            cuts.append((math.nan, math.nan))
    return cuts


def _trait_candidates(
    table: PhotoTable, attr_cuts: AttributeCuts
) -> tuple[list[tuple[str, str, str]], list[Mask | tuple[Categorical, int]]]:
    """Trait keys/labels/kinds and how to find their members (a mask or a level code)."""
    meta: list[tuple[str, str, str]] = []
    members: list[Mask | tuple[Categorical, int]] = []
    for key in CATEGORICAL_FEATURES:
        cat = table.features[key]
        for j, level in enumerate(cat.levels):
            low = level.lower()
            if low in ("unknown", "n/a") or (low == "none" and key not in _MEANINGFUL_NONE):
                continue
            meta.append(
                (f"{key}={level}", f"{_FEATURE_LABELS[key]}: {level.replace('_', ' ')}", "feature")
            )
            members.append((cat, j))
    for j, level in enumerate(table.issue_levels):
        meta.append((f"technical_issues={level}", f"issue: {level.replace('_', ' ')}", "issue"))
        members.append(table.issues[:, j])
    with np.errstate(invalid="ignore"):
        for j, name in enumerate(ATTRIBUTES):
            low_cut, high_cut = attr_cuts[j]
            if math.isnan(low_cut) or low_cut >= high_cut:
                continue
            col = table.values[:, j]
            display = DISPLAY_NAMES[name]
            meta.append(
                (f"{name}>={high_cut:.2f}", f"high {display} (≥ {high_cut:.2f})", "attribute")
            )
            members.append(col >= high_cut)
            meta.append((f"{name}<={low_cut:.2f}", f"low {display} (≤ {low_cut:.2f})", "attribute"))
            members.append(col <= low_cut)
    return meta, members


def group_traits(
    table: PhotoTable,
    scored: Mask,
    group: Mask,
    t: Thresholds,
    attr_cuts: AttributeCuts,
) -> list[Trait]:
    """Traits over-represented in ``group`` (a subset of the scored photos)."""
    n = int(scored.sum())
    m = int(group.sum())
    if n < t.min_photos or m < t.min_trait_in_group or m >= n:
        return []
    meta, members = _trait_candidates(table, attr_cuts)
    overall = np.zeros(len(meta), dtype=np.float64)
    inside = np.zeros(len(meta), dtype=np.float64)
    cat_cache: dict[int, tuple[Array, Array]] = {}
    for i, member in enumerate(members):
        if isinstance(member, tuple):
            cat, j = member
            counts = cat_cache.get(id(cat))
            if counts is None:
                k = len(cat.levels)
                counts = (
                    level_counts(cat.codes[scored], k).astype(float),
                    level_counts(cat.codes[group], k).astype(float),
                )
                cat_cache[id(cat)] = counts
            overall[i], inside[i] = counts[0][j], counts[1][j]
        else:
            overall[i] = np.count_nonzero(member & scored)
            inside[i] = np.count_nonzero(member & group)
    p = overall / n
    with np.errstate(divide="ignore", invalid="ignore"):
        lift = (inside / m) / p
        fpc = (n - m) / (n - 1)
        z = (inside - m * p) / np.sqrt(m * p * (1 - p) * fpc)
    keep = (inside >= t.min_trait_in_group) & (lift >= t.min_lift) & (z >= t.min_z) & (p < 1)
    order = sorted(
        np.flatnonzero(keep), key=lambda i: (-round(float(lift[i]), 6), -inside[i], meta[i][0])
    )
    return [
        Trait(
            key=meta[i][0],
            label=meta[i][1],
            kind=meta[i][2],
            in_group=int(inside[i]),
            group_size=m,
            overall=int(overall[i]),
            share_in_group=rnd(inside[i] / m),
            share_overall=rnd(p[i]),
            lift=rnd(lift[i], 2),
            z=rnd(z[i], 2),
        )
        for i in order[:8]
    ]
