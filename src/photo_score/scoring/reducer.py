"""The reducer: attributes → a 0–100 score. Pure, vectorised, and the only copy of the formula.

Upstream carried four diverging copies of this formula; here everything (the per-photo
breakdown, the explanation's counterfactuals, the CLI, the sidecar and the cloud) calls
:func:`reduce_arrays`, so a config change re-scores 100,000 cached photos in milliseconds
without calling a model. The formula is spelled out in docs/scoring.md.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict

from photo_score.errors import PhotoScoreError
from photo_score.models import ATTRIBUTES
from photo_score.scoring.config import ScoringConfig
from photo_score.scoring.tiers import tier_for

Array = npt.NDArray[np.float64]
_N_AESTHETIC = 3  # columns 0..2 are aesthetic, 3..5 technical (models.ATTRIBUTES order)


class UnscorableError(PhotoScoreError):
    """No attribute that carries weight was measured, so there is no score (never a 0)."""


@dataclass(frozen=True)
class ReducerParams:
    """A config in numbers. Each array may carry a leading N axis (one config per row),
    which is how the explanation scores many config variants of one photo in one call."""

    attribute_weights: Array  # (6,) or (N, 6), raw: renormalised per row over present ones
    category_weights: Array  # (2,) or (N, 2), raw
    penalty_columns: npt.NDArray[np.intp]  # (P,) attribute column of each penalty
    penalty_below: Array  # (P,) or (N, P)
    penalty_max: Array  # (P,) or (N, P)

    @classmethod
    def from_config(cls, config: ScoringConfig) -> ReducerParams:
        c = config.category_weights
        return cls(
            attribute_weights=np.array(config.weights.vector(), dtype=np.float64),
            category_weights=np.array([c.aesthetic, c.technical], dtype=np.float64),
            penalty_columns=np.array(
                [ATTRIBUTES.index(p.attribute) for p in config.penalties], dtype=np.intp
            ),
            penalty_below=np.array([p.below for p in config.penalties], dtype=np.float64),
            penalty_max=np.array([p.max_penalty for p in config.penalties], dtype=np.float64),
        )


@dataclass(frozen=True)
class ScoreArrays:
    """Scores of N photos; row i of every array belongs to row i of the input."""

    final: Array  # (N,) 0–100, rounded to 2 dp; NaN = unscorable (no weighted attribute)
    values: Array  # (N, 6) the attributes as scored: clipped to [0, 1], NaN = missing
    aesthetic: Array  # (N,) 0–1; NaN when no aesthetic attribute was measured
    technical: Array  # (N,) 0–1; NaN when no technical attribute was measured
    contributions: Array  # (N, 6) points out of 100 before penalties; missing → 0
    weights: Array  # (N, 6) effective weight of each attribute in this row (sums to 1)
    penalty_factor: Array  # (N,) product of the penalty factors
    penalty_factors: Array  # (N, P) one column per config penalty, 1 = did not fire
    missing: npt.NDArray[np.bool_]  # (N, 6)
    complete: npt.NDArray[np.bool_]  # (N,) all six attributes present

    @property
    def pre_penalty(self) -> Array:
        """Points before penalties (the sum of the contributions); NaN when unscorable."""
        return np.where(np.isnan(self.final), np.nan, self.contributions.sum(axis=1))


def reduce_arrays(values: Array, params: ReducerParams) -> ScoreArrays:
    """The formula. ``values`` is N×6 in ATTRIBUTES order, NaN = missing."""
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 2 or values.shape[1] != len(ATTRIBUTES):
        raise ValueError(f"values must be N×{len(ATTRIBUTES)}, got shape {values.shape}")
    # Work attribute-major (6×N): every step is then a sum or product of contiguous rows.
    # numpy reduces a short trailing axis slowly, and BLAS matmul stalls on a busy machine.
    x = np.ascontiguousarray(values.T)
    missing = np.isnan(x)
    # Attributes are defined on [0, 1]; a miscalibrated 1.2 cannot beat a perfect 1.0.
    clipped = np.clip(x, 0.0, 1.0)  # NaN stays NaN
    v = np.where(missing, 0.0, clipped)
    w = np.where(missing, 0.0, _rows(params.attribute_weights))
    wv = w * v
    parts = (slice(0, _N_AESTHETIC), slice(_N_AESTHETIC, len(ATTRIBUTES)))
    weight_sums = [w[part].sum(axis=0) for part in parts]  # weight present per category
    present = [ws > 0 for ws in weight_sums]
    category_weights = _rows(params.category_weights)
    cw = [np.where(ok, c, 0.0) for ok, c in zip(present, category_weights, strict=True)]
    cw_sum = cw[0] + cw[1]
    scorable = cw_sum > 0
    category, weights = [], w.copy()
    for part, ws, ok, c in zip(parts, weight_sums, present, cw, strict=True):
        mean = np.full(len(ws), np.nan)
        category.append(np.divide(wv[part].sum(axis=0), ws, out=mean, where=ok))
        share = np.divide(c, cw_sum, out=np.zeros(len(ws)), where=scorable)
        weights[part] *= np.divide(share, ws, out=np.zeros(len(ws)), where=ok)
    contributions = 100.0 * weights * v  # effective weights: each scorable column sums to 1

    penalty_values = clipped[params.penalty_columns]  # (P, N); NaN (missing) never fires
    below = _rows(params.penalty_below)
    with np.errstate(invalid="ignore"):
        fired = penalty_values < below
    drop = _rows(params.penalty_max) * (below - penalty_values) / below
    factors = np.where(fired, 1.0 - drop, 1.0)
    factor = factors.prod(axis=0) if len(factors) else np.ones(x.shape[1])

    raw = contributions.sum(axis=0) * factor
    final = np.round(np.clip(raw, 0.0, 100.0), 2)
    final[~scorable] = np.nan
    return ScoreArrays(
        final=final,
        values=clipped.T,
        aesthetic=category[0],
        technical=category[1],
        contributions=contributions.T,
        weights=weights.T,
        penalty_factor=factor,
        penalty_factors=factors.T,
        missing=missing.T,
        complete=np.asarray(~missing.any(axis=0), dtype=np.bool_),
    )


def _rows(param: Array) -> Array:
    """A parameter as rows against the 6×N (or P×N) layout: (k,) → (k, 1), (N, k) → (k, N)."""
    return param[:, None] if param.ndim == 1 else param.T


def score_matrix(values: Array, config: ScoringConfig) -> ScoreArrays:
    """Score N photos at once (N×6 in ``models.ATTRIBUTES`` order, NaN = missing)."""
    return reduce_arrays(values, ReducerParams.from_config(config))


def to_matrix(rows: Iterable[Mapping[str, float]]) -> Array:
    """Attribute mappings → the N×6 matrix :func:`score_matrix` takes (absent → NaN).

    An unknown key raises: a misspelt attribute must not pass as "missing".
    """
    matrix = []
    for row in rows:
        unknown = set(row) - set(ATTRIBUTES)
        if unknown:
            raise ValueError(f"unknown attribute(s): {', '.join(sorted(unknown))}")
        matrix.append([_as_value(row.get(name)) for name in ATTRIBUTES])
    return np.array(matrix, dtype=np.float64).reshape(len(matrix), len(ATTRIBUTES))


def _as_value(value: float | None) -> float:
    return math.nan if value is None else float(value)


class PenaltyHit(BaseModel):
    """A penalty that fired on one photo."""

    model_config = ConfigDict(frozen=True)

    attribute: str
    below: float
    value: float
    factor: float  # the multiplier it applied, in [0, 1)
    points_lost: float  # its share of the points the penalties took, out of 100


class ScoreBreakdown(BaseModel):
    """One photo's score and where it came from, built by :func:`breakdown_at`.

    Everything but ``final_score`` (2 dp, as the arrays) is rounded to 4–6 decimals for
    display; use :class:`ScoreArrays` for exact values.
    """

    model_config = ConfigDict(frozen=True)

    final_score: float
    tier: str
    aesthetic_score: float | None
    technical_score: float | None
    pre_penalty_score: float  # points before penalties (= sum of contributions)
    contributions: dict[str, float]  # points out of 100, before penalties; missing → 0
    weights: dict[str, float]  # effective weight of each attribute for this photo
    penalties: list[PenaltyHit]  # only those that fired
    missing: list[str]
    config_fingerprint: str


def breakdown_at(arrays: ScoreArrays, i: int, config: ScoringConfig) -> ScoreBreakdown:
    """Row ``i`` of a :func:`score_matrix` result as a breakdown; raises if unscorable."""
    final = float(arrays.final[i])
    if math.isnan(final):
        raise UnscorableError("no weighted attribute was measured; this photo has no score")
    pres, losts = points_lost(arrays, np.array([i], dtype=np.intp))
    pre, lost = float(pres[0]), losts[0].tolist()
    factors = arrays.penalty_factors[i]
    hits = [
        PenaltyHit(
            attribute=p.attribute,
            below=p.below,
            value=float(arrays.values[i, ATTRIBUTES.index(p.attribute)]),
            factor=round(float(f), 4),
            points_lost=round(points, 4),
        )
        for p, f, points in zip(config.penalties, factors, lost, strict=True)
        if f < 1.0
    ]
    return ScoreBreakdown(
        final_score=final,
        tier=tier_for(final, config),
        aesthetic_score=_or_none(arrays.aesthetic[i]),
        technical_score=_or_none(arrays.technical[i]),
        pre_penalty_score=round(pre, 4),
        contributions=_rounded(arrays.contributions[i], 4),
        weights=_rounded(arrays.weights[i], 6),
        penalties=hits,
        missing=[a for a, m in zip(ATTRIBUTES, arrays.missing[i], strict=True) if m],
        config_fingerprint=config.fingerprint,
    )


def score_one(attributes: Mapping[str, float], config: ScoringConfig) -> ScoreBreakdown:
    """Score one photo through :func:`score_matrix` (one formula for one photo or 100,000)."""
    return breakdown_at(score_matrix(to_matrix([attributes]), config), 0, config)


def points_lost(arrays: ScoreArrays, rows: npt.NDArray[np.intp]) -> tuple[Array, Array]:
    """Points before penalties (n,) and the points each penalty took (n, P) for ``rows``.

    The one computation behind :class:`PenaltyHit` (``breakdown_at`` calls it with one row,
    the batched explanations with many). The points lost (``pre × (1 − factor)``) are shared
    among the penalties in proportion to −log(factor): multiplicative penalties have no
    natural order, and the log share is order-free and adds up to the total. A factor of 0
    (max_penalty 1 at value 0) takes everything, split evenly among the zeros.
    """
    pre = arrays.contributions[rows].sum(axis=1)  # summed left to right, as a row .sum()
    factors = arrays.penalty_factors[rows]
    total = (pre * (1.0 - arrays.penalty_factor[rows]))[:, None]
    zero = factors <= 0.0
    n_zero = zero.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = -np.log(factors)
        by_log = total * logs / logs.sum(axis=1, keepdims=True)
        by_zero = np.where(zero, total / n_zero, 0.0)
    lost = np.where(total > 0.0, np.where(n_zero > 0, by_zero, by_log), 0.0)
    return pre, lost


def _or_none(x: np.float64) -> float | None:
    return None if math.isnan(x) else round(float(x), 4)


def _rounded(row: Array, digits: int) -> dict[str, float]:
    """JSON-friendly numbers: 18.9, not 18.900000000000002."""
    return {name: round(float(x), digits) for name, x in zip(ATTRIBUTES, row, strict=True)}
