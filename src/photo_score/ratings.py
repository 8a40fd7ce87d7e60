"""The photographer's own star ratings, and the weights learnt from them.

Reads each photo's hand-set rating (``xmp.hand_rating``), fits the weights to them
(``scoring.taste``) and says how the fitted weights would move the whole ranking. The
CLI's ``taste`` and the desktop's *Learn from my ratings* both call :func:`learn_taste`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, Field

from photo_score.errors import UsageError
from photo_score.models import ATTRIBUTES
from photo_score.scoring import ScoringConfig, score_matrix, tiers_for
from photo_score.scoring.bursts import raw_twins
from photo_score.scoring.taste import fit_taste
from photo_score.xmp import hand_rating


class Agreement(BaseModel):
    """Share of the pairs of photos rated differently that a config orders the
    photographer's way (0–1); None when there were too few ratings to hold any out."""

    before: float | None = Field(description="The current config.")
    after: float | None = Field(description="The fitted config.")


class Share(BaseModel):
    before: float
    after: float


class RankingChange(BaseModel):
    """How the fitted weights move every scored photo, rated or not."""

    photos: int
    top: int = Field(description="The size of the top 10% (at least 1).")
    top_kept: int = Field(description="Photos of the current top that stay in it.")
    tier_changes: int
    rank_correlation: float = Field(description="Spearman, current vs fitted ranking.")


class TasteReport(BaseModel):
    rated: int = Field(description="Photos with a rating of yours and all six attributes.")
    sources: dict[str, int] = Field(description="Where the ratings were read: sidecar, embedded.")
    pairs: int
    agreement: Agreement = Field(description="On the ratings the fit was shown.")
    held_out: Agreement = Field(
        description="On photos the fit never saw (nested cross-validation): what to expect "
        "on new photos."
    )
    improves: bool = Field(description="Fitted beats current on unseen photos by 2 points.")
    share: dict[str, Share] = Field(description="Each attribute's share of the score.")
    change: RankingChange
    config: dict[str, Any] = Field(description="The fitted scoring config, as a mapping.")


def learn_taste(
    paths: Sequence[str], values: npt.NDArray[np.float64], base: ScoringConfig
) -> tuple[TasteReport, ScoringConfig]:
    """Fit ``base``'s weights to the ratings of these photos (``values``: N×6 attributes,
    NaN missing). Raises :class:`UsageError` with what to do when there is too little to
    learn from."""
    # A RAW+JPEG pair is one shot with one rating (Adobe naming gives both the raw's
    # sidecar): count it once.
    twins = raw_twins(paths, np.full(len(paths), np.nan))
    found = [None if i in twins else hand_rating(p) for i, p in enumerate(paths)]
    rated = [i for i, f in enumerate(found) if f is not None]
    if not rated:
        raise UsageError(
            f"none of the {len(paths)} scored photos has a star rating of yours: rate some in "
            "Lightroom, Capture One, darktable or digiKam (saved to XMP), then try again"
        )
    # A rejected photo (-1) ranks below one star.
    ratings = np.array([max(f[0], 0) for f in found if f is not None], dtype=np.float64)
    try:
        fit = fit_taste(values[rated], ratings, base)
    except ValueError as exc:
        raise UsageError(f"cannot learn from these ratings: {exc}") from None
    report = TasteReport(
        rated=fit.rated,
        sources=dict(Counter(f[1] for f in found if f is not None)),
        pairs=fit.pairs,
        agreement=Agreement(before=fit.before, after=fit.after),
        held_out=Agreement(before=fit.held_out_before, after=fit.held_out_after),
        improves=fit.improves,
        share={
            name: Share(before=old, after=new)
            for name, old, new in zip(ATTRIBUTES, fit.base_mix, fit.mix, strict=True)
        },
        change=_ranking_change(values, base, fit.config),
        config=fit.config.model_dump(mode="json"),
    )
    return report, fit.config


def _ranking_change(
    values: npt.NDArray[np.float64], base: ScoringConfig, fitted: ScoringConfig
) -> RankingChange:
    old, new = score_matrix(values, base).final, score_matrix(values, fitted).final
    ok = ~np.isnan(old) & ~np.isnan(new)
    old, new = old[ok], new[ok]
    n = len(old)
    top = max(1, n // 10)
    old_order, new_order = np.argsort(-old, kind="stable"), np.argsort(-new, kind="stable")
    kept = len(set(old_order[:top].tolist()) & set(new_order[:top].tolist()))
    moved = int((tiers_for(old, base) != tiers_for(new, fitted)).sum())
    rho = float(np.corrcoef(np.argsort(old_order), np.argsort(new_order))[0, 1]) if n > 1 else 1.0
    return RankingChange(
        photos=n,
        top=top,
        top_kept=kept,
        tier_changes=moved,
        rank_correlation=round(rho if np.isfinite(rho) else 1.0, 3),
    )
