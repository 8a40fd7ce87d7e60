"""The personality's output: frozen pydantic models, JSON-serialisable as they stand.

One schema for the CLI, the desktop sidecar and the cloud (whose cache key is
:data:`VERSION`), so it lives apart from the code that fills it in.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from photo_score.recommendations.thresholds import Confidence, Thresholds

RecommendationType = Literal["strength", "weakness", "style", "growth"]
Evidence = dict[str, float | int | str]

VERSION = "personality-1"
"""Bumped whenever the output for the same records changes (the cloud's cache key)."""


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
