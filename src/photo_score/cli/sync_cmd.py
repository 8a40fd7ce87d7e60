"""``photo-score sync``: one push-then-pull round with the cloud."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated

import typer

from photo_score.settings import get_settings
from photo_score.storage.cache import Cache
from photo_score.sync.client import SyncClient
from photo_score.sync.session import cloud_client


def sync(
    share_location: Annotated[
        bool, typer.Option("--share-location", help="Also sync GPS positions (off by default).")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Send this device's new results and fetch the other devices' (never images)."""
    settings = get_settings()
    with (
        cloud_client(settings.home, settings.cloud_url) as cloud,
        Cache(settings.cache_path) as cache,
    ):
        report = SyncClient(cache, cloud, share_location=share_location).sync()
    if as_json:
        typer.echo(json.dumps(asdict(report)))
        return
    typer.echo(
        f"pushed {report.pushed} · pulled {report.pulled} · conflicts {report.conflicts}"
        f" (unchanged {report.unchanged}, merged {report.merged}) in {report.elapsed_s:.2f}s"
    )
