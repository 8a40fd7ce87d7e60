"""The mean score over time, at the finest granularity the capture dates support.

Months, then quarters, then years: the first that gives enough well-filled periods
(Thresholds.min_bucket / min_buckets / max_buckets) covering at least half the dated
photos. Otherwise there is no trend, and the profile says why.
"""

from __future__ import annotations

import numpy as np

from photo_score.recommendations.profile import TrendPoint, Trends
from photo_score.recommendations.records import PhotoTable
from photo_score.recommendations.stats import rnd
from photo_score.recommendations.thresholds import Thresholds


def _period_label(granularity: str, k: int) -> str:
    if granularity == "month":
        return f"{k // 12:04d}-{k % 12 + 1:02d}"
    if granularity == "quarter":
        return f"{k // 4:04d}-Q{k % 4 + 1}"
    return f"{k:04d}"


def trends(table: PhotoTable, t: Thresholds) -> Trends:
    scored = ~np.isnan(table.final)
    dated = scored & (table.month >= 0)
    n_dated = int(dated.sum())
    undated = int(scored.sum()) - n_dated
    month = table.month[dated]
    fs = table.final[dated]
    if n_dated:
        for granularity, key in (("month", month), ("quarter", month // 3), ("year", month // 12)):
            base = int(key.min())
            idx = key - base
            counts = np.bincount(idx)
            sums = np.bincount(idx, weights=fs)
            ok = np.flatnonzero(counts >= t.min_bucket)
            covered = int(counts[ok].sum())
            if not (t.min_buckets <= len(ok) <= t.max_buckets and 2 * covered >= n_dated):
                continue
            points = [
                TrendPoint(
                    period=_period_label(granularity, base + int(i)),
                    n=int(counts[i]),
                    mean_score=rnd(sums[i] / counts[i], 1),
                )
                for i in ok
            ]
            first, last = points[0], points[-1]
            change = rnd(last.mean_score - first.mean_score, 1)
            direction = "rose" if change > 0 else "fell" if change < 0 else "held"
            summary = (
                f"Your average score {direction} from {first.mean_score:.1f} ({first.period}, "
                f"{first.n} photos) to {last.mean_score:.1f} ({last.period}, {last.n} photos), "
                f"over {len(points)} {granularity}s with at least {t.min_bucket} photos each."
            )
            return Trends(
                granularity=granularity,
                points=points,
                dated=n_dated,
                undated=undated,
                left_out=n_dated - covered,
                change=change,
                summary=summary,
            )
    return Trends(
        granularity=None,
        points=[],
        dated=n_dated,
        undated=undated,
        left_out=n_dated,
        change=None,
        summary=(
            f"No trend yet: it needs at least {t.min_buckets} months, quarters or years with "
            f"{t.min_bucket}+ dated photos each ({n_dated} scored photos have a capture date)."
        ),
    )
