"""Fitting the weights to a photographer's ratings: exact agreement, a fit that finds a
planted preference, and one that admits when there is nothing to find."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from photo_score.scoring import default_config, score_matrix
from photo_score.scoring.taste import _project, agreement, config_with_mix, fit_taste, mix_of


def _brute_agreement(scores: np.ndarray, ratings: np.ndarray) -> tuple[float, int]:
    agree, pairs = 0.0, 0
    for i, j in itertools.combinations(range(len(scores)), 2):
        if ratings[i] == ratings[j]:
            continue
        hi, lo = (i, j) if ratings[i] > ratings[j] else (j, i)
        pairs += 1
        agree += 1.0 if scores[hi] > scores[lo] else 0.5 if scores[hi] == scores[lo] else 0.0
    return agree / pairs, pairs


def test_agreement_counts_every_pair_ties_as_half() -> None:
    rng = np.random.default_rng(5)
    for _ in range(20):
        n = int(rng.integers(2, 40))
        scores = rng.integers(0, 8, n).astype(float)  # many ties
        ratings = rng.integers(-1, 6, n).astype(float)
        if len(np.unique(ratings)) < 2:
            continue
        got, pairs = agreement(scores, ratings)
        want, want_pairs = _brute_agreement(scores, ratings)
        assert pairs == want_pairs
        assert got == pytest.approx(want)


def test_projection_lands_on_the_simplex() -> None:
    rng = np.random.default_rng(2)
    for _ in range(50):
        x = rng.normal(0, 2, 6)
        p = _project(x)
        assert p.min() >= 0
        assert p.sum() == pytest.approx(1.0)
        # The nearest simplex point: no other simplex point sampled is closer.
        others = rng.dirichlet(np.ones(6), 200)
        assert np.linalg.norm(x - p) <= np.linalg.norm(x - others, axis=1).min() + 1e-12
    inside = np.array([0.1, 0.2, 0.3, 0.1, 0.2, 0.1])
    assert _project(inside) == pytest.approx(inside)


def test_a_mix_becomes_a_config_that_scores_with_it() -> None:
    mix = np.array([0.05, 0.05, 0.5, 0.1, 0.2, 0.1])
    config = config_with_mix(default_config(), mix, "mine")
    assert config.name == "mine"
    assert mix_of(config) == pytest.approx(mix, abs=1e-4)
    values = np.random.default_rng(1).uniform(0.3, 0.9, (50, 6))  # above every penalty
    assert score_matrix(values, config).final == pytest.approx(100 * values @ mix, abs=0.02)
    # A category with no share keeps its own ratios (the config needs some) and weight 0.
    technical_only = config_with_mix(default_config(), np.array([0, 0, 0, 0.5, 0.3, 0.2]), "t")
    assert technical_only.category_weights.aesthetic == 0
    assert technical_only.weights.aesthetic == default_config().weights.aesthetic
    assert technical_only.fingerprint != default_config().fingerprint


def _planted(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Ratings of a photographer who cares mostly about visual appeal and exposure."""
    rng = np.random.default_rng(seed)
    values = rng.uniform(0.25, 0.95, (n, 6))
    truth = np.array([0.05, 0.05, 0.55, 0.05, 0.25, 0.05])
    taste = values @ truth + rng.normal(0, 0.02, n)
    ratings = np.digitize(taste, np.quantile(taste, [0.2, 0.4, 0.6, 0.8])) + 1.0
    return values, ratings, truth


def test_the_fit_finds_a_planted_preference_and_it_holds_on_unseen_photos() -> None:
    values, ratings, truth = _planted(300, seed=3)
    fit = fit_taste(values, ratings, default_config())
    assert fit.rated == 300
    assert fit.improves
    assert fit.held_out_after is not None
    assert fit.held_out_before is not None
    assert fit.held_out_after > fit.held_out_before + 0.1
    assert fit.after > fit.before + 0.1
    mix = np.array(fit.mix)
    assert np.argsort(-mix)[:2].tolist() == [2, 4]  # visual appeal, then exposure
    assert np.abs(mix - truth).sum() < np.abs(mix_of(default_config()) - truth).sum() / 2
    # Fresh photos rated by the same photographer: the fitted config orders them better.
    fresh, fresh_ratings, _ = _planted(300, seed=4)
    new = agreement(score_matrix(fresh, fit.config).final, fresh_ratings)[0]
    old = agreement(score_matrix(fresh, default_config()).final, fresh_ratings)[0]
    assert new > old + 0.1


def test_random_ratings_teach_nothing_and_the_fit_says_so() -> None:
    rng = np.random.default_rng(8)
    values = rng.uniform(0.25, 0.95, (400, 6))
    ratings = rng.integers(1, 6, 400).astype(float)
    fit = fit_taste(values, ratings, default_config())
    assert not fit.improves
    assert fit.held_out_after is not None
    assert abs(fit.held_out_after - 0.5) < 0.05


def test_too_little_to_learn_from_is_refused_with_the_reason() -> None:
    values = np.full((30, 6), 0.6)
    with pytest.raises(ValueError, match="rate at least 20"):
        fit_taste(values[:19], np.arange(19.0) % 5, default_config())
    with pytest.raises(ValueError, match="same rating"):
        fit_taste(values, np.full(30, 3.0), default_config())
    holes = values.copy()
    holes[:15, 0] = np.nan  # rows missing an attribute do not count
    with pytest.raises(ValueError, match="15 rated photos"):
        fit_taste(holes, np.arange(30.0) % 5, default_config())
