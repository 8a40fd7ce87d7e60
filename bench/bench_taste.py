"""Learning taste: does the fit find what a photographer's stars follow, and admit noise?

Scores the real package photos (tests/factories/real.py; ``--holdout`` adds the held-out
set) with the local analyzer in a throwaway home, then plays made-up photographers who
rate them 1–5 by the quintile of a hidden preference over the six attributes, plus
noise. For each, and for subsets of 20 and 40 rated photos, it prints the agreement of
the default and the fitted weights on photos the fit did not see (cross-validated), the
attributes the fit put first, and whether it calls the result an improvement. A
photographer who rates at random is the control: the fit must not claim to have learnt.
Run: ``uv run python bench/bench_taste.py [--holdout]``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from photo_score.models import ATTRIBUTES  # noqa: E402
from photo_score.scoring import default_config  # noqa: E402
from photo_score.scoring.taste import fit_taste  # noqa: E402
from tests.factories.real import holdout_photo_folder, real_photo_folder  # noqa: E402

PHOTOGRAPHERS: dict[str, dict[str, float] | None] = {
    "colour": {"visual_appeal": 0.7, "exposure_balance": 0.3},
    "sharpness": {"sharpness": 0.6, "noise_level": 0.4},
    "composition": {"composition": 0.7, "subject_strength": 0.3},
    "random": None,
}
NOISE = 0.03  # on the 0–1 preference: a photographer is not a formula


def _attributes(folders: list[Path]) -> np.ndarray:
    with tempfile.TemporaryDirectory(prefix="bench-taste-") as home:
        env = {**os.environ, "PHOTO_SCORE_HOME": home}
        out = subprocess.run(
            [
                str(ROOT / ".venv" / "bin" / "photo-score"),
                "score",
                *map(str, folders),
                "--analyzer",
                "local",
                "--format",
                "json",
                "-q",
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        ).stdout
    photos = json.loads(out)["photos"]
    values: np.ndarray = np.array(
        [[p["attributes"][a] for a in ATTRIBUTES] for p in photos], dtype=float
    )
    return values


def _stars(
    values: np.ndarray, taste: dict[str, float] | None, rng: np.random.Generator
) -> np.ndarray:
    if taste is None:
        return rng.integers(1, 6, len(values)).astype(float)
    weights = np.array([taste.get(a, 0.0) for a in ATTRIBUTES])
    liking = values @ weights + rng.normal(0, NOISE, len(values))
    stars: np.ndarray = np.digitize(liking, np.quantile(liking, [0.2, 0.4, 0.6, 0.8])) + 1.0
    return stars


def _at_scale(n: int = 5000) -> None:
    """How long a fit takes on a library's worth of ratings: synthetic attributes, a
    planted mix, and how close the fit comes back to it."""
    rng = np.random.default_rng(1)
    values = rng.uniform(0.2, 0.95, (n, 6))
    truth = np.array([0.1, 0.05, 0.45, 0.1, 0.2, 0.1])
    liking = values @ truth + rng.normal(0, NOISE, n)
    stars = np.digitize(liking, np.quantile(liking, [0.2, 0.4, 0.6, 0.8])) + 1.0
    started = time.perf_counter()
    fit = fit_taste(values, stars, default_config())
    elapsed = time.perf_counter() - started
    off = float(np.abs(np.array(fit.mix) - truth).max())
    print(
        f"{n} synthetic ratings: fit in {elapsed:.2f} s, each share within {off:.3f} of the "
        f"planted mix; held out {_pct(fit.held_out_before)} → {_pct(fit.held_out_after)}"
    )


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.0f}%"


def main() -> None:
    folders = [real_photo_folder()]
    if "--holdout" in sys.argv:
        folders.append(holdout_photo_folder())
    values = _attributes(folders)
    values = values[~np.isnan(values).any(axis=1)]
    print(f"{len(values)} package photos, local analyzer; agreement on photos the fit did not see")
    print(f"{'photographer':<12} {'rated':>5}  {'default':>7} → {'fitted':<6}  improves  first")
    for name, taste in PHOTOGRAPHERS.items():
        for size in sorted({s for s in (20, 40, len(values)) if s <= len(values)}):
            rng = np.random.default_rng(7)
            pick = rng.choice(len(values), size=size, replace=False)
            stars = _stars(values[pick], taste, rng)
            started = time.perf_counter()
            fit = fit_taste(values[pick], stars, default_config())
            elapsed = time.perf_counter() - started
            first = ", ".join(
                f"{ATTRIBUTES[i]} {100 * fit.mix[i]:.0f}%" for i in np.argsort(fit.mix)[::-1][:2]
            )
            before, after = _pct(fit.held_out_before), _pct(fit.held_out_after)
            verdict = "yes" if fit.improves else "no"
            print(
                f"{name:<12} {size:>5}  {before:>7} → {after:<6}  {verdict:<8}"
                f"  {first}  ({elapsed:.2f} s)"
            )


if __name__ == "__main__":
    main()
    _at_scale()
