"""Fit the attribute weights to the photographer's own star ratings (DESIGN §10).

With all six attributes measured and no penalty firing, the reducer's score is a convex
mix of the attributes: ``Σ β_j·v_j`` with ``β_j = category weight × weight within the
category`` (renormalised), so ``β ≥ 0`` and ``Σ β = 1``. Finding the config that agrees
best with the photographer's ratings is finding that β.

"Agrees" is about order, not level: a photographer's three stars and photo-score's 64
are on different scales, and what matters is that a 4-star photo scores above a 2-star
one. The fit minimises a smooth pairwise ranking loss (logistic on score differences,
over pairs of photos rated differently) on the simplex, pulled towards the current
weights so that a few dozen ratings cannot swing the config to an extreme. How hard it
is pulled is picked by cross-validation over photos. The figure reported as *expected on
new photos* is nested cross-validation: each fold is judged by a fit that neither saw it
nor chose its pull on it, not the agreement on the ratings the fit was shown.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from photo_score.models import ATTRIBUTES
from photo_score.scoring.config import ScoringConfig
from photo_score.scoring.reducer import score_matrix

Array = npt.NDArray[np.float64]

MIN_RATED = 20  # fewer ratings than this say more about luck than about taste
FOLDS = 5
IMPROVES_BY = 0.02
_PULLS = (0.0, 0.1, 0.3, 1.0, 3.0, 10.0, 100.0)  # strength of the pull to the current weights
_CLOSE = 0.005  # agreement this close to the best counts as a tie: prefer the stronger pull
_MAX_PAIRS = 10_000  # plenty to place 6 numbers; keeps the ~200 cross-validation fits fast
_TEMPERATURE = 0.05  # score difference (0–1) at which a pair's loss is clearly decided
_STEPS = 200


@dataclass(frozen=True, slots=True)
class TasteFit:
    """What the fit found, and how far to trust it."""

    config: ScoringConfig  # the base config with the fitted weights
    rated: int  # photos with a rating and all six attributes
    pairs: int  # pairs of them rated differently
    before: float  # share of those pairs the base config orders like the photographer
    after: float  # the same with the fitted config (on the ratings it was fitted to)
    held_out_before: float | None  # cross-validated: the base config on each fold
    held_out_after: float | None  # a fit that never saw the fold (nor chose its pull on
    # it), on that fold
    base_mix: tuple[float, ...]  # β of the base config

    @property
    def mix(self) -> tuple[float, ...]:
        """β, the fitted share of each attribute (ATTRIBUTES order), as the config has it."""
        return tuple(round(float(x), 4) for x in mix_of(self.config))

    @property
    def improves(self) -> bool:
        """The fitted weights order photos the fit never saw better than the base weights,
        by at least ``IMPROVES_BY`` of agreement: worth using."""
        if self.held_out_after is None or self.held_out_before is None:
            return False
        return self.held_out_after - self.held_out_before >= IMPROVES_BY


def mix_of(config: ScoringConfig) -> Array:
    """β of a config: each attribute's share of the final score when all are measured."""
    w = np.array(config.weights.vector(), dtype=np.float64)
    c = config.category_weights
    cats = np.array([c.aesthetic, c.technical], dtype=np.float64)
    cats = cats / cats.sum()
    a, t = w[:3] / w[:3].sum(), w[3:] / w[3:].sum()
    return np.concatenate([a * cats[0], t * cats[1]])


