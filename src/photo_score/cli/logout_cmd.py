"""``photo-score logout``: sign out of the cloud (the local cache stays)."""

from __future__ import annotations

import typer

from photo_score.settings import get_settings
from photo_score.storage.cache import Cache
from photo_score.sync.session import cloud_client


def logout() -> None:
    """Revoke the session (when the server is reachable) and forget it on this device."""
    settings = get_settings()
    with cloud_client(settings.home, settings.cloud_url) as cloud:
        was = cloud.session
        cloud.logout()
    with Cache(settings.cache_path) as cache:
        cache.sync_set_active(None)
    typer.echo("signed out" if was is not None else "not signed in")
