"""Explaining a run: batched ``explain_many`` vs the per-photo ``breakdown_at`` + ``explain`` loop.

Same random photos as bench_reducer.py (100,000 by default, about 5% of attributes missing,
some below the penalty thresholds), default config, no notes. ``explain_many`` explains
every scorable row; the per-photo loop runs on a sample (2,000 photos by default) and its
time is EXTRAPOLATED linearly to the full run, since the loop is uniform per photo. The
script checks that the sample's explanations are identical, then prints both times and the
ratio. Run: ``uv run python bench/bench_explain.py [N] [SAMPLE]``.
"""

from __future__ import annotations

import math
import sys
import time

import numpy as np

from photo_score.models import ATTRIBUTES
from photo_score.scoring import breakdown_at, default_config, explain, explain_many, score_matrix


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    sample = int(sys.argv[2]) if len(sys.argv) > 2 else 2_000
    rng = np.random.default_rng(20240601)
    values = rng.beta(4, 2, size=(n, len(ATTRIBUTES)))
    values[rng.random(values.shape) < 0.05] = np.nan
    values[rng.random(n) < 0.001] = np.nan  # a few photos with nothing measured
    config = default_config()
    arrays = score_matrix(values, config)
    rows = np.flatnonzero(~np.isnan(arrays.final)).tolist()
    picked = rows[:: max(1, len(rows) // sample)][:sample]
    attributes = [
        {a: x for a, x in zip(ATTRIBUTES, values[i].tolist(), strict=True) if not math.isnan(x)}
        for i in picked
    ]

    times = []
    for _ in range(3):
        start = time.perf_counter()
        batch = explain_many(arrays, config, rows=rows)
        times.append(time.perf_counter() - start)
        del batch
    t_batch = min(times)

    start = time.perf_counter()
    looped = [
        explain(breakdown_at(arrays, i, config), attrs, config)
        for i, attrs in zip(picked, attributes, strict=True)
    ]
    t_sample = time.perf_counter() - start
    per_photo = t_sample / len(picked)
    t_loop = per_photo * len(rows)

    assert explain_many(arrays, config, rows=picked) == looped, "explanations differ"
    print(f"photos explained          {len(rows):>10,}")
    print(f"explain_many (batched)    {t_batch * 1000:>8.1f} ms  (best of 3, all rows)")
    print(f"  per photo               {t_batch / len(rows) * 1e6:>8.2f} µs")
    print(
        f"breakdown_at + explain    {per_photo * 1e6:>8.1f} µs per photo ({len(picked):,} sampled)"
    )
    print(f"  per-photo loop, all     {t_loop * 1000:>8.1f} ms  (EXTRAPOLATED from the sample)")
    print(f"speed-up                  {t_loop / t_batch:>8.1f}×")


if __name__ == "__main__":
    main()
