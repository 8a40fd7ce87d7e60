"""Plain-words explanations of a score, derived from the reducer's own numbers.

Rules (docs/scoring.md, "Explanations"): an attribute *lifted* the score when its
contribution beats what it would give at ``REFERENCE`` (0.6, a typical competent photo
that scores 60) by at least ``MIN_POINTS``, and *sank* it when it falls that far short; the
lifts and sinks add up to the distance between the pre-penalty score and 60. The
analyzer's measured notes are quoted for the attributes named. The suggestion is the one
config change, among each weight ×0.5/×1.5 and each penalty threshold ×0.5/×1.5, that
moves this photo most, computed by the real reducer. Deterministic: same input, same text.

:func:`explain` explains one photo; :func:`explain_many` explains rows of a
:func:`score_matrix` result at once (a whole run in a fraction of a second). Both take their
numbers from ``_explain_numbers`` and their words from :func:`_explanation`, so they give
the same :class:`Explanation` for the same photo.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import NamedTuple

import numpy as np
from pydantic import BaseModel, ConfigDict

from photo_score.models import ATTRIBUTES, CATEGORIES
from photo_score.scoring._explain_numbers import (
    FACTORS,
    MAX_NAMED,
    MIN_POINTS,
    REFERENCE,
    Hit,
    Kind,
    candidate_finals,
    candidate_params,
    candidates,
    driver_deltas,
    missing_names,
    penalty_hits,
    pick,
    python_round,
    ranked,
    trusted,
)
from photo_score.scoring.config import ScoringConfig
from photo_score.scoring.reducer import (
    Array,
    ReducerParams,
    ScoreArrays,
    ScoreBreakdown,
    UnscorableError,
    reduce_arrays,
    to_matrix,
)
from photo_score.scoring.tiers import tiers_for

__all__ = [
    "DISPLAY_NAMES",
    "FACTORS",
    "MAX_NAMED",
    "MIN_POINTS",
    "REFERENCE",
    "Counterfactual",
    "Explanation",
    "counterfactual",
    "explain",
    "explain_many",
]

DISPLAY_NAMES: dict[str, str] = {
    "composition": "composition",
    "subject_strength": "subject",
    "visual_appeal": "visual appeal",
    "sharpness": "sharpness",
    "exposure_balance": "exposure",
    "noise_level": "noise handling",  # high = clean, so it reads right both ways
}
_ADDED = {a: f"{name} added " for a, name in DISPLAY_NAMES.items()}
_COST = {a: f"{name} cost " for a, name in DISPLAY_NAMES.items()}


class Counterfactual(BaseModel):
    """One config change and what it would do to this photo."""

    model_config = ConfigDict(frozen=True)

    kind: Kind
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


class _Facts(NamedTuple):
    """Everything the paragraph says about one photo but the suggestion, computed."""

    final: float
    tier: str
    lifted: list[str]
    lifted_points: list[str]  # ["7.2 points", "6.3", ...] for the first MAX_NAMED lifted
    sank: list[str]
    sank_points: list[str]
    hits: Sequence[Hit]
    missing: Sequence[str]


def explain(
    breakdown: ScoreBreakdown,
    attributes: Mapping[str, float],
    config: ScoringConfig,
    notes: Mapping[str, str] | None = None,
) -> Explanation:
    """Explain ``breakdown`` (from :func:`score_one` on ``attributes`` with ``config``)."""
    deltas = driver_deltas(
        np.array([[breakdown.contributions[a] for a in ATTRIBUTES]]),
        np.array([[breakdown.weights[a] for a in ATTRIBUTES]]),
    )
    lifted, lifted_points, sank, sank_points = (rows[0] for rows in ranked(deltas))
    hits = [Hit(h.attribute, h.value, h.below, h.points_lost) for h in breakdown.penalties]
    facts = _Facts(
        breakdown.final_score,
        breakdown.tier,
        lifted,
        lifted_points,
        sank,
        sank_points,
        hits,
        breakdown.missing,
    )
    return _explanation(facts, counterfactual(attributes, config, breakdown.final_score), notes)


def explain_many(
    arrays: ScoreArrays,
    config: ScoringConfig,
    notes: Sequence[Mapping[str, str] | None] | None = None,
    rows: Sequence[int] | None = None,
) -> list[Explanation]:
    """Explain rows of a :func:`score_matrix` result (all rows by default) in one pass.

    Item ``k`` equals ``explain(breakdown_at(arrays, rows[k], config), attributes, config,
    notes[k])``; ``notes``, when given, follows ``rows``. Each counterfactual candidate is
    scored over all rows at once and the per-photo work is string assembly, so 100,000
    photos take a fraction of a second. Raises :class:`UnscorableError` when a requested row
    has no score: pick ``rows`` among those with a finite ``arrays.final``.
    """
    index = np.arange(len(arrays.final)) if rows is None else np.asarray(rows, dtype=np.intp)
    if index.ndim != 1:
        raise ValueError("rows must be a flat sequence of row numbers")
    if notes is not None and len(notes) != len(index):
        raise ValueError(f"notes has {len(notes)} entries for {len(index)} rows")
    final = arrays.final[index]
    if np.isnan(final).any():
        row = int(index[np.flatnonzero(np.isnan(final))[0]])
        raise UnscorableError(f"row {row}: no weighted attribute was measured, so no score")
    with _collector_paused():
        drivers = ranked(
            driver_deltas(
                python_round(arrays.contributions[index], 4),
                python_round(arrays.weights[index], 6),
            )
        )
        facts = zip(
            final.tolist(),
            tiers_for(final, config).tolist(),
            *drivers,
            penalty_hits(arrays, index, config),
            missing_names(arrays.missing[index]),
            strict=True,
        )
        changes = _counterfactuals(arrays.values[index], final, config)
        row_notes = notes if notes is not None else [None] * len(index)
        return [
            _explanation(_Facts(*f), change, n)
            for f, change, n in zip(facts, changes, row_notes, strict=True)
        ]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a run's explanations are built.

    They are about ten small acyclic objects per photo, freed by reference counting; left
    on, the collector rescans the growing result again and again, which is half the time of
    a 100,000-photo run. Restored on exit, and left alone if it was already off.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def counterfactual(
    attributes: Mapping[str, float], config: ScoringConfig, current: float | None = None
) -> Counterfactual | None:
    """The single config change that moves this photo most, or None below ``MIN_POINTS``.

    All candidates are scored in one call to the reducer, one candidate config per row.
    """
    values = to_matrix([attributes])
    if current is None:
        scores = reduce_arrays(values, ReducerParams.from_config(config)).final
    else:
        scores = np.array([current], dtype=np.float64)
    return _counterfactuals(values, scores, config)[0]


def _counterfactuals(
    values: Array, current: Array, config: ScoringConfig
) -> list[Counterfactual | None]:
    """The counterfactual of each row of ``values`` (n×6), whose final scores are ``current``."""
    base = ReducerParams.from_config(config)
    changes = candidates(config, base)
    out: list[Counterfactual | None] = [None] * len(values)
    if not changes:
        return out
    finals = candidate_finals(values, candidate_params(base, changes))
    best, ok = pick(finals, current)
    moved = np.flatnonzero(ok)
    chosen = best[moved]
    scores = finals[chosen, moved]
    deltas = python_round(scores - current[moved], 2)
    tiers = tiers_for(scores, config).tolist()
    for row, c, score, delta, tier in zip(
        moved.tolist(), chosen.tolist(), scores.tolist(), deltas.tolist(), tiers, strict=True
    ):
        change = changes[c]
        out[row] = trusted(
            Counterfactual,
            {
                "kind": change.kind,
                "key": change.key,
                "subject": change.subject,
                "old": change.old,
                "new": change.new,
                "score": score,
                "delta": delta,
                "tier": tier,
            },
        )
    return out


def _explanation(
    facts: _Facts, change: Counterfactual | None, notes: Mapping[str, str] | None
) -> Explanation:
    """The paragraph and the structured facts, in the order of docs/scoring.md."""
    quoted = _Notes(notes) if notes else _NO_NOTES
    sentences = [f"Scores {_num(facts.final)} ({facts.tier}).", _drivers_sentence(facts, quoted)]
    for hit in facts.hits:
        sentences.append(
            f"The {DISPLAY_NAMES[hit.attribute]} penalty fired ({_num(hit.value, 2)} is under "
            f"the {_num(hit.below, 2)} floor) and took {hit.points_lost:.1f} points off"
            f"{quoted.clause(hit.attribute)}."
        )
    sentences += _missing_sentences(tuple(facts.missing))
    suggestion = _suggestion_text(change, facts.tier) if change else None
    if suggestion:
        sentences.append(suggestion)
    return trusted(
        Explanation,
        {
            "text": " ".join(sentences),
            "lifted": facts.lifted,
            "sank": facts.sank,
            "penalties": [hit.attribute for hit in facts.hits],
            "missing": list(facts.missing),
            "suggestion": suggestion,
            "counterfactual": change,
        },
    )


def _suggestion_text(change: Counterfactual, current_tier: str) -> str:
    verb = "lift" if change.delta > 0 else "lower"
    effect = f"would {verb} this photo to {_num(change.score)} ({_signed_tenths(change.delta)})"
    if change.tier != current_tier:
        effect += f", into {change.tier}"
    what = _change_phrase(change.kind, change.subject, change.old, change.new)
    return f"{what} ({change.key}) {effect}."


@lru_cache(maxsize=256)
def _change_phrase(kind: Kind, subject: str, old_value: float, new_value: float) -> str:
    old, new = _num(old_value, 2), _num(new_value, 2)
    if kind == "attribute_weight":
        return f"Weighting {DISPLAY_NAMES[subject]} {new} instead of {old}"
    if kind == "category_weight":
        return f"Weighting the {subject} category {new} instead of {old}"
    return f"Moving the {DISPLAY_NAMES[subject]} penalty threshold from {old} to {new}"


def _drivers_sentence(facts: _Facts, quoted: _Notes) -> str:
    if not facts.lifted and not facts.sank:
        return "Every measured attribute is within a point of a typical photo (all at 0.6)."
    clauses = []
    for names, points, verb in (
        (facts.lifted, facts.lifted_points, _ADDED),
        (facts.sank, facts.sank_points, _COST),
    ):
        if names:
            items = zip(names[:MAX_NAMED], points, strict=False)
            clauses.append(_join([f"{verb[a]}{p}{quoted.clause(a)}" for a, p in items]))
    return f"Against a typical photo (all attributes at 0.6), {', while '.join(clauses)}."


@lru_cache(maxsize=64)  # one entry per pattern of missing attributes
def _missing_sentences(missing: tuple[str, ...]) -> tuple[str, ...]:
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
    return tuple(out)


class _Notes:
    """Quotes each attribute's measured note once, the first time the attribute is named."""

    def __init__(self, notes: Mapping[str, str]) -> None:
        self._notes = {k: v.strip().rstrip(".") for k, v in notes.items() if v and v.strip()}
        self._used: set[str] = set()

    def clause(self, attribute: str) -> str:
        if not self._notes:
            return ""
        note = self._notes.get(attribute)
        if note is None or attribute in self._used:
            return ""
        self._used.add(attribute)
        return f" ({note})"


_NO_NOTES = _Notes({})  # never quotes, so never changes: shared by rows without notes


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


@lru_cache(maxsize=1 << 14)  # mostly scores, which have at most 10,001 values
def _num(x: float, min_decimals: int = 0) -> str:
    """Up to 2–3 decimals without trailing zeros: 84.99, 57.9, 85; 0.60 with min_decimals=2."""
    text = f"{x:.3f}".rstrip("0")
    decimals = len(text.split(".")[1])
    if min_decimals > decimals:
        text += "0" * (min_decimals - decimals)
    return text.rstrip(".")


@lru_cache(maxsize=1 << 14)
def _signed_tenths(x: float) -> str:
    return f"{x:+.1f}".replace("-", "−")
