"""Strength and weakness claims about the six attributes, collection-wide.

Only the extremes are named, and only when they stand clear of the other attributes'
medians (Thresholds.min_attr_gap): every collection has a lowest attribute, not every
collection has a weak one.
"""

from __future__ import annotations

from photo_score.recommendations.profile import (
    AttributeSummary,
    Evidence,
    Recommendation,
    RecommendationType,
    ScoreDistribution,
)
from photo_score.recommendations.stats import rnd
from photo_score.recommendations.thresholds import (
    Confidence,
    Thresholds,
    confidence_for,
    weaker,
)

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


def attribute_recs(
    dist: ScoreDistribution, overall: Confidence, t: Thresholds
) -> tuple[list[Recommendation], list[Recommendation]]:
    """(strengths, weaknesses): the highest and lowest attribute by median, if clear."""
    rows = [a for a in dist.attributes if a.median is not None and a.n >= t.min_photos]
    if len(rows) < 2:
        return [], []
    strengths: list[Recommendation] = []
    weaknesses: list[Recommendation] = []
    by_median = sorted(rows, key=lambda a: (a.median or 0.0, a.attribute))
    sides: tuple[tuple[RecommendationType, AttributeSummary], ...] = (
        ("weakness", by_median[0]),
        ("strength", by_median[-1]),
    )
    for which, row in sides:
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
            "others_median_mean": rnd(rest),
            "p25": row.p25 or 0.0,
            "p75": row.p75 or 0.0,
            "photos": row.n,
        }
        if which == "weakness":
            title = f"{row.display_name.capitalize()} holds you back most"
            message = (
                f"Across your collection {row.display_name} is your lowest-scoring attribute: "
                f"median {row.median:.2f} over {row.n} photos, against {rest:.2f} on average "
                f"for your other attributes (a quarter of your photos are at or below "
                f"{row.p25:.2f}). Consider: {_ATTRIBUTE_HINTS[row.attribute]}."
            )
        else:
            title = f"Consistently strong {row.display_name}"
            message = (
                f"{row.display_name.capitalize()} is your strongest attribute: median "
                f"{row.median:.2f} over {row.n} photos, against {rest:.2f} on average for the "
                f"others. This is a clear strength — keep doing what produces it."
            )
        rec = Recommendation(
            type=which,
            key=f"{which}.attribute.{row.attribute}",
            title=title,
            message=message,
            evidence=evidence,
            based_on=row.n,
            confidence=weaker(confidence_for(row.n, t), overall),
        )
        (weaknesses if which == "weakness" else strengths).append(rec)
    return strengths, weaknesses
