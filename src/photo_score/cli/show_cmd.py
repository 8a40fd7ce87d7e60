"""``photo-score show``: one photo in full — breakdown, explanation, critique, metadata."""

from __future__ import annotations

import json
import os
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from photo_score.cli.options import ConfigOption, FormatOption
from photo_score.cli.output import OutputFormat
from photo_score.errors import NotFoundError
from photo_score.models import ATTRIBUTES
from photo_score.pipeline import PhotoEntry
from photo_score.report import BurstPlace, rank_entries
from photo_score.scoring import ScoringConfig, explain, score_one
from photo_score.settings import get_settings
from photo_score.storage.cache import Cache
from photo_score.user_config import config_for_run


def _burst(
    cache: Cache, config: ScoringConfig, image_id: str, paths: list[str]
) -> list[tuple[str, str, BurstPlace]] | None:
    """Every frame of the photo's burst as (image id, path, place), in shot order, among
    the cached photos of its folder (as ``score`` on that folder ranks them); None when it
    was not shot in a burst."""
    if not paths:
        return None
    folder = os.path.dirname(paths[0])
    siblings = [PhotoEntry(p, i) for p, i in cache.indexed_files() if os.path.dirname(p) == folder]
    bursts = rank_entries(siblings, cache=cache, config=config).bursts
    members = bursts.index.members(image_id)
    places = bursts.places(members)
    if image_id not in places:
        return None
    path_of = {entry.image_id: entry.path for entry in siblings}
    return [(i, path_of[i], places[i]) for i in members if i in places]


def show(
    photo: Annotated[str, typer.Argument(help="A path, or an image id (or its first 6+ chars).")],
    config: ConfigOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Explain one scored photo."""
    settings = get_settings()
    cfg = config_for_run(settings.home, config)
    with Cache(settings.cache_path) as cache:
        image_id = cache.find_image(photo)
        if image_id is None:
            raise NotFoundError(f"{photo}: not in the cache; run photo-score score on it first")
        results = cache.get_results(image_id)
        if not results:
            raise NotFoundError(f"{photo}: no analysis result in the cache")
        metadata = cache.get_metadata([image_id]).get(image_id)
        paths = cache.paths_for(image_id)
        burst = _burst(cache, cfg, image_id, paths)
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
            "burst": None
            if burst is None
            else {
                **next(place for i, _, place in burst if i == image_id).model_dump(mode="json"),
                "frames": [
                    {"image_id": i, "path": p, **place.model_dump(mode="json", exclude={"id"})}
                    for i, p, place in burst
                ],
            },
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
    if burst is not None:
        at, place = next((k, f) for k, (i, _, f) in enumerate(burst, start=1) if i == image_id)
        keeper = next(os.path.basename(p) for _, p, f in burst if f.keeper)
        verdict = "this is the frame to keep" if place.keeper else f"keep {keeper}"
        console.print(
            f"[bold]Burst[/bold] frame {at} of {place.size} in shot order, ranked "
            f"{place.rank} of {place.size}: {verdict}"
            + (f" (this one is {' and '.join(place.notes)})" if place.notes else "")
        )
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
