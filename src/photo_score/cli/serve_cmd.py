"""``photo-score serve``: the desktop sidecar and UI, headless (open it in a browser)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from photo_score.errors import UsageError
from photo_score.settings import get_settings


def serve(
    folder: Annotated[
        Path | None, typer.Option("--folder", help="Add this folder to the library first.")
    ] = None,
    port: Annotated[int, typer.Option("--port", help="Port on 127.0.0.1 (0: a free one).")] = 0,
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Do not open the default browser.")
    ] = False,
) -> None:
    """Serve the desktop UI and API on 127.0.0.1 until Ctrl-C."""
    try:
        from photo_score_sidecar.shell import launch
    except ImportError:
        raise UsageError(
            "the desktop sidecar is not installed; install photo-score-sidecar"
        ) from None

    def announce(info: object) -> None:
        url = getattr(info, "url", "")
        typer.echo(f"photo-score sidecar on {url}")
        typer.echo(f"open {getattr(info, 'launch_url', url)}", err=False)
        typer.echo("press Ctrl-C to stop", err=True)

    launch(
        get_settings(),
        folder=folder,
        port=port,
        window=False,
        browser=not no_browser,
        on_started=announce,
    )
