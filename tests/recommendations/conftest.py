"""Synthetic collections with known tendencies, and a CLI runner for ``insights``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from photo_score.models import ATTRIBUTES

Record = dict[str, Any]


def make_records(
    n: int,
    *,
    seed: int = 7,
    center: float = 0.65,
    spread: float = 0.1,
    features: Callable[[int], dict[str, Any]] | None = None,
    measurements: Callable[[int], dict[str, float]] | None = None,
    attributes: Callable[[int, dict[str, float]], dict[str, float]] | None = None,
    capture_time: Callable[[int], str | None] | None = None,
    analyzer: str = "openrouter:test-model",
) -> list[Record]:
    """``n`` photos with normal attributes around ``center``; callbacks plant tendencies."""
    rng = np.random.default_rng(seed)
    draws = np.clip(rng.normal(center, spread, size=(n, len(ATTRIBUTES))), 0.0, 1.0)
    out: list[Record] = []
    for i in range(n):
        attrs = {k: round(float(v), 4) for k, v in zip(ATTRIBUTES, draws[i], strict=True)}
        if attributes is not None:
            attrs = attributes(i, attrs)
        out.append(
            {
                "image_id": f"{i:064x}",
                "attributes": attrs,
                "features": features(i) if features else {},
                "measurements": measurements(i) if measurements else {},
                "capture_time": capture_time(i) if capture_time else "2024-05-01T10:00:00",
                "analyzer": analyzer,
            }
        )
    return out
