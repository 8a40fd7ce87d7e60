"""``photo-score taste``: fit the scoring weights to the star ratings you gave your photos."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import numpy as np
import typer

from photo_score.cli.options import ConfigOption, ReportFormat
from photo_score.models import ATTRIBUTES
from photo_score.pipeline import cached_entries
from photo_score.ratings import TasteReport, learn_taste
from photo_score.scoring import DISPLAY_NAMES, ScoringConfig, dump_config_yaml
from photo_score.settings import get_settings
from photo_score.storage.cache import Cache
from photo_score.user_config import config_for_run


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
    settings = get_settings()
    base = config_for_run(settings.home, config)
    with Cache(settings.cache_path) as cache:
        entries, _ = cached_entries([str(p) for p in paths], cache=cache)
        rows = cache.load_attributes([e.image_id for e in entries])
    values_of = dict(zip(rows.image_ids, rows.values, strict=True))
    entries = [e for e in entries if e.image_id in values_of]
    values = np.array([values_of[e.image_id] for e in entries]).reshape(-1, len(ATTRIBUTES))
    report, fitted = learn_taste([e.path for e in entries], values, base)
    if output is not None:
        output.write_text(dump_config_yaml(fitted), encoding="utf-8")
    if fmt is ReportFormat.json:
        typer.echo(report.model_dump_json(indent=1))
    else:
        _print(report, base, output)
    return 0


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.0f}%"


def _print(report: TasteReport, base: ScoringConfig, output: Path | None) -> None:
    names = {"sidecar": "sidecars", "embedded": "the files"}
    where = ", ".join(f"{n} from {names.get(s, s)}" for s, n in report.sources.items())
    typer.echo(f"{report.rated} photos you rated ({where}); {report.pairs} pairs rated differently")
    a, h = report.agreement, report.held_out
    typer.echo(
        f"agreement with your ratings: {_pct(a.before)} with {base.name} → {_pct(a.after)} "
        f"fitted; on photos the fit did not see: {_pct(h.before)} → {_pct(h.after)}"
    )
    typer.echo("share of the score:")
    for name in ATTRIBUTES:
        old, new = report.share[name].before, report.share[name].after
        arrow = "↑" if new > old + 0.005 else "↓" if new < old - 0.005 else " "
        typer.echo(f"  {DISPLAY_NAMES[name]:<18} {100 * old:5.1f}% → {100 * new:5.1f}% {arrow}")
    c = report.change
    typer.echo(
        f"on all {c.photos} scored photos: {c.top_kept} of the top {c.top} stay in the top "
        f"{c.top}; {c.tier_changes} change tier; rank correlation {c.rank_correlation}"
    )
    if report.improves:
        typer.echo("the fitted weights follow your ratings better on photos they did not see")
    else:
        typer.echo(
            "the fitted weights are not clearly better on photos they did not see: your "
            "ratings weigh something the six attributes do not measure, or are too few"
        )
    if output is not None:
        typer.echo(f"wrote {output}; use it with: photo-score rescore --config {output}")
