"""Personality speed: 100,000 synthetic photos, side by side with the cost of loading them.

Three timings on the same records (plain dicts, the shape of cache or PostgreSQL rows):

- baseline: merely loading the six attributes into an N×6 array and scoring it
  (``np.array`` + ``score_matrix``) — the least any consumer of the records must do;
- ``table_from_records``: records → the columnar PhotoTable (one Python pass);
- ``compute_personality``: the whole profile from the table (vectorised).

Run: ``uv run python bench/bench_personality.py [N]``. Prints best-of-5 times and ratios.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from photo_score.models import ATTRIBUTES
from photo_score.recommendations import compute_personality, table_from_records
from photo_score.scoring import default_config, score_matrix

SCENES = ["portrait", "landscape", "street", "architecture", "nature", "food", "event", "unknown"]
POSITIONS = ["center", "rule_of_thirds", "off_center", "multiple", "unknown"]
BACKGROUNDS = ["clean", "busy", "blurred", "contextual"]
LIGHTING = ["natural_soft", "natural_harsh", "golden_hour", "blue_hour", "low_light", "artificial"]
PALETTES = ["vibrant", "muted", "monochrome", "warm", "cool", "neutral"]
ISSUES = ["blur", "noise", "overexposed", "underexposed", "tilted"]


def synthetic(n: int, seed: int = 20240601) -> list[dict[str, Any]]:
    rng = np.random.default_rng(seed)
    values = rng.beta(4, 2, size=(n, len(ATTRIBUTES)))
    values[rng.random(values.shape) < 0.03] = np.nan
    pick = {
        name: rng.integers(0, len(levels), n)
        for name, levels in (
            ("scene", SCENES),
            ("pos", POSITIONS),
            ("bg", BACKGROUNDS),
            ("light", LIGHTING),
            ("palette", PALETTES),
        )
    }
    issue_draw = rng.random((n, len(ISSUES))) < 0.06
    p50 = rng.normal(115, 35, n)
    rms = rng.normal(50, 12, n)
    area = rng.uniform(0.01, 0.6, n)
    clutter = rng.lognormal(0, 0.5, n)
    cd, td = rng.uniform(0, 0.4, n), rng.uniform(0, 0.3, n)
    months = rng.integers(0, 48, n)
    local = rng.random(n) < 0.5
    records = []
    for i in range(n):
        attributes = {k: float(v) for k, v in zip(ATTRIBUTES, values[i], strict=True) if v == v}
        issues = [ISSUES[j] for j in np.flatnonzero(issue_draw[i])] or ["none"]
        record: dict[str, Any] = {
            "image_id": f"{i:064x}",
            "attributes": attributes,
            "features": {
                "scene_type": SCENES[pick["scene"][i]],
                "subject_position": POSITIONS[pick["pos"][i]],
                "background": BACKGROUNDS[pick["bg"][i]],
                "lighting": LIGHTING[pick["light"][i]],
                "color_palette": PALETTES[pick["palette"][i]],
                "technical_issues": issues,
            },
            "measurements": {},
            "capture_time": f"{2021 + months[i] // 12}-{months[i] % 12 + 1:02d}-15T10:00:00+01:00",
            "analyzer": "local" if local[i] else "openrouter:qwen",
        }
        if local[i]:
            record["measurements"] = {
                "luma_p50": float(p50[i]),
                "contrast_rms": float(rms[i]),
                "subject_area": float(area[i]),
                "clutter": float(clutter[i]),
                "centre_distance": float(cd[i]),
                "thirds_distance": float(td[i]),
            }
        records.append(record)
    return records


def best_of(repeats: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    records = synthetic(n)
    config = default_config()

    def baseline() -> None:
        values = np.array(
            [[r["attributes"].get(k) for k in ATTRIBUTES] for r in records], dtype=np.float64
        )
        score_matrix(values, config)

    table = table_from_records(records, config)
    profile = compute_personality(table, config=config)
    again = compute_personality(table_from_records(records, config), config=config)
    assert profile.model_dump_json() == again.model_dump_json(), "not deterministic"

    t_base = best_of(5, baseline)
    t_table = best_of(5, lambda: table_from_records(records, config))
    t_prof = best_of(5, lambda: compute_personality(table, config=config))
    print(f"photos                               {n:>10,}")
    print(f"recommendations                      {len(profile.recommendations):>10}")
    print(f"baseline: load attributes + score    {t_base * 1000:>8.1f} ms  (best of 5)")
    print(f"table_from_records (all columns)     {t_table * 1000:>8.1f} ms  (best of 5)")
    print(f"compute_personality (from the table) {t_prof * 1000:>8.1f} ms  (best of 5)")
    print(f"records → profile, end to end        {(t_table + t_prof) * 1000:>8.1f} ms")
    print(f"personality ÷ baseline load          {t_prof / t_base:>8.2f}×")
    print(f"end to end ÷ baseline load           {(t_table + t_prof) / t_base:>8.2f}×")


if __name__ == "__main__":
    main()
