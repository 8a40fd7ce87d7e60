"""The "photography personality": what a whole collection says about its photographer.

Computed on demand (seed: no background pre-computation) from one :class:`PhotoTable`,
the columnar form of plain per-photo records, so the CLI, the desktop and the cloud run
this exact code on their own rows. Pure and deterministic: the same records give the
same :class:`PersonalityProfile`, byte for byte once serialised. Every claim states the
numbers behind it and the number of photos it rests on; below the documented minimums
(:class:`Thresholds`) nothing is claimed and the profile says so. docs/recommendations.md
spells out every dimension and rule.

Vectorised throughout: 100,000 photos take tens of milliseconds once the table exists
(bench/bench_personality.py).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field

from photo_score.models import ATTRIBUTES
from photo_score.recommendations.records import (
    CATEGORICAL_FEATURES,
    Categorical,
    PhotoRecord,
    PhotoTable,
    table_from_cache,
    table_from_records,
)
from photo_score.scoring import DISPLAY_NAMES, ScoringConfig, default_config, tier_bands
from photo_score.storage.cache import Cache

Array = npt.NDArray[np.float64]
Mask = npt.NDArray[np.bool_]
Confidence = Literal["insufficient", "low", "medium", "high"]
RecommendationType = Literal["strength", "weakness", "style", "growth"]
Evidence = dict[str, float | int | str]

VERSION = "personality-1"
"""Bumped whenever the output for the same records changes (the cloud's cache key)."""

_CONFIDENCE_ORDER: tuple[Confidence, ...] = ("insufficient", "low", "medium", "high")


class Thresholds(BaseModel):
    """How much data each kind of claim needs (docs/recommendations.md, "Enough data")."""

    model_config = ConfigDict(frozen=True)

    min_photos: int = 20  # below: no recommendation, no style label, confidence "insufficient"
    medium_photos: int = 50  # collection confidence "medium" from here
    high_photos: int = 200  # and "high" from here
    min_dimension: int = 20  # photos with a reading before a style dimension gets a value
    min_group: int = 10  # photos per side before two groups' mean scores are compared
    min_gap_points: float = 3.0  # a score difference worth stating (0–100 scale)
    min_z: float = 2.0  # and it must be ≥ 2 standard errors (Welch) / binomial sd
    min_attr_gap: float = 0.05  # attribute median vs the mean of the other medians
    style_lean: float = 0.25  # |value| from which a dimension "leans"
    strong_lean: float = 0.6  # and from which it is "strongly"
    min_trait_in_group: int = 5  # photos of the top/bottom 10% that must share a trait
    min_lift: float = 1.5  # share in the group ÷ share overall
    min_classified: int = 30  # photos with a known genre before naming a missing one
    rare_genre_share: float = 0.05  # a genre below this share of classified photos is "rare"
    common_issue_share: float = 0.10  # a technical issue on ≥ this share is a weakness
    rare_trait_share: float = 0.15  # a top trait this rare overall is a growth opportunity
    min_bucket: int = 20  # photos per period before it appears in the trend
    min_buckets: int = 3  # periods before there is a trend at all
    max_buckets: int = 36  # more periods than this → the next coarser granularity


def confidence_for(n: int, t: Thresholds | None = None) -> Confidence:
    """Confidence of a collection-level statement resting on ``n`` photos."""
    t = t or Thresholds()
    if n < t.min_photos:
        return "insufficient"
    if n < t.medium_photos:
        return "low"
    return "medium" if n < t.high_photos else "high"


def _claim_confidence(smallest_group: int, overall: Confidence, t: Thresholds) -> Confidence:
    """A comparison is as strong as its smaller side and never above the whole profile."""
    if smallest_group >= 5 * t.min_group:
        own: Confidence = "high"
    elif smallest_group >= 2 * t.min_group:
        own = "medium"
    elif smallest_group >= t.min_group:
        own = "low"
    else:
        own = "insufficient"
    return min(own, overall, key=_CONFIDENCE_ORDER.index)


# ----------------------------------------------------------------------------- output


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class StyleDimension(_Out):
    """One −1…1 axis: −1 = fully the first pole, +1 = fully the second."""

    key: str
    poles: tuple[str, str]
    value: float | None  # mean per-photo reading; None below Thresholds.min_dimension
    label: str
    n: int  # photos with a reading
    confidence: Confidence
    share_first: float | None  # share of readings ≤ −1/3
    share_second: float | None  # share of readings ≥ +1/3
    n_first: int  # scored photos at each pole (used for the score comparison)
    n_second: int
    mean_score_first: float | None
    mean_score_second: float | None
    sources: dict[str, int]  # {"measured": …, "features": …} readings by origin
    method: str


class CompositionStyle(_Out):
    centered_vs_rule_of_thirds: StyleDimension
    minimalist_vs_complex: StyleDimension
    tight_vs_loose_framing: StyleDimension


class ExposurePreference(_Out):
    dark_moody_vs_bright_airy: StyleDimension
    high_contrast_vs_flat: StyleDimension


class GenreShare(_Out):
    genre: str
    count: int
    share: float  # of all photos, "unknown" included
    mean_score: float | None  # over its scored photos
    std_score: float | None


class SubjectDistribution(_Out):
    genres: list[GenreShare]  # by count, largest first
    shares: dict[str, float]  # the seed's shape: {"portraits": 0.41, …, "unknown": 0.2}
    classified: int  # photos with a known genre
    unknown: int


class AttributeSummary(_Out):
    attribute: str
    display_name: str
    n: int
    mean: float | None
    median: float | None
    p25: float | None
    p75: float | None
    spread: float | None  # 1.4826 × MAD: a robust standard deviation


class Trait(_Out):
    """A feature or attribute level, and how over-represented it is in a group."""

    key: str  # "lighting=golden_hour", "technical_issues=blur", "sharpness>=0.71"
    label: str
    kind: Literal["feature", "issue", "attribute"]
    in_group: int
    group_size: int
    overall: int  # scored photos with the trait
    share_in_group: float
    share_overall: float
    lift: float
    z: float


class ScoreDistribution(_Out):
    n: int  # scored photos
    unscorable: int
    mean: float | None
    std: float | None
    median: float | None
    p10: float | None
    p90: float | None
    histogram: list[int]  # ten bins: [0,10), [10,20) … [90,100]
    tiers: dict[str, int]
    attributes: list[AttributeSummary]
    top_threshold: float | None  # the top 10% are the photos scoring ≥ this
    bottom_threshold: float | None  # the bottom 10% score ≤ this
    top_10_percent_traits: list[str]  # labels (the seed's shape)
    bottom_10_percent_traits: list[str]
    top_traits: list[Trait]
    bottom_traits: list[Trait]


class Recommendation(_Out):
    type: RecommendationType
    key: str  # stable id, e.g. "weakness.attribute.exposure_balance"
    title: str
    message: str
    evidence: Evidence
    based_on: int  # photos the claim rests on
    confidence: Confidence


class TrendPoint(_Out):
    period: str  # "2023-02", "2023-Q1" or "2023"
    n: int
    mean_score: float


class Trends(_Out):
    granularity: Literal["month", "quarter", "year"] | None
    points: list[TrendPoint]
    dated: int  # scored photos with a capture date
    undated: int
    left_out: int  # dated photos in periods below Thresholds.min_bucket
    change: float | None  # last point's mean − first point's mean
    summary: str


class PersonalityProfile(_Out):
    version: str = VERSION
    photo_count: int
    scored_count: int
    confidence: Confidence
    summary: str
    notes: list[str]  # what the data cannot support, stated plainly
    analyzers: dict[str, int]
    composition_style: CompositionStyle
    exposure_preference: ExposurePreference
    subject_distribution: SubjectDistribution
    score_distribution: ScoreDistribution
    recommendations: list[Recommendation]
    trends: Trends
    thresholds: Thresholds = Field(default_factory=Thresholds)

    def by_type(self, kind: RecommendationType) -> list[Recommendation]:
        return [r for r in self.recommendations if r.type == kind]


# ----------------------------------------------------------------------------- helpers


def _r(x: float, digits: int = 3) -> float:
    return round(float(x), digits)


def _opt(x: float | None, digits: int = 3) -> float | None:
    return None if x is None or math.isnan(x) else round(float(x), digits)


def _lookup(cat: Categorical, mapping: Mapping[str, float], default: float = math.nan) -> Array:
    """Per-photo value of a categorical feature; absent and "unknown" → NaN."""
    lut = [
        math.nan if level.lower() == "unknown" else mapping.get(level.lower(), default)
        for level in cat.levels
    ]
    table = np.array([*lut, math.nan], dtype=np.float64)  # code -1 picks the trailing NaN
    result: Array = table[cat.codes]
    return result


def _nanmean_rows(*columns: Array) -> Array:
    stacked = np.vstack(columns)
    present = ~np.isnan(stacked)
    count = present.sum(axis=0)
    total = np.where(present, stacked, 0.0).sum(axis=0)
    return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def _pct(x: float) -> str:
    return f"{x:.0%}"


def _welch(a_sum: float, a_sq: float, a_n: int, b_sum: float, b_sq: float, b_n: int) -> float:
    """z of the difference of two means from sums and sums of squares (0 if degenerate)."""
    if a_n < 2 or b_n < 2:
        return 0.0
    ma, mb = a_sum / a_n, b_sum / b_n
    va = max(a_sq / a_n - ma * ma, 0.0) * a_n / (a_n - 1)
    vb = max(b_sq / b_n - mb * mb, 0.0) * b_n / (b_n - 1)
    se = math.sqrt(va / a_n + vb / b_n)
    return (ma - mb) / se if se > 0 else (math.inf if ma != mb else 0.0)


# ----------------------------------------------------------------------------- style

_DIM_METHODS = {
    "centered_vs_rule_of_thirds": (
        "per photo: measured (d_centre − d_thirds)/(d_centre + d_thirds) of the subject "
        "(local analyzer), else subject_position center −1, off_center 0, rule_of_thirds +1; "
        "photos without a single subject are left out"
    ),
    "minimalist_vs_complex": (
        "per photo: mean of background clean −1, blurred −0.5, contextual +0.25, busy +1 "
        "and clip(log2(clutter), −1, 1) where clutter = background ÷ subject edge density"
    ),
    "tight_vs_loose_framing": (
        "per photo: clip(ln(0.116 / subject_area) / ln(3.87), −1, 1): the subject filling "
        "≥ 45% of the frame is −1, ≤ 3% is +1 (needs the local analyzer's measurement)"
    ),
    "dark_moody_vs_bright_airy": (
        "per photo: clip((median luma − 118) / 72, −1, 1) when measured, else from features: "
        "exposure_key low-key −1 / high-key +1, lighting low_light −0.75, "
        "technical_issues underexposed −0.75 / overexposed +0.75, otherwise 0"
    ),
    "high_contrast_vs_flat": (
        "per photo: clip((50 − RMS contrast) / 25, −1, 1) when measured, else lighting "
        "natural_harsh −0.5, natural_soft +0.5, other known lighting 0"
    ),
}

_POLES: dict[str, tuple[str, str]] = {
    "centered_vs_rule_of_thirds": ("centered", "rule of thirds"),
    "minimalist_vs_complex": ("minimalist", "complex"),
    "tight_vs_loose_framing": ("tight framing", "loose framing"),
    "dark_moody_vs_bright_airy": ("dark and moody", "bright and airy"),
    "high_contrast_vs_flat": ("high contrast", "flat"),
}

_EXPLORE: dict[tuple[str, int], str] = {
    ("centered_vs_rule_of_thirds", 0): (
        "placing the subject on a third, with space in the direction it faces or moves"
    ),
    ("centered_vs_rule_of_thirds", 1): "deliberate central, symmetrical compositions",
    ("minimalist_vs_complex", 0): "layered scenes with a foreground, a middle and a background",
    ("minimalist_vs_complex", 1): "simple frames: one subject and plenty of negative space",
    ("tight_vs_loose_framing", 0): "stepping back to show the subject in its environment",
    ("tight_vs_loose_framing", 1): "getting closer: fill the frame with the subject or a detail",
    ("dark_moody_vs_bright_airy", 0): (
        "bright, airy light: open shade, overcast days, +0.7 EV and white backgrounds"
    ),
    ("dark_moody_vs_bright_airy", 1): "low-key light: one side light and deep, quiet shadows",
    ("high_contrast_vs_flat", 0): "soft, low-contrast light: overcast, open shade, window light",
    ("high_contrast_vs_flat", 1): "hard, directional light and graphic shadows",
}


def _signals(table: PhotoTable) -> dict[str, tuple[Array, Mask]]:
    """Per-photo readings of every style dimension (NaN = no reading) and "was measured"."""
    m = table.measurements
    n = len(table)
    out: dict[str, tuple[Array, Mask]] = {}
    with np.errstate(divide="ignore", invalid="ignore"):
        position = table.feature("subject_position")
        pos_feat = _lookup(position, {"center": -1.0, "rule_of_thirds": 1.0, "off_center": 0.0})
        pos_unusable = (position.codes >= 0) & np.isnan(pos_feat)  # unknown, multiple
        cd, td = m["centre_distance"], m["thirds_distance"]
        total = cd + td
        pos_meas = np.where(total > 0, (cd - td) / total, np.nan)
        pos_meas = np.clip(pos_meas, -1.0, 1.0)
        measured = ~np.isnan(pos_meas) & ~pos_unusable
        out["centered_vs_rule_of_thirds"] = (np.where(measured, pos_meas, pos_feat), measured)

        background = _lookup(
            table.feature("background"),
            {"clean": -1.0, "blurred": -0.5, "contextual": 0.25, "busy": 1.0},
        )
        clutter = m["clutter"]
        clutter_s = np.where(clutter > 0, np.clip(np.log2(clutter), -1.0, 1.0), np.nan)
        out["minimalist_vs_complex"] = (
            _nanmean_rows(background, clutter_s),
            ~np.isnan(clutter_s),
        )

        area = m["subject_area"]
        framing = np.where(
            (area > 0) & ~pos_unusable,
            np.clip(np.log(0.116 / area) / np.log(3.87), -1.0, 1.0),
            np.nan,
        )
        out["tight_vs_loose_framing"] = (framing, ~np.isnan(framing))

        issues = {name: table.issues[:, j] for j, name in enumerate(table.issue_levels)}
        none = np.zeros(n, dtype=np.bool_)
        under = issues.get("underexposed", none)
        over = issues.get("overexposed", none)
        lighting = table.feature("lighting")
        light_dark = _lookup(lighting, {"low_light": -0.75}, default=0.0)
        key = _lookup(table.feature("exposure_key"), {"low-key": -1.0, "high-key": 1.0}, 0.0)
        cue = light_dark + np.where(np.isnan(key), 0.0, key) - 0.75 * under + 0.75 * over
        dark_feat = np.where(np.isnan(light_dark), np.nan, np.clip(cue, -1.0, 1.0))
        p50 = m["luma_p50"]
        dark_meas = np.clip((p50 - 118.0) / 72.0, -1.0, 1.0)
        has = ~np.isnan(dark_meas)
        out["dark_moody_vs_bright_airy"] = (np.where(has, dark_meas, dark_feat), has)

        contrast_feat = _lookup(lighting, {"natural_harsh": -0.5, "natural_soft": 0.5}, default=0.0)
        contrast_meas = np.clip((50.0 - m["contrast_rms"]) / 25.0, -1.0, 1.0)
        has = ~np.isnan(contrast_meas)
        out["high_contrast_vs_flat"] = (np.where(has, contrast_meas, contrast_feat), has)
    return out


def _dimension(key: str, s: Array, measured: Mask, final: Array, t: Thresholds) -> StyleDimension:
    poles = _POLES[key]
    valid = ~np.isnan(s)
    n = int(valid.sum())
    sv, fs, meas = s[valid], final[valid], measured[valid]
    first, second = sv <= -1 / 3, sv >= 1 / 3
    scored = ~np.isnan(fs)
    n1, n2 = int((first & scored).sum()), int((second & scored).sum())
    m1 = float(fs[first & scored].mean()) if n1 else None
    m2 = float(fs[second & scored].mean()) if n2 else None
    value = float(sv.mean()) if n >= t.min_dimension and n else None
    if value is None:
        plural = "s" if n != 1 else ""
        label = f"not enough data ({n} photo{plural} with a reading; need {t.min_dimension})"
    elif value <= -t.strong_lean:
        label = f"strongly {poles[0]}"
    elif value <= -t.style_lean:
        label = f"leans {poles[0]}"
    elif value >= t.strong_lean:
        label = f"strongly {poles[1]}"
    elif value >= t.style_lean:
        label = f"leans {poles[1]}"
    else:
        label = f"balanced between {poles[0]} and {poles[1]}"
    return StyleDimension(
        key=key,
        poles=poles,
        value=_opt(value),
        label=label,
        n=n,
        confidence=confidence_for(n, t),
        share_first=_r(first.mean()) if n else None,
        share_second=_r(second.mean()) if n else None,
        n_first=n1,
        n_second=n2,
        mean_score_first=_opt(m1, 1),
        mean_score_second=_opt(m2, 1),
        sources={"measured": int(meas.sum()), "features": int((~meas).sum())},
        method=_DIM_METHODS[key],
    )


# ----------------------------------------------------------------------------- subjects

GENRES: tuple[str, ...] = (
    "portraits",
    "landscapes",
    "street",
    "architecture",
    "nature",
    "macro",
    "food",
    "events",
    "other",
    "unknown",
)
_SCENE_TO_GENRE = {
    "portrait": "portraits",
    "landscape": "landscapes",
    "street": "street",
    "architecture": "architecture",
    "nature": "nature",
    "macro": "macro",
    "food": "food",
    "event": "events",
    "other": "other",
}
_GROWTH_GENRES: tuple[str, ...] = (
    "landscapes",
    "portraits",
    "street",
    "architecture",
    "nature",
    "food",
    "events",
)
"""Genres the vision analyzer recognises, in the order a suggestion prefers on a tie.
"macro" is counted when an analyzer reports it but neither current one does, so it is
never suggested as missing."""
_GENRE_PHRASES = {
    "street": "street photos",
    "architecture": "architecture photos",
    "nature": "nature photos",
    "macro": "macro shots",
    "food": "food photos",
    "other": "other photos",
}


def genre_phrase(genre: str) -> str:
    """A genre as a plural noun phrase: "portraits", "street photos"."""
    return _GENRE_PHRASES.get(genre, genre)


_GENRE_SKILLS = {
    "landscapes": "composition: horizons, leading lines and layering a scene in depth",
    "portraits": "working with people, light on faces and focus on the eyes",
    "street": "timing, anticipation and reading a scene quickly",
    "architecture": "lines, symmetry and keeping verticals straight",
    "nature": "patience, natural light and close observation",
    "food": "styling, controlled light and colour",
    "events": "storytelling and keeping up with changing light",
}


def _genre_codes(table: PhotoTable) -> npt.NDArray[np.int64]:
    scene = table.feature("scene_type")
    unknown = GENRES.index("unknown")
    lut = []
    for level in scene.levels:
        name = level.lower()
        if name in ("unknown", "none", "n/a"):
            lut.append(unknown)
        else:
            lut.append(GENRES.index(_SCENE_TO_GENRE.get(name, "other")))
    table_lut = np.array([*lut, unknown], dtype=np.int64)
    result: npt.NDArray[np.int64] = table_lut[scene.codes]
    return result


def _subjects(
    genre: npt.NDArray[np.int64], final: Array
) -> tuple[SubjectDistribution, Array, Array, Array]:
    n = len(genre)
    k = len(GENRES)
    counts = np.bincount(genre, minlength=k)
    scored = ~np.isnan(final)
    g, f = genre[scored], final[scored]
    s_n = np.bincount(g, minlength=k).astype(np.float64)
    s_sum = np.bincount(g, weights=f, minlength=k).astype(np.float64)
    s_sq = np.bincount(g, weights=f * f, minlength=k).astype(np.float64)
    genres = []
    for j in sorted(range(k), key=lambda j: (-counts[j], j)):
        if counts[j] == 0:
            continue
        mean = s_sum[j] / s_n[j] if s_n[j] else math.nan
        var = max(s_sq[j] / s_n[j] - mean * mean, 0.0) if s_n[j] else math.nan
        genres.append(
            GenreShare(
                genre=GENRES[j],
                count=int(counts[j]),
                share=_r(counts[j] / n),
                mean_score=_opt(mean, 1),
                std_score=_opt(math.sqrt(var) if not math.isnan(var) else math.nan, 1),
            )
        )
    unknown = int(counts[GENRES.index("unknown")])
    dist = SubjectDistribution(
        genres=genres,
        shares={GENRES[j]: _r(counts[j] / n) for j in range(k) if counts[j]},
        classified=n - unknown,
        unknown=unknown,
    )
    return dist, s_n, s_sum, s_sq


# ----------------------------------------------------------------------------- scores


def _attribute_summaries(values: Array, t: Thresholds) -> list[AttributeSummary]:
    out = []
    for j, name in enumerate(ATTRIBUTES):
        col = values[:, j]
        col = col[~np.isnan(col)]
        if len(col):
            p25, median, p75 = (float(q) for q in np.quantile(col, [0.25, 0.5, 0.75]))
            spread = 1.4826 * float(np.median(np.abs(col - median)))
            out.append(
                AttributeSummary(
                    attribute=name,
                    display_name=DISPLAY_NAMES[name],
                    n=len(col),
                    mean=_r(col.mean()),
                    median=_r(median),
                    p25=_r(p25),
                    p75=_r(p75),
                    spread=_r(spread),
                )
            )
        else:
            out.append(
                AttributeSummary(
                    attribute=name,
                    display_name=DISPLAY_NAMES[name],
                    n=0,
                    mean=None,
                    median=None,
                    p25=None,
                    p75=None,
                    spread=None,
                )
            )
    return out


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


def _trait_candidates(
    table: PhotoTable, attr_cuts: list[tuple[float, float]]
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


def _traits(
    table: PhotoTable,
    scored: Mask,
    group: Mask,
    t: Thresholds,
    attr_cuts: list[tuple[float, float]],
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
                codes_all = cat.codes[scored]
                codes_grp = cat.codes[group]
                counts = (
                    np.bincount(codes_all[codes_all >= 0], minlength=len(cat.levels)).astype(float),
                    np.bincount(codes_grp[codes_grp >= 0], minlength=len(cat.levels)).astype(float),
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
            share_in_group=_r(inside[i] / m),
            share_overall=_r(p[i]),
            lift=_r(lift[i], 2),
            z=_r(z[i], 2),
        )
        for i in order[:8]
    ]


def _score_distribution(
    table: PhotoTable, config: ScoringConfig, t: Thresholds
) -> tuple[ScoreDistribution, Mask, Mask]:
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
    cuts: list[tuple[float, float]] = []
    for j in range(len(ATTRIBUTES)):
        col = table.values[scored, j]
        col = col[~np.isnan(col)]
        if len(col) >= t.min_photos:
            lo, hi = (float(q) for q in np.quantile(col, [0.25, 0.75]))
            cuts.append((round(lo, 2), round(hi, 2)))
        else:
            cuts.append((math.nan, math.nan))
    top_traits = _traits(table, scored, top, t, cuts)
    bottom_traits = _traits(table, scored, bottom, t, cuts)
    dist = ScoreDistribution(
        n=n,
        unscorable=len(final) - n,
        mean=_opt(float(fs.mean()) if n else None, 2),
        std=_opt(float(fs.std()) if n else None, 2),
        median=_opt(float(np.median(fs)) if n else None, 2),
        p10=_opt(bottom_cut, 2),
        p90=_opt(top_cut, 2),
        histogram=[int(x) for x in hist],
        tiers=tiers,
        attributes=_attribute_summaries(table.values, t),
        top_threshold=_opt(top_cut, 2),
        bottom_threshold=_opt(bottom_cut, 2),
        top_10_percent_traits=[tr.label for tr in top_traits[:5]],
        bottom_10_percent_traits=[tr.label for tr in bottom_traits[:5]],
        top_traits=top_traits,
        bottom_traits=bottom_traits,
    )
    return dist, top, bottom


# ----------------------------------------------------------------------------- trends


def _period_label(granularity: str, k: int) -> str:
    if granularity == "month":
        return f"{k // 12:04d}-{k % 12 + 1:02d}"
    if granularity == "quarter":
        return f"{k // 4:04d}-Q{k % 4 + 1}"
    return f"{k:04d}"


def _trends(table: PhotoTable, t: Thresholds) -> Trends:
    scored = ~np.isnan(table.final)
    dated = scored & (table.month >= 0)
    n_dated = int(dated.sum())
    undated = int(scored.sum()) - n_dated
    month = table.month[dated]
    fs = table.final[dated]
    if n_dated:
        for granularity, key in (("month", month), ("quarter", month // 3), ("year", month // 12)):
            base = int(key.min())
            idx = key - base
            counts = np.bincount(idx)
            sums = np.bincount(idx, weights=fs)
            ok = np.flatnonzero(counts >= t.min_bucket)
            covered = int(counts[ok].sum())
            if not (t.min_buckets <= len(ok) <= t.max_buckets and 2 * covered >= n_dated):
                continue
            points = [
                TrendPoint(
                    period=_period_label(granularity, base + int(i)),
                    n=int(counts[i]),
                    mean_score=_r(sums[i] / counts[i], 1),
                )
                for i in ok
            ]
            first, last = points[0], points[-1]
            change = _r(last.mean_score - first.mean_score, 1)
            direction = "rose" if change > 0 else "fell" if change < 0 else "held"
            summary = (
                f"Your average score {direction} from {first.mean_score:.1f} ({first.period}, "
                f"{first.n} photos) to {last.mean_score:.1f} ({last.period}, {last.n} photos), "
                f"over {len(points)} {granularity}s with at least {t.min_bucket} photos each."
            )
            return Trends(
                granularity=granularity,
                points=points,
                dated=n_dated,
                undated=undated,
                left_out=n_dated - covered,
                change=change,
                summary=summary,
            )
    return Trends(
        granularity=None,
        points=[],
        dated=n_dated,
        undated=undated,
        left_out=n_dated,
        change=None,
        summary=(
            f"No trend yet: it needs at least {t.min_buckets} months, quarters or years with "
            f"{t.min_bucket}+ dated photos each ({n_dated} scored photos have a capture date)."
        ),
    )


# ----------------------------------------------------------------------------- advice

_ATTRIBUTE_HINTS = {
    "composition": (
        "decide what the subject is before pressing the shutter, check the edges of the frame "
        "and keep horizons level"
    ),
    "subject_strength": (
        "separate the subject from its surroundings with light, colour contrast or a shallower "
        "depth of field, and get closer"
    ),
    "visual_appeal": (
        "look for better light (early or late in the day, open shade) and colour that works "
        "together"
    ),
    "sharpness": (
        "use a shutter of at least 1/focal-length s hand-held (faster for moving subjects), "
        "single-point or eye AF, and check focus at 100%"
    ),
    "exposure_balance": (
        "watch the histogram: keep highlights off the right edge, use exposure compensation "
        "in bright or dark scenes"
    ),
    "noise_level": (
        "keep ISO down where you can (a faster lens, a slower shutter on a support), expose "
        "brightly rather than lifting shadows later, and denoise from raw"
    ),
}


def _attribute_recs(
    dist: ScoreDistribution, overall: Confidence, t: Thresholds
) -> tuple[list[Recommendation], list[Recommendation]]:
    rows = [a for a in dist.attributes if a.median is not None and a.n >= t.min_photos]
    if len(rows) < 2:
        return [], []
    strengths: list[Recommendation] = []
    weaknesses: list[Recommendation] = []
    by_median = sorted(rows, key=lambda a: (a.median or 0.0, a.attribute))
    low, high = by_median[0], by_median[-1]
    for which, row in (("weakness", low), ("strength", high)):
        others = [a.median or 0.0 for a in rows if a.attribute != row.attribute]
        rest = sum(others) / len(others)
        gap = (row.median or 0.0) - rest
        if (which == "weakness" and gap > -t.min_attr_gap) or (
            which == "strength" and gap < t.min_attr_gap
        ):
            continue
        evidence: Evidence = {
            "attribute": row.attribute,
            "median": row.median or 0.0,
            "others_median_mean": _r(rest),
            "p25": row.p25 or 0.0,
            "p75": row.p75 or 0.0,
            "photos": row.n,
        }
        conf = min(confidence_for(row.n, t), overall, key=_CONFIDENCE_ORDER.index)
        if which == "weakness":
            message = (
                f"Across your collection {row.display_name} is your lowest-scoring attribute: "
                f"median {row.median:.2f} over {row.n} photos, against {rest:.2f} on average "
                f"for your other attributes (a quarter of your photos are at or below "
                f"{row.p25:.2f}). Consider: {_ATTRIBUTE_HINTS[row.attribute]}."
            )
            weaknesses.append(
                Recommendation(
                    type="weakness",
                    key=f"weakness.attribute.{row.attribute}",
                    title=f"{row.display_name.capitalize()} holds you back most",
                    message=message,
                    evidence=evidence,
                    based_on=row.n,
                    confidence=conf,
                )
            )
        else:
            message = (
                f"{row.display_name.capitalize()} is your strongest attribute: median "
                f"{row.median:.2f} over {row.n} photos, against {rest:.2f} on average for the "
                f"others. This is a clear strength — keep doing what produces it."
            )
            strengths.append(
                Recommendation(
                    type="strength",
                    key=f"strength.attribute.{row.attribute}",
                    title=f"Consistently strong {row.display_name}",
                    message=message,
                    evidence=evidence,
                    based_on=row.n,
                    confidence=conf,
                )
            )
    return strengths, weaknesses


def _genre_recs(
    subjects: SubjectDistribution,
    s_n: Array,
    s_sum: Array,
    s_sq: Array,
    overall: Confidence,
    t: Thresholds,
) -> tuple[list[Recommendation], list[Recommendation], list[Recommendation]]:
    known = [
        j
        for j, name in enumerate(GENRES)
        if name not in ("unknown", "other") and s_n[j] >= t.min_group
    ]
    strengths: list[Recommendation] = []
    weaknesses: list[Recommendation] = []
    growth: list[Recommendation] = []
    total_n = float(s_n.sum())
    total_sum, total_sq = float(s_sum.sum()), float(s_sq.sum())
    if len(known) >= 2:
        ranked = sorted(known, key=lambda j: (-(s_sum[j] / s_n[j]), j))
        listing = ", ".join(
            f"your {genre_phrase(GENRES[j])} average {s_sum[j] / s_n[j]:.0f}" for j in ranked
        )
        classified = int(sum(s_n[j] for j in known))
        for which, j in (("strength", ranked[0]), ("weakness", ranked[-1])):
            rest_n = total_n - s_n[j]
            if rest_n < t.min_group:
                continue
            mean = s_sum[j] / s_n[j]
            rest_mean = (total_sum - s_sum[j]) / rest_n
            z = _welch(
                s_sum[j],
                s_sq[j],
                int(s_n[j]),
                total_sum - s_sum[j],
                total_sq - s_sq[j],
                int(rest_n),
            )
            diff = mean - rest_mean
            sign = 1 if which == "strength" else -1
            if sign * diff < t.min_gap_points or sign * z < t.min_z:
                continue
            name = GENRES[j]
            evidence: Evidence = {
                "genre": name,
                "genre_mean": _r(mean, 1),
                "genre_photos": int(s_n[j]),
                "rest_mean": _r(rest_mean, 1),
                "rest_photos": int(rest_n),
                "z": _r(z, 2),
            }
            conf = _claim_confidence(int(min(s_n[j], rest_n)), overall, t)
            text = f"{listing.capitalize()}, over {classified} photos with a known genre. "
            if which == "strength":
                strengths.append(
                    Recommendation(
                        type="strength",
                        key=f"strength.genre.{name}",
                        title=f"Your {genre_phrase(name)} are your best work",
                        message=text
                        + f"Your {genre_phrase(name)} score {diff:.1f} points above the rest "
                        f"of your photos ({int(s_n[j])} vs {int(rest_n)} photos).",
                        evidence=evidence,
                        based_on=int(s_n[j] + rest_n),
                        confidence=conf,
                    )
                )
            else:
                weaknesses.append(
                    Recommendation(
                        type="weakness",
                        key=f"weakness.genre.{name}",
                        title=f"Your {genre_phrase(name)} lag behind",
                        message=text
                        + f"Your {genre_phrase(name)} score {-diff:.1f} points below the rest "
                        f"of your photos ({int(s_n[j])} vs {int(rest_n)} photos): the genre where "
                        "practice pays most.",
                        evidence=evidence,
                        based_on=int(s_n[j] + rest_n),
                        confidence=conf,
                    )
                )
    counts = {g.genre: g.count for g in subjects.genres}
    classified = subjects.classified
    if classified >= t.min_classified:
        rare = [g for g in _GROWTH_GENRES if counts.get(g, 0) < t.rare_genre_share * classified]
        if rare:
            pick = min(rare, key=lambda g: (counts.get(g, 0), _GROWTH_GENRES.index(g)))
            main = max(
                (g for g in subjects.genres if g.genre not in ("unknown", "other")),
                key=lambda g: (g.count, -GENRES.index(g.genre)),
                default=None,
            )
            have = counts.get(pick, 0)
            lead = (
                f"{genre_phrase(main.genre).capitalize()} make up "
                f"{main.count / classified:.0%} of your {classified} photos with a known genre; "
                if main is not None
                else ""
            )
            growth.append(
                Recommendation(
                    type="growth",
                    key=f"growth.genre.{pick}",
                    title=f"Try {pick}",
                    message=(
                        f"{lead}you have {have} {genre_phrase(pick)} "
                        f"({have / classified:.0%}). "
                        f"Trying a new genre could help develop your skills: {pick} "
                        f"photography trains {_GENRE_SKILLS[pick]}."
                    ),
                    evidence={
                        "genre": pick,
                        "genre_photos": have,
                        "classified_photos": classified,
                        "main_genre": main.genre if main else "",
                        "main_genre_photos": main.count if main else 0,
                    },
                    based_on=classified,
                    confidence=min(
                        confidence_for(classified, t), overall, key=_CONFIDENCE_ORDER.index
                    ),
                )
            )
    return strengths, weaknesses, growth


def _style_recs(
    dims: list[StyleDimension], overall: Confidence, t: Thresholds
) -> tuple[list[Recommendation], list[Recommendation]]:
    style: list[Recommendation] = []
    growth: list[Recommendation] = []
    leaning = sorted(
        (d for d in dims if d.value is not None and abs(d.value) >= t.style_lean),
        key=lambda d: (-abs(d.value or 0.0), d.key),
    )
    for d in leaning[:3]:
        value = d.value or 0.0
        side = 0 if value < 0 else 1
        lean_share = d.share_first if side == 0 else d.share_second
        other_share = d.share_second if side == 0 else d.share_first
        how = "strongly toward" if abs(value) >= t.strong_lean else "toward"
        message = (
            f"Your photos lean {how} {d.poles[side]} ({value:+.2f} on a −1…+1 scale over "
            f"{d.n} photos: "
            f"{_pct(lean_share or 0.0)} {d.poles[side]}, {_pct(other_share or 0.0)} "
            f"{d.poles[1 - side]}). You might enjoy exploring {_EXPLORE[(d.key, side)]}."
        )
        evidence: Evidence = {
            "dimension": d.key,
            "value": value,
            "photos": d.n,
            f"share_{d.poles[0].replace(' ', '_')}": d.share_first or 0.0,
            f"share_{d.poles[1].replace(' ', '_')}": d.share_second or 0.0,
        }
        style.append(
            Recommendation(
                type="style",
                key=f"style.{d.key}",
                title=f"{d.label[0].upper()}{d.label[1:]}",
                message=message,
                evidence=evidence,
                based_on=d.n,
                confidence=min(d.confidence, overall, key=_CONFIDENCE_ORDER.index),
            )
        )
    # The pole you use less but that scores better: a concrete growth direction.
    for d in dims:
        if d.value is None or d.mean_score_first is None or d.mean_score_second is None:
            continue
        if min(d.n_first, d.n_second) < t.min_group:
            continue
        minority = 0 if d.n_first < d.n_second else 1
        means = (d.mean_score_first, d.mean_score_second)
        counts = (d.n_first, d.n_second)
        gain = means[minority] - means[1 - minority]
        if gain < t.min_gap_points:
            continue
        growth.append(
            Recommendation(
                type="growth",
                key=f"growth.{d.key}",
                title=f"More {d.poles[minority]}",
                message=(
                    f"Only {counts[minority]} of your photos are {d.poles[minority]}, yet they "
                    f"average {means[minority]:.1f} against {means[1 - minority]:.1f} for your "
                    f"{counts[1 - minority]} {d.poles[1 - minority]} ones. Try "
                    f"{_EXPLORE[(d.key, 1 - minority)]} more often."
                ),
                evidence={
                    "dimension": d.key,
                    "pole": d.poles[minority],
                    "pole_photos": counts[minority],
                    "pole_mean": means[minority],
                    "other_photos": counts[1 - minority],
                    "other_mean": means[1 - minority],
                },
                based_on=counts[0] + counts[1],
                confidence=_claim_confidence(min(counts), overall, t),
            )
        )
    return style, growth


def _trait_recs(
    dist: ScoreDistribution,
    issues: list[tuple[str, int, float, float]],
    overall: Confidence,
    t: Thresholds,
) -> tuple[list[Recommendation], list[Recommendation], list[Recommendation]]:
    strengths: list[Recommendation] = []
    weaknesses: list[Recommendation] = []
    growth: list[Recommendation] = []

    # Attribute levels are circular (high attributes make high scores), genres and issues
    # have their own rules: trait recommendations speak of the other features only.
    def usable(tr: Trait) -> bool:
        return tr.kind == "feature" and not tr.key.startswith("scene_type=")

    top = [tr for tr in dist.top_traits if usable(tr)]
    bottom = [tr for tr in dist.bottom_traits if usable(tr)]

    def evidence(tr: Trait) -> Evidence:
        return {
            "trait": tr.key,
            "in_group": tr.in_group,
            "group_size": tr.group_size,
            "share_in_group": tr.share_in_group,
            "share_overall": tr.share_overall,
            "lift": tr.lift,
        }

    def sentence(tr: Trait, group: str) -> str:
        return (
            f"{tr.label.capitalize()} appears in {_pct(tr.share_in_group)} of your {group} "
            f"({tr.in_group} of {tr.group_size} photos) against {_pct(tr.share_overall)} of "
            f"all {dist.n} — {tr.lift:.1f}× more often."
        )

    if top:
        tr = top[0]
        strengths.append(
            Recommendation(
                type="strength",
                key=f"strength.trait.{tr.key}",
                title=f"Your best photos share {tr.label}",
                message=sentence(tr, "top 10%"),
                evidence=evidence(tr),
                based_on=dist.n,
                confidence=_claim_confidence(tr.in_group * 2, overall, t),
            )
        )
    rare = [tr for tr in top[1:] if tr.share_overall < t.rare_trait_share]
    if rare:
        tr = rare[0]
        growth.append(
            Recommendation(
                type="growth",
                key=f"growth.trait.{tr.key}",
                title=f"Seek out {tr.label} more often",
                message=sentence(tr, "top 10%")
                + " It works for you and you rarely use it: plan shoots around it.",
                evidence=evidence(tr),
                based_on=dist.n,
                confidence=_claim_confidence(tr.in_group * 2, overall, t),
            )
        )
    if bottom:
        tr = bottom[0]
        weaknesses.append(
            Recommendation(
                type="weakness",
                key=f"weakness.trait.{tr.key}",
                title=f"Your weakest photos share {tr.label}",
                message=sentence(tr, "bottom 10%"),
                evidence=evidence(tr),
                based_on=dist.n,
                confidence=_claim_confidence(tr.in_group * 2, overall, t),
            )
        )
    for name, count, with_mean, without_mean in issues[:1]:
        weaknesses.append(
            Recommendation(
                type="weakness",
                key=f"weakness.issue.{name}",
                title=f"Frequent {name.replace('_', ' ')}",
                message=(
                    f"{name.replace('_', ' ').capitalize()} is flagged on {count / dist.n:.0%} "
                    f"of your photos ({count} of {dist.n}); they average {with_mean:.1f} against "
                    f"{without_mean:.1f} for the rest. {_ISSUE_HINTS.get(name, '')}"
                ).strip(),
                evidence={
                    "issue": name,
                    "photos": count,
                    "of": dist.n,
                    "mean_with": with_mean,
                    "mean_without": without_mean,
                },
                based_on=dist.n,
                confidence=_claim_confidence(count, overall, t),
            )
        )
    return strengths, weaknesses, growth


_ISSUE_HINTS = {
    "blur": "Use a faster shutter (at least 1/focal-length s), brace or stabilise, check focus.",
    "noise": "Expose brighter at base ISO where possible and denoise from raw.",
    "overexposed": "Dial in negative exposure compensation in bright scenes; protect highlights.",
    "underexposed": "Dial in positive compensation or lift exposure; meter for the mid-tones.",
    "tilted": "Turn on the camera's level or straighten in editing.",
}


def _common_issues(table: PhotoTable, t: Thresholds) -> list[tuple[str, int, float, float]]:
    """Issues on ≥ common_issue_share of scored photos, most frequent first."""
    scored = ~np.isnan(table.final)
    n = int(scored.sum())
    out: list[tuple[str, int, float, float]] = []
    if n < t.min_photos:
        return out
    for j, name in enumerate(table.issue_levels):
        has = table.issues[:, j] & scored
        count = int(has.sum())
        rest = scored & ~table.issues[:, j]
        if count < t.min_group or count < t.common_issue_share * n or int(rest.sum()) == 0:
            continue
        with_mean, without_mean = float(table.final[has].mean()), float(table.final[rest].mean())
        if without_mean - with_mean < t.min_gap_points:
            continue  # flagged, but it does not cost this photographer points
        out.append((name, count, _r(with_mean, 1), _r(without_mean, 1)))
    out.sort(key=lambda x: (-x[1], x[0]))
    return out


# ----------------------------------------------------------------------------- entry points


def compute_personality(
    table: PhotoTable,
    *,
    config: ScoringConfig | None = None,
    thresholds: Thresholds | None = None,
) -> PersonalityProfile:
    """The personality of a collection. Pure and deterministic; see the module docstring."""
    t = thresholds or Thresholds()
    cfg = config or default_config()
    final = table.final
    n_photos = len(table)
    dist, _top, _bottom = _score_distribution(table, cfg, t)
    overall = confidence_for(dist.n, t)

    signals = _signals(table)
    dims = {key: _dimension(key, s, meas, final, t) for key, (s, meas) in signals.items()}
    composition = CompositionStyle(
        centered_vs_rule_of_thirds=dims["centered_vs_rule_of_thirds"],
        minimalist_vs_complex=dims["minimalist_vs_complex"],
        tight_vs_loose_framing=dims["tight_vs_loose_framing"],
    )
    exposure = ExposurePreference(
        dark_moody_vs_bright_airy=dims["dark_moody_vs_bright_airy"],
        high_contrast_vs_flat=dims["high_contrast_vs_flat"],
    )
    subjects, s_n, s_sum, s_sq = _subjects(_genre_codes(table), final)
    trends = _trends(table, t)

    recs: list[Recommendation] = []
    if overall != "insufficient":
        a_str, a_weak = _attribute_recs(dist, overall, t)
        g_str, g_weak, g_growth = _genre_recs(subjects, s_n, s_sum, s_sq, overall, t)
        t_str, t_weak, t_growth = _trait_recs(dist, _common_issues(table, t), overall, t)
        style, s_growth = _style_recs(list(dims.values()), overall, t)
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

    analyzers = _analyzer_counts(table)
    notes = _notes(table, dist, subjects, dims, trends, analyzers, t)
    if dist.n == 0:
        summary = "No scored photos yet: score some photos to see your photography personality."
    else:
        plural = "s" if dist.n != 1 else ""
        how = (
            "too few for confident claims" if overall == "insufficient" else f"{overall} confidence"
        )
        summary = (
            f"Based on {'only ' if overall == 'insufficient' else ''}{dist.n} scored "
            f"photo{plural} ({how}): mean score {dist.mean:.1f}, spread {dist.std:.1f}."
        )
    return PersonalityProfile(
        photo_count=n_photos,
        scored_count=dist.n,
        confidence=overall,
        summary=summary,
        notes=notes,
        analyzers=analyzers,
        composition_style=composition,
        exposure_preference=exposure,
        subject_distribution=subjects,
        score_distribution=dist,
        recommendations=recs,
        trends=trends,
        thresholds=t,
    )


def _analyzer_counts(table: PhotoTable) -> dict[str, int]:
    cat = table.analyzer
    counts = np.bincount(cat.codes[cat.codes >= 0], minlength=len(cat.levels))
    out = {level: int(c) for level, c in zip(cat.levels, counts, strict=True) if c}
    missing = int((cat.codes < 0).sum())
    if missing:
        out["unrecorded"] = missing
    return out


def _notes(
    table: PhotoTable,
    dist: ScoreDistribution,
    subjects: SubjectDistribution,
    dims: dict[str, StyleDimension],
    trends: Trends,
    analyzers: dict[str, int],
    t: Thresholds,
) -> list[str]:
    notes: list[str] = []
    if 0 < dist.n < t.min_photos:
        notes.append(
            f"Based on only {dist.n} scored photos: too few for any confident claim. "
            f"Recommendations and style labels start at {t.min_photos} photos; confidence is "
            f"medium from {t.medium_photos} and high from {t.high_photos}."
        )
    elif t.min_photos <= dist.n < t.medium_photos:
        notes.append(
            f"Based on {dist.n} scored photos: every claim here is tentative (low confidence "
            f"below {t.medium_photos} photos)."
        )
    if dist.unscorable:
        notes.append(f"{dist.unscorable} photo(s) have no score (no weighted attribute measured).")
    n = len(table)
    if n and subjects.unknown:
        local_only = analyzers.get("local", 0)
        why = (
            " The local analyzer only recognises portraits; a vision-model run classifies the rest."
            if local_only
            else ""
        )
        notes.append(
            f"Genre unknown for {subjects.unknown / n:.0%} of photos ({subjects.unknown} of "
            f"{n}).{why}"
        )
    for d in dims.values():
        if d.value is None and n >= t.min_photos:
            notes.append(f"{d.key.replace('_', ' ')}: {d.label}.")
    if len({k for k in analyzers if k != "unrecorded"}) > 1:
        notes.append(
            "Results come from more than one analyzer ("
            + ", ".join(f"{k} {v}" for k, v in sorted(analyzers.items()))
            + "); their attribute scales differ slightly."
        )
    if trends.granularity is None and dist.n >= t.min_photos:
        notes.append(trends.summary)
    return notes


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
