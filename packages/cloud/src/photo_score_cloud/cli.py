"""``photo-score-cloud migrate | serve | worker``: configured by environment variables."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

import typer
from pydantic import ValidationError

from photo_score_cloud import logs
from photo_score_cloud.settings import CloudSettings, get_settings

APP = "photo_score_cloud.api.main:create_app"

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)


def _settings() -> CloudSettings:
    try:
        settings = get_settings()
    except ValidationError as exc:
        lines = [
            f"  {'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}" for e in exc.errors()
        ]
        typer.echo("invalid configuration:\n" + "\n".join(lines), err=True)
        raise typer.Exit(2) from None
    logs.configure(settings.log_level)
    return settings


@app.command()
def migrate() -> None:
    """Apply pending database migrations (DATABASE_MIGRATION_URL or DATABASE_URL)."""
    from photo_score_cloud.migrate import MigrationError
    from photo_score_cloud.migrate import migrate as run

    settings = _settings()
    try:
        applied = run(settings.migration_url)
    except MigrationError as exc:
        typer.echo(f"migration failed: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(
        f"applied {len(applied)} migration(s)" + (f": {', '.join(applied)}" if applied else "")
    )


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "0.0.0.0",
    port: Annotated[int, typer.Option(envvar="PORT", help="Port (Railway sets PORT).")] = 8000,
    workers: Annotated[
        int, typer.Option(envvar="WEB_CONCURRENCY", min=1, help="Worker processes.")
    ] = 1,
) -> None:
    """Run the API with uvicorn."""
    import uvicorn

    from photo_score_cloud.server import bind_tcp, run_workers

    settings = _settings()
    options: dict[str, Any] = {
        "factory": True,
        "log_config": logs.dict_config(settings.log_level),
        "access_log": False,
        "proxy_headers": True,
        "forwarded_allow_ips": settings.forwarded_allow_ips,
        "log_level": settings.log_level.lower(),
    }
    if workers == 1:  # uvicorn binds via getaddrinfo: an IPPROTO_TCP socket, TCP_NODELAY on
        uvicorn.run(APP, host=host, port=port, **options)
        return
    # Several workers: our own socket, as uvicorn's leaves Nagle on (see server.py).
    try:
        sock = bind_tcp(host, port)
    except OSError as exc:
        typer.echo(f"cannot listen on {host}:{port}: {exc.strerror or exc}", err=True)
        raise typer.Exit(1) from None
    run_workers(APP, sock, workers=workers, host=host, port=port, **options)


@app.command()
def worker(
    concurrency: Annotated[int, typer.Option(min=1, max=64, help="Jobs at once.")] = 4,
) -> None:
    """Run the background job worker (procrastinate) until stopped."""
    from photo_score_cloud.jobs import run_worker

    settings = _settings()
    asyncio.run(run_worker(settings, concurrency=concurrency))


def main() -> None:
    app(prog_name="photo-score-cloud")


if __name__ == "__main__":
    main()
