"""Plain-words explanations of a score, derived from the reducer's own numbers.

Rules (docs/scoring.md, "Explanations"): an attribute *lifted* the score when its
contribution beats what it would give at ``REFERENCE`` (0.6, a typical competent photo
that scores 60) by at least ``MIN_POINTS``, and *sank* it when it falls that far short; the
lifts and sinks add up to the distance between the pre-penalty score and 60. The
analyzer's measured notes are quoted for the attributes named. The suggestion is the one
config change, among each weight ×0.5/×1.5 and each penalty threshold ×0.5/×1.5, that
moves this photo most, computed by the real reducer. Deterministic: same input, same text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from photo_score.models import ATTRIBUTES, CATEGORIES
from photo_score.scoring.config import ScoringConfig
from photo_score.scoring.reducer import ReducerParams, ScoreBreakdown, reduce_arrays, to_matrix
from photo_score.scoring.tiers import tier_for

REFERENCE = 0.6
MIN_POINTS = 1.0
MAX_NAMED = 3  # attributes named per direction in the text (the lists hold all of them)
FACTORS = (0.5, 1.5)

_Kind = Literal["attribute_weight", "category_weight", "penalty_threshold"]

DISPLAY_NAMES: dict[str, str] = {
    "composition": "composition",
    "subject_strength": "subject",
    "visual_appeal": "visual appeal",
    "sharpness": "sharpness",
    "exposure_balance": "exposure",
    "noise_level": "noise handling",  # high = clean, so it reads right both ways
}


class Counterfactual(BaseModel):
    """One config change and what it would do to this photo."""

    model_config = ConfigDict(frozen=True)

    kind: _Kind
    key: str  # dotted config key, e.g. weights.aesthetic.composition, penalties[0].below
    subject: str  # the attribute or category it concerns
    old: float
    new: float
    score: float  # final score with the change
    delta: float  # score - current final score
    tier: str


class Explanation(BaseModel):
    model_config = ConfigDict(frozen=True)

    text: str
    lifted: list[str]  # attribute keys, strongest lift first
    sank: list[str]  # attribute keys, heaviest drag first
    penalties: list[str]  # attribute keys of the penalties that fired
    missing: list[str]  # attribute keys not measured
    suggestion: str | None
    counterfactual: Counterfactual | None


def explain(
    breakdown: ScoreBreakdown,
    attributes: Mapping[str, float],
    config: ScoringConfig,
    notes: Mapping[str, str] | None = None,
) -> Explanation:
    """Explain ``breakdown`` (from :func:`score_one` on ``attributes`` with ``config``)."""
    quoted = _Notes(notes or {})
    deltas = {
        a: breakdown.contributions[a] - 100.0 * REFERENCE * breakdown.weights[a] for a in ATTRIBUTES
    }
    lifted = sorted((a for a in ATTRIBUTES if deltas[a] >= MIN_POINTS), key=lambda a: -deltas[a])
    sank = sorted((a for a in ATTRIBUTES if deltas[a] <= -MIN_POINTS), key=lambda a: deltas[a])

    sentences = [f"Scores {_num(breakdown.final_score)} ({breakdown.tier})."]
    sentences.append(_drivers_sentence(lifted, sank, deltas, quoted))
    for hit in breakdown.penalties:
        sentences.append(
            f"The {DISPLAY_NAMES[hit.attribute]} penalty fired ({_num(hit.value, 2)} is under "
            f"the {_num(hit.below, 2)} floor) and took {hit.points_lost:.1f} points off"
            f"{quoted.clause(hit.attribute)}."
        )
    sentences.extend(_missing_sentences(breakdown.missing))
    change = counterfactual(attributes, config, breakdown.final_score)
    suggestion = _suggestion_text(change, breakdown.tier) if change else None
    if suggestion:
        sentences.append(suggestion)
    return Explanation(
        text=" ".join(sentences),
        lifted=lifted,
        sank=sank,
        penalties=[hit.attribute for hit in breakdown.penalties],
        missing=list(breakdown.missing),
        suggestion=suggestion,
        counterfactual=change,
    )


def counterfactual(
    attributes: Mapping[str, float], config: ScoringConfig, current: float | None = None
) -> Counterfactual | None:
    """The single config change that moves this photo most, or None below ``MIN_POINTS``.

    All candidates are scored in one call to the reducer, one candidate config per row.
    """
    base = ReducerParams.from_config(config)
    candidates = _candidates(config, base)
    if not candidates:
        return None
    k = len(candidates)
    attr_w = np.tile(base.attribute_weights, (k, 1))
    cat_w = np.tile(base.category_weights, (k, 1))
    below = np.tile(base.penalty_below, (k, 1))
    for row, (kind, index, _, _, _, new) in enumerate(candidates):
        target = {"attribute_weight": attr_w, "category_weight": cat_w}.get(kind, below)
        target[row, index] = new
    params = ReducerParams(attr_w, cat_w, base.penalty_columns, below, base.penalty_max)
    values = to_matrix([attributes])
    if current is None:
        current = float(reduce_arrays(values, base).final[0])
    finals = reduce_arrays(np.repeat(values, k, axis=0), params).final
    deltas = finals - current
    if np.isnan(current) or not np.any(np.abs(deltas) >= MIN_POINTS):
        return None
    best = int(np.argmax(np.abs(deltas)))  # first of equals: candidate order breaks ties
    kind, _, key, subject, old, new = candidates[best]
    score = float(finals[best])
    return Counterfactual(
        kind=kind,
        key=key,
        subject=subject,
        old=old,
        new=new,
        score=score,
        delta=round(score - current, 2),
        tier=tier_for(score, config),
    )


_Candidate = tuple[_Kind, int, str, str, float, float]


def _candidates(config: ScoringConfig, base: ReducerParams) -> list[_Candidate]:
    """(kind, column, dotted key, subject, old, new) for every change considered."""
    out: list[_Candidate] = []
    for j, attribute in enumerate(ATTRIBUTES):
        category = "aesthetic" if attribute in CATEGORIES["aesthetic"] else "technical"
        weight = float(base.attribute_weights[j])
        key = f"weights.{category}.{attribute}"
        if weight:
            out += [("attribute_weight", j, key, attribute, weight, weight * f) for f in FACTORS]
    for j, category in enumerate(CATEGORIES):
        weight = float(base.category_weights[j])
        key = f"category_weights.{category}"
        if weight:
            out += [("category_weight", j, key, category, weight, weight * f) for f in FACTORS]
    for j, penalty in enumerate(config.penalties):
        if penalty.max_penalty == 0:
            continue
        for f in FACTORS:
            new = min(1.0, penalty.below * f)
            if new != penalty.below:
                key = f"penalties[{j}].below"
                out.append(("penalty_threshold", j, key, penalty.attribute, penalty.below, new))
    return out


def _suggestion_text(change: Counterfactual, current_tier: str) -> str:
    verb = "lift" if change.delta > 0 else "lower"
    delta = f"{change.delta:+.1f}".replace("-", "−")
    effect = f"would {verb} this photo to {_num(change.score)} ({delta})"
    if change.tier != current_tier:
        effect += f", into {change.tier}"
    old, new = _num(change.old, 2), _num(change.new, 2)
    if change.kind == "attribute_weight":
        what = f"Weighting {DISPLAY_NAMES[change.subject]} {new} instead of {old}"
    elif change.kind == "category_weight":
        what = f"Weighting the {change.subject} category {new} instead of {old}"
    else:
        name = DISPLAY_NAMES[change.subject]
        what = f"Moving the {name} penalty threshold from {old} to {new}"
    return f"{what} ({change.key}) {effect}."


def _drivers_sentence(
    lifted: list[str], sank: list[str], deltas: Mapping[str, float], quoted: _Notes
) -> str:
    if not lifted and not sank:
        return "Every measured attribute is within a point of a typical photo (all at 0.6)."
    clauses = []
    for names, verb in ((lifted, "added"), (sank, "cost")):
        items = [
            f"{DISPLAY_NAMES[a]} {verb} {abs(deltas[a]):.1f}{' points' if i == 0 else ''}"
            f"{quoted.clause(a)}"
            for i, a in enumerate(names[:MAX_NAMED])
        ]
        if items:
            clauses.append(_join(items))
    return f"Against a typical photo (all attributes at 0.6), {', while '.join(clauses)}."


def _missing_sentences(missing: list[str]) -> list[str]:
    out, partial = [], []
    for category, names in CATEGORIES.items():
        gone = [a for a in names if a in missing]
        if len(gone) == len(names):
            other = next(c for c in CATEGORIES if c != category)
            out.append(f"No {category} attribute was measured; the score is the {other} one alone.")
        else:
            partial += gone
    if partial:
        listed = _join([DISPLAY_NAMES[a] for a in partial])
        out.insert(0, f"Not measured: {listed}; the others in its category carry its weight.")
    return out


class _Notes:
    """Quotes each attribute's measured note once, the first time the attribute is named."""

    def __init__(self, notes: Mapping[str, str]) -> None:
        self._notes = {k: v.strip().rstrip(".") for k, v in notes.items() if v and v.strip()}
        self._used: set[str] = set()

    def clause(self, attribute: str) -> str:
        note = self._notes.get(attribute)
        if note is None or attribute in self._used:
            return ""
        self._used.add(attribute)
        return f" ({note})"


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _num(x: float, min_decimals: int = 0) -> str:
    """Up to 2–3 decimals without trailing zeros: 84.99, 57.9, 85; 0.60 with min_decimals=2."""
    text = f"{x:.3f}".rstrip("0")
    decimals = len(text.split(".")[1])
    if min_decimals > decimals:
        text += "0" * (min_decimals - decimals)
    return text.rstrip(".")
