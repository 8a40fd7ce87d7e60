"""Mapping raw measurements to [0, 1] scores.

Every local attribute is a piecewise-linear curve through anchor points chosen on real
photos and their degraded copies (see docs/local-analyzer.md). Piecewise-linear rather than
logistic so each anchor reads as a sentence: "a blur ratio of 0.45 is worth 0.3".
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def clamp01(x: float) -> float:
    """Clamp to [0, 1]; NaN becomes 0 so no caller can leak a NaN into an attribute."""
    if not np.isfinite(x):
        return 0.0
    return float(min(1.0, max(0.0, x)))


def curve(x: float, xs: Sequence[float], ys: Sequence[float]) -> float:
    """Piecewise-linear map through ``(xs[i], ys[i])``; flat beyond the end anchors."""
    return clamp01(float(np.interp(x, xs, ys)))


def ramp(x: float, lo: float, hi: float) -> float:
    """0 at ``lo``, 1 at ``hi`` (either order), linear between."""
    if hi == lo:
        return 1.0 if x >= hi else 0.0
    return clamp01((x - lo) / (hi - lo))


def blend(parts: Sequence[tuple[float, float]]) -> float:
    """Weighted mean of ``(value, weight)`` pairs, ignoring zero weights."""
    total = sum(w for _, w in parts)
    if total <= 0:
        return 0.0
    return clamp01(sum(v * w for v, w in parts) / total)
