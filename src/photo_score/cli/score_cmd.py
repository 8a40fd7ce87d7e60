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
from photo_score.cli.output import OutputFormat, emit
from photo_score.cli.progress import ProgressEvents
from photo_score.cli.xmp_cmd import XmpOption, write_alongside
from photo_score.errors import UsageError
from photo_score.inference.registry import ranking_key, resolve_analyzer
from photo_score.pipeline import analyze_paths, plan_paths
from photo_score.report import ErrorItem, failures_to_errors, rank_entries, summarize
from photo_score.scoring import ScoringConfig
from photo_score.settings import get_settings
from photo_score.storage.cache import AnalyzerKey, Cache
from photo_score.user_config import config_for_run

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
    max_cost: Annotated[
        float | None,
        typer.Option("--max-cost", help="Stop before vision-model spending exceeds this (USD)."),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Say what would be analyzed and its cost; call nothing."),
    ] = False,
    xmp: XmpOption = None,
) -> int:
    """Score every photo under PATHS and print the ranking, best first."""
    settings = get_settings()
    cfg = config_for_run(settings.home, config)  # a bad config is refused before any work
    if max_cost is not None and max_cost < 0:
        raise UsageError("--max-cost must be zero or more")
    with Cache(settings.cache_path) as cache:
        spec = resolve_analyzer(analyzer, settings, cfg, cache, max_cost=max_cost)
        if dry_run:
            _dry_run([str(p) for p in paths], cache, spec.key, cfg)
            return 0
        with ProgressEvents(enabled=not quiet) as events:
            report = analyze_paths(
                [str(p) for p in paths], cache=cache, spec=spec, settings=settings, events=events
            )
        ranking = rank_entries(report.entries, cache=cache, config=cfg, key=ranking_key(spec))
        reason = report.stopped_reason or "interrupted"
        errors = (
            failures_to_errors(report.failures)
            + ranking.errors
            + [ErrorItem(path=p, error=f"not analyzed: {reason}") for p in report.not_analyzed]
        )
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
        emit(ranking, errors, summary, fmt, output, limit)
        sidecar_failed = write_alongside(ranking, xmp)
    if report.stopped_reason:
        typer.echo(f"photo-score: stopped early: {report.stopped_reason}", err=True)
    if report.interrupted:
        return EXIT_INTERRUPTED
    return EXIT_PARTIAL if errors or sidecar_failed else 0


def _dry_run(paths: list[str], cache: Cache, key: AnalyzerKey, cfg: ScoringConfig) -> None:
    plan = plan_paths(paths, cache=cache, key=key)
    n = len(plan.todo)
    line = (
        f"{plan.discovered} photos: {len(plan.hits)} already analyzed, "
        f"{len(plan.failures)} known failures, {n} to analyze with {key.analyzer}"
    )
    if key.analyzer == "openrouter":
        from photo_score.inference.batch import estimate
        from photo_score.inference.client import is_local_url

        settings = get_settings()
        local = settings.vision_endpoint == "local" or (
            settings.vision_endpoint == "auto" and is_local_url(settings.openrouter_base_url)
        )
        calls, cost = estimate(n, cfg, base_url=None if not local else settings.openrouter_base_url)
        line += f": about {calls} calls, at most ${cost:.2f} (a deliberately high estimate)"
    elif key.analyzer == "cloud":
        line += f": at most {n} cloud credits (1 per photo; the local analyzer when they run out)"
    else:
        line += " (free, on this computer)"
    typer.echo(line)
