"""Small numeric helpers shared by the personality's parts.

Rounding lives here so every number in a profile is rounded the same way: that is what
keeps the serialised profile identical byte for byte across the CLI, desktop and cloud.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from photo_score.recommendations.records import Categorical, Codes

Array = npt.NDArray[np.float64]
Mask = npt.NDArray[np.bool_]


def rnd(x: float, digits: int = 3) -> float:
    return round(float(x), digits)


def rnd_opt(x: float | None, digits: int = 3) -> float | None:
    """Rounded, with None and NaN both reported as None (JSON has no NaN)."""
    return None if x is None or math.isnan(x) else round(float(x), digits)


def pct(x: float) -> str:
    return f"{x:.0%}"


def lookup(cat: Categorical, mapping: Mapping[str, float], default: float = math.nan) -> Array:
    """Per-photo value of a categorical feature; absent and "unknown" → NaN."""
    lut = [
        math.nan if level.lower() == "unknown" else mapping.get(level.lower(), default)
        for level in cat.levels
    ]
    table = np.array([*lut, math.nan], dtype=np.float64)  # code -1 picks the trailing NaN
    result: Array = table[cat.codes]
    return result


def level_counts(codes: Codes, n_levels: int) -> npt.NDArray[np.intp]:
    """Photos per level of a categorical column (code -1, "absent", is not counted)."""
    counts: npt.NDArray[np.intp] = np.bincount(codes[codes >= 0], minlength=n_levels)
    return counts


def nanmean_rows(*columns: Array) -> Array:
    """Per-photo mean of the columns that have a value; NaN where none has."""
    stacked = np.vstack(columns)
    present = ~np.isnan(stacked)
    count = present.sum(axis=0)
    total = np.where(present, stacked, 0.0).sum(axis=0)
    return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def welch_z(a_sum: float, a_sq: float, a_n: int, b_sum: float, b_sq: float, b_n: int) -> float:
    """z of the difference of two means from sums and sums of squares (0 if degenerate)."""
    if a_n < 2 or b_n < 2:
        return 0.0
    ma, mb = a_sum / a_n, b_sum / b_n
    va = max(a_sq / a_n - ma * ma, 0.0) * a_n / (a_n - 1)
    vb = max(b_sq / b_n - mb * mb, 0.0) * b_n / (b_n - 1)
    se = math.sqrt(va / a_n + vb / b_n)
    return (ma - mb) / se if se > 0 else (math.inf if ma != mb else 0.0)