def config_with_mix(base: ScoringConfig, mix: Array, name: str) -> ScoringConfig:
    """``base`` with weights that give the share ``mix`` (a category whose share is 0
    keeps its own ratios: they no longer matter, and the config needs some)."""
    mix = np.round(np.clip(mix, 0.0, None) / mix.sum(), 4)
    a_share, t_share = float(mix[:3].sum()), float(mix[3:].sum())
    a = mix[:3] / a_share if a_share > 0 else np.array(base.weights.vector()[:3])
    t = mix[3:] / t_share if t_share > 0 else np.array(base.weights.vector()[3:])
    data = base.model_dump(mode="json")  # validated anew (model_copy would keep a stale
    data.update(  # cached fingerprint)
        name=name,
        weights={
            "aesthetic": {n: round(float(x), 4) for n, x in zip(ATTRIBUTES[:3], a, strict=True)},
            "technical": {n: round(float(x), 4) for n, x in zip(ATTRIBUTES[3:], t, strict=True)},
        },
        category_weights={"aesthetic": round(a_share, 4), "technical": round(t_share, 4)},
    )
    return ScoringConfig.model_validate(data)


def agreement(scores: Array, ratings: Array) -> tuple[float, int]:
    """Share of the pairs rated differently that ``scores`` order the same way (ties in
    score count half), and the number of such pairs. Exact, O(N log N) per rating level."""
    levels = np.unique(ratings)
    by_level = [np.sort(scores[ratings == level]) for level in levels]
    agree, pairs = 0.0, 0
    for hi in range(1, len(levels)):
        for lo in range(hi):
            better, worse = by_level[hi], by_level[lo]
            below = np.searchsorted(worse, better, side="left").sum()
            tied = np.searchsorted(worse, better, side="right").sum() - below
            agree += float(below) + 0.5 * float(tied)
            pairs += len(better) * len(worse)
    return (agree / pairs if pairs else float("nan")), pairs


def fit_taste(
    values: Array, ratings: Array, base: ScoringConfig, *, name: str | None = None, seed: int = 0
) -> TasteFit:
    """Fit the weights of ``base`` to ``ratings`` (N) of photos with ``values`` (N×6).

    Rows with a missing attribute are left out (the share of an absent attribute is not
    defined). Raises ``ValueError`` with a reason a photographer can act on when there is
    too little to learn from.
    """
    values = np.asarray(values, dtype=np.float64)
    ratings = np.asarray(ratings, dtype=np.float64)
    complete = ~np.isnan(values).any(axis=1) & ~np.isnan(ratings)
    v, r = np.clip(values[complete], 0.0, 1.0), ratings[complete]
    if len(r) < MIN_RATED:
        raise ValueError(
            f"{len(r)} rated photo{'' if len(r) == 1 else 's'} with every attribute measured; "
            f"rate at least {MIN_RATED}"
        )
    if len(np.unique(r)) < 2:
        raise ValueError(f"all {len(r)} rated photos have the same rating; nothing to learn")
    rng = np.random.default_rng(seed)
    base_mix = mix_of(base)
    folds = rng.permutation(len(r)) % FOLDS
    pull = _choose_pull(v, r, base_mix, rng)

    # What to expect on new photos, honestly: each outer fold is scored by a fit that
    # chose its own pull (by inner cross-validation) without ever seeing that fold, and
    # judged as the photographer would see it: the real reducer, penalties included.
    agree = base_agree = weight = 0.0
    for k in range(FOLDS):
        train, test = folds != k, folds == k
        before_k, pairs_k = agreement(_final(v[test], base), r[test])
        if pairs_k == 0:
            continue
        fold_mix = _fit(
            v[train], r[train], base_mix, _choose_pull(v[train], r[train], base_mix, rng), rng
        )
        fold_config = config_with_mix(base, fold_mix, base.name)
        agree += agreement(_final(v[test], fold_config), r[test])[0] * pairs_k
        base_agree += before_k * pairs_k
        weight += pairs_k
    held_after = agree / weight if weight else None
    held_before = base_agree / weight if weight else None
    mix = _fit(v, r, base_mix, pull, rng)
    config = config_with_mix(base, mix, name or f"{base.name}-taste")

    before, pairs = agreement(_final(v, base), r)
    after, _ = agreement(_final(v, config), r)
    return TasteFit(
        config=config,
        rated=len(r),
        pairs=pairs,
        before=before,
        after=after,
        held_out_before=held_before,
        held_out_after=held_after,
        base_mix=tuple(round(float(x), 4) for x in base_mix),
    )


