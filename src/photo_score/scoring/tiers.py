"""The one tier table (DESIGN §4): every surface names a score's tier through this module.

Upstream had four inconsistent band tables; here the bands live only in the config and
these functions are the only readers, so the CLI, the sidecar, the cloud and XMP agree.
Tiers are taken from the score as displayed (rounded to 2 decimals): the reducer rounds
before anyone asks, so "84.99" is always Strong and "85.00" always Excellent.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from photo_score.scoring.config import ScoringConfig, XmpMark, default_config

TIER_NAMES: tuple[str, ...] = ("Excellent", "Strong", "Competent", "Snapshot", "Flawed")
"""The default tiers, best first. A config may rename or re-band them; use
:func:`tier_names` when a config is in play."""


def tier_names(config: ScoringConfig | None = None) -> tuple[str, ...]:
    """The config's tier names, best first."""
    return tuple(t.name for t in (config or default_config()).tiers)


def tier_bands(config: ScoringConfig | None = None) -> list[tuple[str, float, float]]:
    """``(name, low, high)`` per tier, best first: ``low <= score < high`` (100 is in the top)."""
    tiers = (config or default_config()).tiers
    highs = [100.0, *(t.min for t in tiers[:-1])]
    return [(t.name, t.min, high) for t, high in zip(tiers, highs, strict=True)]


def tier_for(score: float, config: ScoringConfig | None = None) -> str:
    """The tier of a 0–100 score. A NaN or out-of-range score is a bug upstream: raise."""
    if math.isnan(score) or not 0 <= score <= 100:
        raise ValueError(f"a score must be within 0–100 to have a tier (got {score})")
    for tier in (config or default_config()).tiers:  # sorted best first by the config
        if score >= tier.min:
            return tier.name
    raise AssertionError("unreachable: the config guarantees a tier starting at 0")


def tiers_for(
    scores: npt.NDArray[np.float64], config: ScoringConfig | None = None
) -> npt.NDArray[np.object_]:
    """Vectorised :func:`tier_for`: names, ``None`` where a score is NaN or outside 0–100."""
    tiers = (config or default_config()).tiers
    ascending_mins = np.array([t.min for t in reversed(tiers)])
    names = np.array([t.name for t in reversed(tiers)] + [None], dtype=object)
    scores = np.asarray(scores, dtype=np.float64)
    index = np.searchsorted(ascending_mins, scores, side="right") - 1
    index = np.where(np.isnan(scores) | (index < 0) | (scores > 100), len(tiers), index)
    result: npt.NDArray[np.object_] = names[index]
    return result


def xmp_for(tier: str, config: ScoringConfig | None = None, *, outranked: bool = False) -> XmpMark:
    """The XMP rating and label a photo of this tier writes (DESIGN §10); ``outranked``:
    it is a burst frame other than the keeper (``xmp_burst_others`` when set)."""
    cfg = config or default_config()
    if outranked and cfg.xmp_burst_others is not None:
        return cfg.xmp_burst_others
    return cfg.xmp[tier]
