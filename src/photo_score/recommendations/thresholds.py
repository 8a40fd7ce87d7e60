"""How much data each kind of claim needs, and how sure a claim on so many photos can be.

Kept apart so every part of the profile applies the same rules: below the minimums
nothing is claimed, and no claim is ever surer than the collection it rests on.
docs/recommendations.md, "Enough data", documents every default.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Confidence = Literal["insufficient", "low", "medium", "high"]

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


def weaker(a: Confidence, b: Confidence) -> Confidence:
    """The lower of two confidences: a claim is capped by the profile it belongs to."""
    return min(a, b, key=_CONFIDENCE_ORDER.index)


def claim_confidence(smallest_group: int, overall: Confidence, t: Thresholds) -> Confidence:
    """A comparison is as strong as its smaller side and never above the whole profile."""
    if smallest_group >= 5 * t.min_group:
        own: Confidence = "high"
    elif smallest_group >= 2 * t.min_group:
        own = "medium"
    elif smallest_group >= t.min_group:
        own = "low"
    else:
        own = "insufficient"
    return weaker(own, overall)
