"""``photo-score show``: one photo in full — breakdown, explanation, critique, metadata."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from photo_score.cli.options import ConfigOption, FormatOption
from photo_score.cli.output import OutputFormat
from photo_score.errors import NotFoundError
from photo_score.models import ATTRIBUTES
from photo_score.scoring import explain, load_config, score_one
from photo_score.settings import get_settings
from photo_score.storage.cache import Cache


def show(
    photo: Annotated[str, typer.Argument(help="A path, or an image id (or its first 6+ chars).")],
    config: ConfigOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Explain one scored photo."""
    cfg = load_config(config)
    settings = get_settings()
    with Cache(settings.cache_path) as cache:
        image_id = cache.find_image(photo)
        if image_id is None:
            raise NotFoundError(f"{photo}: not in the cache; run photo-score score on it first")
        results = cache.get_results(image_id)
        if not results:
            raise NotFoundError(f"{photo}: no analysis result in the cache")
        metadata = cache.get_metadata([image_id]).get(image_id)
        paths = cache.paths_for(image_id)
    best = results[0]
    breakdown = score_one(best.attributes, cfg)
    explanation = explain(breakdown, best.attributes, cfg, notes=best.notes)
    if fmt is not OutputFormat.table:
        payload = {
            "image_id": image_id,
            "paths": paths,
            "score": breakdown.model_dump(mode="json"),
            "explanation": explanation.model_dump(mode="json"),
            "result": best.model_dump(mode="json"),
            "other_results": [r.model_dump(mode="json") for r in results[1:]],
            "metadata": metadata.model_dump(mode="json") if metadata else None,
        }
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=True))
        return

    console = Console()
    console.print(f"[bold]{', '.join(paths) or image_id}[/bold]")
    console.print(
        f"[bold]{breakdown.final_score:.1f}[/bold] {breakdown.tier} · analyzer {best.analyzer}"
        f" ({best.model} {best.version})"
        + (f" · confidence {best.confidence:.2f}" if best.confidence is not None else "")
    )
    for key in ("confidence", "provenance"):  # why the analyzer trusts this little, and what it is
        if best.notes.get(key):
            console.print(f"[dim]{best.notes[key]}[/dim]")
    console.print(explanation.text)
    table = Table("attribute", "value", "points", "finding", header_style="bold")
    for name in ATTRIBUTES:
        value = best.attributes.get(name)
        table.add_row(
            name,
            "missing" if value is None else f"{value:.2f}",
            f"{breakdown.contributions.get(name, 0.0):.1f}",
            best.notes.get(name, ""),
        )
    console.print(table)
    if best.critique is not None:
        console.print(f"[bold]Critique[/bold] {best.critique.summary}")
        for item in best.critique.working_well:
            console.print(f"  + {item}")
        for item in best.critique.could_improve:
            console.print(f"  - {item}")
        if best.critique.key_recommendation:
            console.print(f"  → {best.critique.key_recommendation}")
    if best.features:
        console.print(
            "[bold]Features[/bold] "
            + ", ".join(f"{k}={v}" for k, v in sorted(best.features.items()))
        )
    if metadata is not None:
        fields = metadata.model_dump(exclude_none=True)
        console.print("[bold]Metadata[/bold] " + ", ".join(f"{k}={v}" for k, v in fields.items()))
