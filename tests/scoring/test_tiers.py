"""The single tier table: boundaries, custom bands, the vectorised form and XMP marks."""

from __future__ import annotations

import math

import numpy as np
import pytest

from photo_score.scoring import (
    TIER_NAMES,
    ScoringConfig,
    tier_bands,
    tier_for,
    tier_names,
    tiers_for,
    xmp_for,
)
from tests.scoring.conftest import make_config


@pytest.mark.parametrize(
    ("score", "tier"),
    [
        (100.0, "Excellent"),
        (85.0, "Excellent"),
        (84.99, "Strong"),
        (70.0, "Strong"),
        (69.99, "Competent"),
        (50.0, "Competent"),
        (49.99, "Snapshot"),
        (30.0, "Snapshot"),
        (29.99, "Flawed"),
        (0.0, "Flawed"),
    ],
)
def test_design_boundaries(score: float, tier: str) -> None:
    assert tier_for(score) == tier
    assert tiers_for(np.array([score]))[0] == tier


@pytest.mark.parametrize("score", [math.nan, -0.01, 100.01])
def test_no_tier_outside_the_scale(score: float) -> None:
    with pytest.raises(ValueError, match="0–100"):
        tier_for(score)
    assert tiers_for(np.array([score]))[0] is None


def test_names_and_bands(config: ScoringConfig) -> None:
    assert tier_names(config) == TIER_NAMES
    assert tier_bands(config) == [
        ("Excellent", 85, 100),
        ("Strong", 70, 85),
        ("Competent", 50, 70),
        ("Snapshot", 30, 50),
        ("Flawed", 0, 30),
    ]


def test_a_custom_table_is_used_everywhere() -> None:
    cfg = make_config(
        tiers=[{"name": "Keep", "min": 60}, {"name": "Bin", "min": 0}],
        xmp={"Keep": {"rating": 5}, "Bin": {"rating": -1, "label": "Red"}},
    )
    assert tier_for(59.99, cfg) == "Bin"
    assert list(tiers_for(np.array([60.0, 12.0]), cfg)) == ["Keep", "Bin"]
    assert xmp_for("Bin", cfg).rating == -1


def test_default_xmp_marks(config: ScoringConfig) -> None:
    assert [xmp_for(t, config).rating for t in TIER_NAMES] == [5, 4, 3, 2, 1]
    assert xmp_for("Excellent").label == "Green"
    assert xmp_for("Flawed").label == "Red"
    assert xmp_for("Competent").label is None


def test_vectorised_matches_scalar_on_a_grid(config: ScoringConfig) -> None:
    scores = np.round(np.linspace(0, 100, 10001), 2)
    assert list(tiers_for(scores, config)) == [tier_for(float(s), config) for s in scores]
