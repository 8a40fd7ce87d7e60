"""``photo-score login``: sign in to the photo-score cloud (sync, cloud inference)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from photo_score.errors import UsageError
from photo_score.settings import get_settings
from photo_score.storage.cache import Cache
from photo_score.sync.session import cloud_client


def login(
    email: Annotated[str | None, typer.Option("--email", help="Account e-mail.")] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    server: Annotated[
        str | None, typer.Option("--server", help="Cloud URL (default: PHOTO_SCORE_CLOUD_URL).")
    ] = None,
) -> None:
    """Sign in; the session is kept in the OS keyring (else a 0600 file) and refreshed."""
    settings = get_settings()
    if email is None:
        email = typer.prompt("E-mail")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True)
    if not password:
        raise UsageError("an empty password")
    with cloud_client(settings.home, server or settings.cloud_url) as cloud:
        session = cloud.login(email, password)
    with Cache(settings.cache_path) as cache:
        cache.sync_set_active(session.namespace)
    typer.echo(f"signed in to {session.server_url} as {session.email or session.user_id}")
