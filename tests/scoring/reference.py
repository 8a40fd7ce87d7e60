"""An independent, deliberately naive statement of the scoring formula (docs/scoring.md).

The tests compare the vectorised reducer with it; it shares no code with the reducer.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from photo_score.scoring import ScoringConfig

AESTHETIC = ("composition", "subject_strength", "visual_appeal")
TECHNICAL = ("sharpness", "exposure_balance", "noise_level")


def reference_score(attributes: Mapping[str, float], config: ScoringConfig) -> float | None:
    """Final 0–100 score before rounding; None when nothing weighted was measured."""
    raw_weights = {**config.weights.aesthetic.model_dump(), **config.weights.technical.model_dump()}
    present = {k: min(1.0, max(0.0, v)) for k, v in attributes.items() if not math.isnan(v)}

    def category(names: tuple[str, ...]) -> float | None:
        total = sum(raw_weights[n] for n in names if n in present)
        if total == 0:
            return None
        return sum(raw_weights[n] * present[n] for n in names if n in present) / total

    parts = [
        (config.category_weights.aesthetic, category(AESTHETIC)),
        (config.category_weights.technical, category(TECHNICAL)),
    ]
    parts = [(w, s) for w, s in parts if s is not None and w > 0]
    if not parts:
        return None
    raw = sum(w * s for w, s in parts) / sum(w for w, _ in parts)
    for p in config.penalties:
        value = present.get(p.attribute)
        if value is not None and value < p.below:
            raw *= 1 - p.max_penalty * (p.below - value) / p.below
    return min(100.0, max(0.0, raw * 100))
