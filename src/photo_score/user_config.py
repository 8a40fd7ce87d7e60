"""The user's active scoring config: ``$PHOTO_SCORE_HOME/config.yaml``, else the default.

The desktop edits it and every CLI command scores with it unless ``--config`` names another
file, so the app, ``rescore`` and ``xmp`` rank alike and write the same stars (the CLI used to
take the built-in config, and a photographer who had tuned the weights in the app got
other tiers, and other XMP ratings, from the command line). ``photo-score config use``
makes a file the active config. Writes validate first and replace the file atomically, so
an invalid edit never reaches the disk.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from photo_score.errors import ConfigError
from photo_score.scoring import (
    ScoringConfig,
    default_config,
    dump_config_yaml,
    load_config,
    parse_config,
)
from photo_score.scoring.config import read_config_text

FILE_NAME = "config.yaml"
BUILT_IN = "default"  # ``--config default``: the built-in config, whatever is saved


@dataclass(frozen=True, slots=True)
class ActiveConfig:
    config: ScoringConfig
    yaml: str
    source: Literal["default", "file"]
    path: Path


def config_path(home: Path) -> Path:
    return home / FILE_NAME


def load_active(home: Path) -> ActiveConfig:
    """The saved config (validated), or the built-in default when none was saved."""
    path = config_path(home)
    text = read_config_text(path)
    if text is None:
        cfg = default_config()
        return ActiveConfig(cfg, dump_config_yaml(cfg), "default", path)
    return ActiveConfig(parse_config(text, str(path)), text, "file", path)


def config_for_run(home: Path, path: str | Path | None) -> ScoringConfig:
    """The config a command scores with: the file ``path`` names, the built-in config for
    ``default``, else the active one. A saved config that no longer validates is an error
    naming the file, never a silent fall back to other weights."""
    if path is None:
        try:
            return load_active(home).config
        except ConfigError as exc:
            raise ConfigError(
                f"{exc}\n(the active config: fix it, or forget it with `photo-score config "
                "reset`; `--config default` scores with the built-in one)"
            ) from None
    if str(path) == BUILT_IN:
        return default_config()
    return load_config(path)


def save_active(home: Path, text: str) -> ActiveConfig:
    """Validate ``text`` (ConfigError names the key and rule) and make it the active config."""
    path = config_path(home)
    cfg = parse_config(text, "config")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".config-", suffix=".yaml", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return ActiveConfig(cfg, text, "file", path)


def reset_active(home: Path) -> ActiveConfig:
    """Forget the saved config: the built-in default is active again."""
    config_path(home).unlink(missing_ok=True)
    return load_active(home)
