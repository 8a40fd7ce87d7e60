"""Fixtures and builders for the scoring tests."""

from __future__ import annotations

from typing import Any

import pytest

from photo_score.models import ATTRIBUTES
from photo_score.scoring import ScoringConfig, default_config


@pytest.fixture
def config() -> ScoringConfig:
    return default_config()


def make_config(**changes: Any) -> ScoringConfig:
    """The default config with some sections replaced, validated like a user file."""
    data = default_config().model_dump(mode="json")
    data.update(changes)
    return ScoringConfig.model_validate(data)


def all_at(value: float, **overrides: float) -> dict[str, float]:
    return {**dict.fromkeys(ATTRIBUTES, value), **overrides}
