"""The ``photo-score`` command: a thin shell over the library.

Each command parses options, calls one library function and formats the result. Errors
are translated in exactly one place, :func:`main`: one line on stderr and an exit code.

Exit codes: 0 every photo scored · 1 some photos failed (the rest were scored) ·
2 usage or config error (nothing was done) · 3 other error · 4 not found ·
130 interrupted (finished work is kept in the cache).
"""

from __future__ import annotations

import logging
import sys

import typer

from photo_score.cli import (
    app_cmd,
    cache_cmd,
    config_cmd,
    credits_cmd,
    insights_cmd,
    login_cmd,
    logout_cmd,
    rescore_cmd,
    score_cmd,
    serve_cmd,
    show_cmd,
    sync_cmd,
    taste_cmd,
    xmp_cmd,
)
from photo_score.errors import PhotoScoreError

app = typer.Typer(
    name="photo-score",
    help="Score, explain and rank photos — offline first.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("score")(score_cmd.score)
app.command("rescore")(rescore_cmd.rescore)
app.command("show")(show_cmd.show)
app.command("xmp")(xmp_cmd.xmp)
app.command("taste")(taste_cmd.taste)
app.command("insights")(insights_cmd.insights)
app.add_typer(config_cmd.app, name="config")
app.add_typer(cache_cmd.app, name="cache")
app.command("serve")(serve_cmd.serve)
app.command("app")(app_cmd.app)
app.command("login")(login_cmd.login)
app.command("logout")(logout_cmd.logout)
app.command("sync")(sync_cmd.sync)
app.add_typer(credits_cmd.app, name="credits")

EXIT_OK = 0
EXIT_PARTIAL = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and translate every domain error into one line and an exit code."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    args = [a for a in (argv if argv is not None else sys.argv[1:]) if a != "--debug"]
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING, format="%(message)s")
    try:
        code = app(args=args, prog_name="photo-score", standalone_mode=False)
    except PhotoScoreError as exc:
        if debug:
            raise
        typer.echo(f"photo-score: error: {exc}", err=True)
        return exc.exit_code
    except typer.Exit as exc:
        return int(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        typer.echo("photo-score: interrupted; finished work is kept in the cache", err=True)
        return EXIT_INTERRUPTED
    except typer.TyperException as exc:  # usage errors: bad option, missing argument…
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            typer.echo(f"photo-score: error: {exc}", err=True)
        return EXIT_USAGE
    return code if isinstance(code, int) else EXIT_OK


def entry() -> None:
    sys.exit(main())
