"""``photo-score config init|validate|schema|show|use|reset``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from photo_score.errors import ConfigError, UsageError
from photo_score.scoring import (
    config_json_schema,
    default_config,
    dump_config_yaml,
    load_config,
    parse_config,
)
from photo_score.scoring.config import read_config_text
from photo_score.settings import get_settings
from photo_score.user_config import load_active, reset_active, save_active

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


@app.command("show")
def show() -> None:
    """Print the active config: the one every command and the app score with."""
    active = load_active(get_settings().home)
    where = f"{active.path}" if active.source == "file" else "built in (none saved)"
    typer.echo(
        f"# active config: {where}; {active.config.name}, fingerprint {active.config.fingerprint}"
    )
    typer.echo(active.yaml, nl=not active.yaml.endswith("\n"))


@app.command("use")
def use(path: Annotated[Path, typer.Argument(help="The config to make active.")]) -> None:
    """Make a config the active one, for every command and the app (a running app too)."""
    text = read_config_text(path)
    if text is None:
        raise ConfigError(f"{path}: no such config file")
    parse_config(text, str(path))  # an invalid file is refused naming it as typed
    active = save_active(get_settings().home, text)
    typer.echo(
        f"active config: {active.config.name} (fingerprint {active.config.fingerprint}), "
        f"copied to {active.path}"
    )


@app.command("reset")
def reset() -> None:
    """Forget the saved config: the built-in one is active again."""
    active = reset_active(get_settings().home)
    typer.echo(f"active config: the built-in one ({active.config.fingerprint})")
