"""Style claims: where the photographer leans, and the less-used pole that scores better.

A lean is described, never judged; only a measured score gap turns a pole into a growth
suggestion.
"""

from __future__ import annotations

from photo_score.recommendations.profile import Evidence, Recommendation, StyleDimension
from photo_score.recommendations.stats import pct
from photo_score.recommendations.thresholds import (
    Confidence,
    Thresholds,
    claim_confidence,
    weaker,
)

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
"""What to try from each pole (dimension, 0 = first pole, 1 = second)."""


def _lean_recs(
    dims: list[StyleDimension], overall: Confidence, t: Thresholds
) -> list[Recommendation]:
    """Up to three style notes, the strongest leans first."""
    style: list[Recommendation] = []
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
            f"{pct(lean_share or 0.0)} {d.poles[side]}, {pct(other_share or 0.0)} "
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
                confidence=weaker(d.confidence, overall),
            )
        )
    return style


def _pole_recs(
    dims: list[StyleDimension], overall: Confidence, t: Thresholds
) -> list[Recommendation]:
    """The pole you use less but that scores better: a concrete growth direction."""
    growth: list[Recommendation] = []
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
                confidence=claim_confidence(min(counts), overall, t),
            )
        )
    return growth


def style_recs(
    dims: list[StyleDimension], overall: Confidence, t: Thresholds
) -> tuple[list[Recommendation], list[Recommendation]]:
    """(style, growth) from the style dimensions."""
    return _lean_recs(dims, overall, t), _pole_recs(dims, overall, t)
