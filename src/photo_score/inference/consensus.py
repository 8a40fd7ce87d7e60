"""Turning several models' scores into one set of attributes and a confidence.

Weights come from the roster and are renormalised over the models that answered, so a
dropped model never drags the consensus towards 0. The spread between models (weighted
standard deviation) is the uncertainty: two models 0.2 apart on everything give a
confidence of 0.6; one model alone gives none (there is nothing to compare).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

# confidence = 1 - SPREAD_SCALE x mean weighted std; 0.25 of std (the maximum two models
# can show on a 0-1 scale is 0.5) already means "no agreement at all".
SPREAD_SCALE = 4.0


@dataclass(frozen=True, slots=True)
class ModelScores:
    model: str
    weight: float
    reply: dict[str, Any]  # attribute -> {"score": float, "note": str}

    def score(self, attribute: str) -> float:
        return float(self.reply[attribute]["score"])

    def note(self, attribute: str) -> str:
        return str(self.reply[attribute]["note"])


@dataclass
class Consensus:
    attributes: dict[str, float] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    measurements: dict[str, float] = field(default_factory=dict)
    spreads: list[float] = field(default_factory=list)

    @property
    def confidence(self) -> float | None:
        if not self.spreads:
            return None
        mean = sum(self.spreads) / len(self.spreads)
        return round(max(0.0, min(1.0, 1.0 - SPREAD_SCALE * mean)), 4)


def combine(consensus: Consensus, attributes: tuple[str, ...], answers: list[ModelScores]) -> None:
    """Add one category's weighted mean, per-model values, spread and note to ``consensus``."""
    if not answers:
        raise ValueError("combine() needs at least one answer")
    total = sum(a.weight for a in answers)
    lead = max(answers, key=lambda a: a.weight)  # first of the heaviest: roster order wins
    for attr in attributes:
        mean = sum(a.weight * a.score(attr) for a in answers) / total
        consensus.attributes[attr] = round(mean, 4)
        consensus.notes[attr] = lead.note(attr)
        for a in answers:
            consensus.measurements[f"{attr}@{a.model}"] = a.score(attr)
        if len(answers) > 1:
            var = sum(a.weight * (a.score(attr) - mean) ** 2 for a in answers) / total
            spread = math.sqrt(var)
            consensus.measurements[f"{attr}.spread"] = round(spread, 4)
            consensus.spreads.append(spread)
