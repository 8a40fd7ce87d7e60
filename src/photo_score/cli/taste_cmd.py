"""``photo-score taste``: fit the scoring weights to the star ratings you gave your photos."""

from __future__ import annotations

import json
from collections import Counter
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import numpy as np
import numpy.typing as npt
import typer

from photo_score.cli.options import ConfigOption
from photo_score.errors import UsageError
from photo_score.models import ATTRIBUTES
from photo_score.pipeline import cached_entries
from photo_score.scoring import (
    DISPLAY_NAMES,
    ScoringConfig,
    dump_config_yaml,
    load_config,
    score_matrix,
    tiers_for,
)
from photo_score.scoring.taste import TasteFit, fit_taste
from photo_score.settings import get_settings
from photo_score.storage.cache import Cache
from photo_score.xmp import hand_rating


class ReportFormat(StrEnum):
    table = "table"
    json = "json"


def taste(
    paths: Annotated[list[Path], typer.Argument(help="Folders or photos already scored.")],
    config: ConfigOption = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the fitted config here (YAML)."),
    ] = None,
    fmt: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="table or json.")
    ] = ReportFormat.table,
) -> int:
    """Learn your taste: fit the weights to the star ratings you gave (in XMP).

    Ratings are read from the photos' XMP sidecars (either naming; not the ones
    photo-score wrote) or from the XMP inside JPEG and TIFF files. Uses the cache only.
    """
    base = load_config(config)
    settings = get_settings()
    with Cache(settings.cache_path) as cache:
        entries, _ = cached_entries([str(p) for p in paths], cache=cache)
        rows = cache.load_attributes([e.image_id for e in entries])
    values_of = dict(zip(rows.image_ids, rows.values, strict=True))
    entries = [e for e in entries if e.image_id in values_of]
    values = np.array([values_of[e.image_id] for e in entries]).reshape(-1, len(ATTRIBUTES))
    found = [hand_rating(e.path) for e in entries]
    rated = [i for i, f in enumerate(found) if f is not None]
    ratings = np.full(len(entries), np.nan)
    for i in rated:
        rating = found[i]
        assert rating is not None
        ratings[i] = max(rating[0], 0)  # rejected ranks below one star
    if not rated:
        raise UsageError(
            f"none of the {len(entries)} scored photos has a star rating of yours: rate some "
            "in Lightroom, Capture One, darktable or digiKam (saved to XMP), then run again"
        )
    try:
        fit = fit_taste(values[rated], ratings[rated], base)
    except ValueError as exc:
        raise UsageError(f"cannot learn from these ratings: {exc}") from None
    sources: Counter[str] = Counter(f[1] for f in found if f is not None)
    change = _ranking_change(values, base, fit)
    if output is not None:
        output.write_text(dump_config_yaml(fit.config), encoding="utf-8")
    if fmt is ReportFormat.json:
        typer.echo(json.dumps(_as_json(fit, sources, change, output), indent=1))
    else:
        _print(fit, base, sources, change, output)
    return 0


def _ranking_change(
    values: npt.NDArray[np.float64], base: ScoringConfig, fit: TasteFit
) -> dict[str, float | int]:
    """How the fitted weights move every scored photo, rated or not."""
    old, new = score_matrix(values, base).final, score_matrix(values, fit.config).final
    ok = ~np.isnan(old) & ~np.isnan(new)
    old, new = old[ok], new[ok]
    n = len(old)
    top = max(1, n // 10)
    old_top = set(np.argsort(-old, kind="stable")[:top].tolist())
    new_top = set(np.argsort(-new, kind="stable")[:top].tolist())
    moved = int((tiers_for(old, base) != tiers_for(new, fit.config)).sum())
    ranks_old = np.argsort(np.argsort(-old, kind="stable"))
    ranks_new = np.argsort(np.argsort(-new, kind="stable"))
    rho = float(np.corrcoef(ranks_old, ranks_new)[0, 1]) if n > 1 else 1.0
    return {
        "photos": n,
        "top": top,
        "top_kept": len(old_top & new_top),
        "tier_changes": moved,
        "rank_correlation": round(rho, 3),
    }


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.0f}%"


def _print(
    fit: TasteFit,
    base: ScoringConfig,
    sources: Counter[str],
    change: dict[str, float | int],
    output: Path | None,
) -> None:
    where = ", ".join(
        f"{n} from {'sidecars' if s == 'sidecar' else 'the files'}" for s, n in sources.items()
    )
    typer.echo(f"{fit.rated} photos you rated ({where}); {fit.pairs} pairs rated differently")
    typer.echo(
        f"agreement with your ratings: {_pct(fit.before)} with {base.name}"
        f" → {_pct(fit.after)} fitted; on photos the fit did not see: "
        f"{_pct(fit.held_out_before)} → {_pct(fit.held_out_after)}"
    )
    typer.echo("share of the score:")
    for name, old, new in zip(ATTRIBUTES, fit.base_mix, fit.mix, strict=True):
        arrow = "↑" if new > old + 0.005 else "↓" if new < old - 0.005 else " "
        typer.echo(f"  {DISPLAY_NAMES[name]:<18} {100 * old:5.1f}% → {100 * new:5.1f}% {arrow}")
    typer.echo(
        f"on all {change['photos']} scored photos: {change['top_kept']} of the top {change['top']} "
        f"stay in the top {change['top']}; {change['tier_changes']} change tier; "
        f"rank correlation {change['rank_correlation']}"
    )
    if fit.improves:
        verdict = "the fitted weights follow your ratings better on photos they did not see"
    else:
        verdict = (
            "the fitted weights are not clearly better on photos they did not see: your "
            "ratings weigh something the six attributes do not measure, or are too few"
        )
    typer.echo(verdict)
    if output is not None:
        typer.echo(f"wrote {output}; use it with: photo-score rescore --config {output}")


def _as_json(
    fit: TasteFit, sources: Counter[str], change: dict[str, float | int], output: Path | None
) -> object:
    return {
        "rated": fit.rated,
        "sources": dict(sources),
        "pairs": fit.pairs,
        "agreement": {"before": fit.before, "after": fit.after},
        "held_out_agreement": {"before": fit.held_out_before, "after": fit.held_out_after},
        "improves": fit.improves,
        "pull": fit.pull,
        "share": {
            name: {"before": old, "after": new}
            for name, old, new in zip(ATTRIBUTES, fit.base_mix, fit.mix, strict=True)
        },
        "ranking_change": change,
        "config": fit.config.model_dump(mode="json"),
        "output": None if output is None else str(output),
    }
