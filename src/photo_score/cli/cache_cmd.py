"""``photo-score cache stats|clear``."""

from __future__ import annotations

import json
import shutil
from typing import Annotated

import typer

from photo_score.errors import UsageError
from photo_score.settings import get_settings
from photo_score.storage.cache import Cache

app = typer.Typer(help="Inspect or empty the local cache.", no_args_is_help=True)


@app.command("stats")
def stats(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """How many photos, results and vision calls the cache holds."""
    settings = get_settings()
    with Cache(settings.cache_path) as cache:
        data = cache.stats()
    thumbs = settings.thumbnails_dir
    data["thumbnails"] = sum(1 for _ in thumbs.rglob("*.jpg")) if thumbs.exists() else 0
    if as_json:
        typer.echo(json.dumps(data, indent=2))
        return
    for key, value in data.items():
        if isinstance(value, dict):
            typer.echo(f"{key}:")
            for sub, count in value.items():
                typer.echo(f"  {sub}: {count}")
        else:
            typer.echo(f"{key}: {value}")


@app.command("clear")
def clear(
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete every cached result and thumbnail (your photos are never touched)."""
    settings = get_settings()
    if not yes and not typer.confirm(f"Delete the cache in {settings.home}?"):
        raise UsageError("not confirmed; nothing deleted")
    with Cache(settings.cache_path) as cache:
        cache.clear()
    shutil.rmtree(settings.thumbnails_dir, ignore_errors=True)
    typer.echo("cache cleared")
