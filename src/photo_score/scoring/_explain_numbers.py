"""The numbers behind an explanation, for one photo or a whole run at once (private).

:func:`~photo_score.scoring.explanations.explain` (one photo) and
:func:`~photo_score.scoring.explanations.explain_many` (many rows of a ``score_matrix``
result) both take their numbers from here, so each rule of docs/scoring.md
("Explanations") is written once: the driver deltas against the 0.6 reference, their
ranking, and the counterfactual search. Everything is numpy over an n-row axis; what is
left per photo is string assembly.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any, Literal, NamedTuple, TypeVar

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel

from photo_score.models import ATTRIBUTES, CATEGORIES
from photo_score.scoring.config import ScoringConfig
from photo_score.scoring.reducer import (
    Array,
    ReducerParams,
    ScoreArrays,
    points_lost,
    reduce_arrays,
)

REFERENCE = 0.6
MIN_POINTS = 1.0
MAX_NAMED = 3  # attributes named per direction in the text (the lists hold all of them)
FACTORS = (0.5, 1.5)
BLOCK_ROWS = 8192  # rows per reducer call: the reducer's temporaries then stay in cache

Kind = Literal["attribute_weight", "category_weight", "penalty_threshold"]
_NAMES = np.array(ATTRIBUTES, dtype=object)


class Candidate(NamedTuple):
    """One config change the counterfactual search considers."""

    kind: Kind
    entry: int  # the entry it changes in the ReducerParams array of its kind
    key: str  # dotted config key
    subject: str  # the attribute or category it concerns
    old: float
    new: float


def candidates(config: ScoringConfig, base: ReducerParams) -> list[Candidate]:
    """Every change considered, in tie-breaking order: attribute weights, category
    weights, penalty thresholds; each ×0.5 then ×1.5 (zero weights, disabled penalties and
    thresholds already at the 1.0 cap are skipped)."""
    out: list[Candidate] = []
    for j, attribute in enumerate(ATTRIBUTES):
        category = "aesthetic" if attribute in CATEGORIES["aesthetic"] else "technical"
        weight = float(base.attribute_weights[j])
        key = f"weights.{category}.{attribute}"
        if weight:
            out += [
                Candidate("attribute_weight", j, key, attribute, weight, weight * f)
                for f in FACTORS
            ]
    for j, category in enumerate(CATEGORIES):
        weight = float(base.category_weights[j])
        key = f"category_weights.{category}"
        if weight:
            out += [
                Candidate("category_weight", j, key, category, weight, weight * f) for f in FACTORS
            ]
    for j, penalty in enumerate(config.penalties):
        if penalty.max_penalty == 0:
            continue
        for f in FACTORS:
            new = min(1.0, penalty.below * f)
            if new != penalty.below:
                key = f"penalties[{j}].below"
                out.append(
                    Candidate("penalty_threshold", j, key, penalty.attribute, penalty.below, new)
                )
    return out


def candidate_params(base: ReducerParams, changes: Sequence[Candidate]) -> ReducerParams:
    """The config of each candidate in numbers, one per row: ``base`` with one entry changed."""
    k = len(changes)
    attr_w = np.tile(base.attribute_weights, (k, 1))
    cat_w = np.tile(base.category_weights, (k, 1))
    below = np.tile(base.penalty_below, (k, 1))
    for row, change in enumerate(changes):
        target = {"attribute_weight": attr_w, "category_weight": cat_w}.get(change.kind, below)
        target[row, change.entry] = change.new
    return ReducerParams(attr_w, cat_w, base.penalty_columns, below, base.penalty_max)


def candidate_finals(values: Array, params: ReducerParams) -> Array:
    """Final score of every row (n×6 values) under every candidate config (a row of
    ``params`` each): (k, n).

    Always the real reducer. A whole run scores each candidate over all rows (in cache-sized
    blocks); a few rows (one photo) go in one call with one candidate config per row. The
    reducer gives each row the same bits either way (row-wise arithmetic only).
    """
    k, n = len(params.attribute_weights), len(values)
    columns, max_penalty = params.penalty_columns, params.penalty_max
    if k * n <= BLOCK_ROWS:
        attr_w, cat_w, below = (
            np.repeat(a, n, axis=0)  # candidate-major rows
            for a in (params.attribute_weights, params.category_weights, params.penalty_below)
        )
        rows = ReducerParams(attr_w, cat_w, columns, below, max_penalty)
        return reduce_arrays(np.tile(values, (k, 1)), rows).final.reshape(k, n)
    out = np.empty((k, n))
    for start in range(0, n, BLOCK_ROWS):
        block = values[start : start + BLOCK_ROWS]
        for c in range(k):
            one = ReducerParams(
                params.attribute_weights[c],
                params.category_weights[c],
                columns,
                params.penalty_below[c],
                max_penalty,
            )
            out[c, start : start + len(block)] = reduce_arrays(block, one).final
    return out


def pick(finals: Array, current: Array) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.bool_]]:
    """Per row, the candidate that moves the final score most either way, and whether it
    moves it by at least ``MIN_POINTS`` (never for an unscorable row). Ties go to the
    first candidate in :func:`candidates` order."""
    moves = np.abs(finals - current)
    with np.errstate(invalid="ignore"):
        ok = (moves >= MIN_POINTS).any(axis=0) & ~np.isnan(current)
    return moves.argmax(axis=0), ok


def driver_deltas(contributions: Array, weights: Array) -> Array:
    """Points each attribute adds (+) or costs (−) against a typical photo (all at 0.6),
    from the breakdown's displayed (rounded) contributions and weights; n×6."""
    result: Array = contributions - 100.0 * REFERENCE * weights
    return result


