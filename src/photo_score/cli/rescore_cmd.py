"""``photo-score rescore``: re-rank from the cache with a (new) config; never calls a model."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from photo_score.cli.options import ConfigOption, FormatOption, LimitOption, OutputOption
from photo_score.cli.output import OutputFormat, emit
from photo_score.cli.xmp_cmd import XmpOption, write_alongside
from photo_score.pipeline import cached_entries
from photo_score.report import failures_to_errors, rank_entries, summarize
from photo_score.settings import get_settings
from photo_score.storage.cache import Cache
from photo_score.user_config import config_for_run

EXIT_PARTIAL = 1


def rescore(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Folders or photos (default: the whole cache).")
    ] = None,
    config: ConfigOption = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    limit: LimitOption = 25,
    xmp: XmpOption = None,
) -> int:
    """Re-score cached photos with a config, instantly, without analyzing anything."""
    started = time.perf_counter()
    settings = get_settings()
    cfg = config_for_run(settings.home, config)
    with Cache(settings.cache_path) as cache:
        entries, failures = cached_entries([str(p) for p in paths] if paths else None, cache=cache)
        ranking = rank_entries(entries, cache=cache, config=cfg)
        errors = failures_to_errors(failures) + ranking.errors
        summary = summarize(
            ranking,
            errors,
            total=len(entries) + len(failures),
            analyzer="cache",
            config=cfg,
            cached=len(entries),
            elapsed_s=time.perf_counter() - started,
        )
        emit(ranking, errors, summary, fmt, output, limit)
        sidecar_failed = write_alongside(ranking, xmp)
    return EXIT_PARTIAL if errors or sidecar_failed else 0