def _choose_pull(values: Array, ratings: Array, start: Array, rng: np.random.Generator) -> float:
    """The strength of the pull to ``start`` that orders held-out photos best: the
    strongest within ``_CLOSE`` of the best, so the weights move only as far as unseen
    photos justify. With too few ratings to hold any out, a strong pull."""
    folds = rng.permutation(len(ratings)) % FOLDS
    held: dict[float, float] = {}
    for pull in _PULLS:
        agree = weight = 0.0
        for k in range(FOLDS):
            train, test = folds != k, folds == k
            pairs = agreement(values[test] @ start, ratings[test])[1]
            if pairs == 0 or len(np.unique(ratings[train])) < 2:
                continue
            mix = _fit(values[train], ratings[train], start, pull, rng)
            agree += agreement(values[test] @ mix, ratings[test])[0] * pairs
            weight += pairs
        if weight:
            held[pull] = agree / weight
    if not held:
        return _PULLS[-2]
    best = max(held.values())
    return max(p for p, a in held.items() if a >= best - _CLOSE)


def _final(values: Array, config: ScoringConfig) -> Array:
    """The real reducer's final score, penalties included: what the photographer sees."""
    return score_matrix(values, config).final


def _pairs(ratings: Array, rng: np.random.Generator) -> tuple[npt.NDArray[np.intp], ...]:
    """(better, worse) index pairs of photos rated differently; a random sample when
    there are more than ``_MAX_PAIRS``."""
    n = len(ratings)
    if n * (n - 1) // 2 <= _MAX_PAIRS:
        i, j = np.triu_indices(n, k=1)
    else:
        i, j = rng.integers(0, n, _MAX_PAIRS), rng.integers(0, n, _MAX_PAIRS)
    keep = ratings[i] != ratings[j]
    i, j = i[keep], j[keep]
    flip = ratings[i] < ratings[j]
    return np.where(flip, j, i), np.where(flip, i, j)


def _fit(
    values: Array, ratings: Array, start: Array, pull: float, rng: np.random.Generator
) -> Array:
    """β on the simplex minimising the mean logistic pairwise loss plus
    ``pull·‖β − start‖²``, by accelerated projected gradient (FISTA)."""
    better, worse = _pairs(ratings, rng)
    if len(better) == 0:
        return start.copy()
    d = (values[better] - values[worse]) / _TEMPERATURE  # (P, 6)
    # Step from the gradient's Lipschitz constant: ‖dᵀd‖/(4P) for the loss, 2·pull.
    lipschitz = float(np.linalg.eigvalsh(d.T @ d / len(d)).max()) / 4 + 2 * pull
    step = 1.0 / max(lipschitz, 1e-9)
    beta = y = start.copy()
    t = 1.0
    for _ in range(_STEPS):
        margin = d @ y
        grad = -(d.T @ _sigmoid(-margin)) / len(d) + 2 * pull * (y - start)
        nxt = _project(y - step * grad)
        t_next = (1 + np.sqrt(1 + 4 * t * t)) / 2
        y = nxt + (t - 1) / t_next * (nxt - beta)
        beta, t = nxt, t_next
    return beta


def _sigmoid(x: Array) -> Array:
    out: Array = 0.5 * (1.0 + np.tanh(0.5 * x))  # overflow-free logistic
    return out


def _project(x: Array) -> Array:
    """Euclidean projection onto the probability simplex (sort-based, Duchi et al. 2008)."""
    u = np.sort(x)[::-1]
    css = np.cumsum(u) - 1.0
    k = np.arange(1, len(x) + 1)
    rho = int(np.nonzero(u - css / k > 0)[0][-1])
    theta = css[rho] / (rho + 1)
    out: Array = np.maximum(x - theta, 0.0)
    return out