class Ranked(NamedTuple):
    """Per row: attribute keys that lifted (strongest first) and sank (heaviest first) the
    score, and how the text states the points of the first ``MAX_NAMED`` of each:
    ``["7.2 points", "6.3", "4.5"]`` (``f"{abs(delta):.1f}"``, the unit said once)."""

    lifted: list[list[str]]
    lifted_points: list[list[str]]
    sank: list[list[str]]
    sank_points: list[list[str]]


def ranked(deltas: Array) -> Ranked:
    """Rank the drivers of each row of ``deltas`` (n×6); equal deltas keep ATTRIBUTES order."""
    out: list[list[list[str]]] = []
    for signed, named in ((-deltas, deltas >= MIN_POINTS), (deltas, deltas <= -MIN_POINTS)):
        order = np.argsort(signed, axis=1, kind="stable")
        names: list[list[str]] = _NAMES[order].tolist()
        counts: list[int] = named.sum(axis=1).tolist()
        out.append([row[:count] for row, count in zip(names, counts, strict=True)])
        out.append(_point_texts(np.take_along_axis(deltas, order[:, :MAX_NAMED], axis=1)))
    return Ranked(*out)


def _point_texts(deltas: Array) -> list[list[str]]:
    """``f"{abs(d):.1f}"`` of every delta, " points" after the first of each row; through
    a table of tenths instead of a format call each (formatting rounds as round(x, 1))."""
    tenths = np.rint(python_round(np.abs(deltas), 1) * 10.0).astype(np.intp)
    table = _tenths_table(int(tenths.max(initial=0)) | 1023)  # one table serves all configs
    texts = table[tenths]
    texts[:, :1] += " points"
    result: list[list[str]] = texts.tolist()
    return result


@cache
def _tenths_table(top: int) -> npt.NDArray[np.object_]:
    return np.array([f"{m / 10:.1f}" for m in range(top + 1)], dtype=object)


def python_round(x: Array, digits: int) -> Array:
    """``round(float, digits)`` elementwise, bit for bit (the breakdown rounds with Python).

    Scaling and ``rint`` give Python's correctly rounded result except where the scaled
    value sits within float error of a half; those few entries are rounded by Python.
    """
    scale = 10.0**digits
    scaled = x * scale
    out: Array = np.rint(scaled) / scale
    near_half = np.abs(np.abs(scaled - np.trunc(scaled)) - 0.5) < 1e-6  # x is finite here
    for i in np.flatnonzero(near_half):
        out.flat[i] = round(float(x.flat[i]), digits)
    return out


class Hit(NamedTuple):
    """A penalty that fired, as the text needs it (a PenaltyHit without its factor)."""

    attribute: str
    value: float
    below: float
    points_lost: float  # rounded to 4 decimals, as PenaltyHit


def penalty_hits(
    arrays: ScoreArrays, index: npt.NDArray[np.intp], config: ScoringConfig
) -> list[Sequence[Hit]]:
    """Per row, the penalties that fired (config order), as ``breakdown_at`` reports them."""
    fired = arrays.penalty_factors[index] < 1.0
    out: list[Sequence[Hit]] = [()] * len(index)
    hit_rows = np.flatnonzero(fired.any(axis=1))
    if not len(hit_rows):
        return out
    _, lost = points_lost(arrays, index[hit_rows])
    columns = [ATTRIBUTES.index(p.attribute) for p in config.penalties]
    values = arrays.values[index[hit_rows]][:, columns]
    for row, row_fired, row_values, row_lost in zip(
        hit_rows.tolist(),
        fired[hit_rows].tolist(),
        values.tolist(),
        python_round(lost, 4).tolist(),
        strict=True,
    ):
        hits = zip(config.penalties, row_fired, row_values, row_lost, strict=True)
        out[row] = [Hit(p.attribute, v, p.below, points) for p, f, v, points in hits if f]
    return out


def missing_names(missing: npt.NDArray[np.bool_]) -> list[tuple[str, ...]]:
    """Per row, the attributes not measured (ATTRIBUTES order); one tuple per pattern."""
    codes = missing.astype(np.intp) @ (1 << np.arange(len(ATTRIBUTES)))
    patterns = {
        code: tuple(a for j, a in enumerate(ATTRIBUTES) if code >> j & 1)
        for code in np.unique(codes).tolist()
    }
    return [patterns[code] for code in codes.tolist()]


_Model = TypeVar("_Model", bound=BaseModel)


def trusted(cls: type[_Model], fields: dict[str, Any]) -> _Model:
    """``cls(**fields)`` without validation, for values built here with the field types.

    What ``model_construct`` does, minus its per-field overhead (a few µs per model, which
    is most of the cost at 100,000 photos). Tests check the results validate unchanged.
    """
    model = cls.__new__(cls)
    object.__setattr__(model, "__dict__", fields)
    object.__setattr__(model, "__pydantic_fields_set__", set(fields))
    object.__setattr__(model, "__pydantic_extra__", None)
    object.__setattr__(model, "__pydantic_private__", None)
    return model
