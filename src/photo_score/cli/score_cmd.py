"""``photo-score score``: discover, analyze (cache first), score and rank."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from photo_score.cli.options import (
    ConfigOption,
    FormatOption,
    LimitOption,
    OutputOption,
    QuietOption,
)
from photo_score.cli.output import OutputFormat, emit, table_limit
from photo_score.cli.progress import ProgressEvents
from photo_score.inference.registry import resolve_analyzer
from photo_score.pipeline import analyze_paths
from photo_score.report import RunResult, failures_to_errors, rank_entries, summarize
from photo_score.scoring import load_config
from photo_score.settings import get_settings
from photo_score.storage.cache import Cache

EXIT_PARTIAL = 1
EXIT_INTERRUPTED = 130


def score(
    paths: Annotated[list[Path], typer.Argument(help="Folders or photos to score.")],
    analyzer: Annotated[
        str, typer.Option("--analyzer", "-a", help="auto, local, openrouter or cloud.")
    ] = "auto",
    config: ConfigOption = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    limit: LimitOption = 25,
    quiet: QuietOption = False,
) -> int:
    """Score every photo under PATHS and print the ranking, best first."""
    cfg = load_config(config)  # an invalid config is refused before any work starts
    settings = get_settings()
    spec = resolve_analyzer(analyzer, settings)
    with Cache(settings.cache_path) as cache:
        with ProgressEvents(enabled=not quiet) as events:
            report = analyze_paths(
                [str(p) for p in paths], cache=cache, spec=spec, settings=settings, events=events
            )
        ranking = rank_entries(
            report.entries, cache=cache, config=cfg, key=spec.key, limit=table_limit(fmt, limit)
        )
    errors = failures_to_errors(report.failures) + ranking.errors
    summary = summarize(
        ranking,
        errors,
        total=report.discovered,
        analyzer=spec.key.analyzer,
        config=cfg,
        analyzed=report.analyzed,
        cached=report.cached,
        interrupted=report.interrupted,
        elapsed_s=report.elapsed_s,
    )
    emit(RunResult(photos=ranking.photos, errors=errors, summary=summary), fmt, output)
    if report.interrupted:
        return EXIT_INTERRUPTED
    return EXIT_PARTIAL if errors else 0
