"""``photo-score app``: the desktop window (Qt WebEngine), or the browser when there is none."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from photo_score.errors import UsageError
from photo_score.settings import get_settings


def app(
    folder: Annotated[
        Path | None, typer.Argument(help="A folder to add to the library and show.")
    ] = None,
) -> None:
    """Open the photo-score desktop app."""
    try:
        from photo_score_sidecar.shell import launch
    except ImportError:
        raise UsageError(
            "the desktop app is not installed; install photo-score-sidecar[app]"
        ) from None
    launch(get_settings(), folder=folder, window=True, browser=True)
