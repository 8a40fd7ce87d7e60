"""``photo-score config init|validate|schema``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from photo_score.errors import UsageError
from photo_score.scoring import config_json_schema, default_config, dump_config_yaml, load_config

app = typer.Typer(help="Create, check and describe scoring configs.", no_args_is_help=True)


@app.command("init")
def init(
    path: Annotated[Path, typer.Argument(help="Where to write the config.")] = Path(
        "photo-score.yaml"
    ),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write the default scoring config, ready to edit."""
    if path.exists() and not force:
        raise UsageError(f"{path} already exists; use --force to overwrite it")
    path.write_text(dump_config_yaml(default_config()), encoding="utf-8")
    typer.echo(f"wrote {path}")


@app.command("validate")
def validate(path: Annotated[Path, typer.Argument(help="The config to check.")]) -> None:
    """Check a config; prints the first problem with its key and rule."""
    cfg = load_config(path)
    typer.echo(f"{path}: valid ({cfg.name}, fingerprint {cfg.fingerprint})")


@app.command("schema")
def schema() -> None:
    """Print the config's JSON Schema (for editors and validators)."""
    typer.echo(json.dumps(config_json_schema(), indent=2))
