"""``photo-score xmp``: write each scored photo's rating and label into an XMP sidecar."""

from __future__ import annotations

import dataclasses
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from photo_score.cli.options import ConfigOption, ReportFormat
from photo_score.pipeline import cached_entries
from photo_score.report import Ranking, rank_entries
from photo_score.settings import get_settings
from photo_score.storage.cache import Cache
from photo_score.user_config import config_for_run
from photo_score.xmp import SidecarReport, write_sidecars

EXIT_PARTIAL = 1


class NamingOption(StrEnum):
    adobe = "adobe"
    darktable = "darktable"


XmpOption = Annotated[
    NamingOption | None,
    typer.Option(
        "--xmp",
        help="Also write ratings to XMP sidecars: adobe (IMG.xmp) or darktable (IMG.CR3.xmp); "
        "see photo-score xmp.",
    ),
]


def xmp(
    paths: Annotated[list[Path], typer.Argument(help="Folders or photos already scored.")],
    config: ConfigOption = None,
    naming: Annotated[
        NamingOption,
        typer.Option(
            "--naming",
            help="adobe: IMG_0001.xmp (Lightroom, Capture One, Bridge); "
            "darktable: IMG_0001.CR3.xmp (darktable, digiKam).",
        ),
    ] = NamingOption.adobe,
    overwrite: Annotated[
        bool,
        typer.Option("--overwrite", help="Replace ratings and labels you set by hand too."),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say what would change; write nothing.")
    ] = False,
    fmt: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="table or json.")
    ] = ReportFormat.table,
) -> int:
    """Write ratings and colour labels to XMP sidecars beside the photos.

    Uses the cache only (score first). Photos are never modified; existing sidecars
    keep everything else they hold, and ratings or labels you changed by hand stay.
    """
    settings = get_settings()
    cfg = config_for_run(settings.home, config)
    with Cache(settings.cache_path) as cache:
        entries, failures = cached_entries([str(p) for p in paths], cache=cache)
        ranking = rank_entries(entries, cache=cache, config=cfg)
        report = write_sidecars(
            ranking.marks(), naming=naming.value, overwrite=overwrite, dry_run=dry_run
        )
    skipped = [(f.path, f.error) for f in failures] + [(e.path, e.error) for e in ranking.errors]
    if fmt is ReportFormat.json:
        typer.echo(json.dumps(_as_json(report, skipped, dry_run), ensure_ascii=True, indent=1))
    else:
        _print(report, skipped, dry_run)
    return EXIT_PARTIAL if report.failures or skipped else 0


def _as_json(report: SidecarReport, skipped: list[tuple[str, str]], dry_run: bool) -> object:
    return {
        "sidecars": [dataclasses.asdict(o) for o in report.outcomes],
        "not_scored": [{"path": p, "error": e} for p, e in skipped],
        "summary": {
            "dry_run": dry_run,
            **report.counts().model_dump(),
            "not_scored": len(skipped),
        },
    }


def summary_line(report: SidecarReport, *, dry_run: bool = False) -> str:
    """One line for what a writing pass did (``score --xmp`` prints it too)."""
    c = report.counts()
    written = c.created + c.updated
    line = (
        f"{'would write' if dry_run else 'wrote'} {written} sidecar{'' if written == 1 else 's'} "
        f"({c.created} new, {c.updated} updated); {c.unchanged} already up to date"
    )
    if c.kept:
        line += f"; kept your own rating or label in {c.kept}"
    if c.skipped:
        line += f"; {c.skipped} JPEG twins of raw files share their sidecar"
    return line


def write_alongside(ranking: Ranking, naming: NamingOption | None) -> bool:
    """``score``/``rescore --xmp``: write the run's sidecars and say so on stderr (stdout
    may be the JSON contract). True when a sidecar failed."""
    if naming is None:
        return False
    report = write_sidecars(ranking.marks(), naming=naming.value)
    typer.echo(f"photo-score: {summary_line(report)}", err=True)
    print_failures(report)
    return bool(report.failures)


def print_failures(report: SidecarReport) -> None:
    for o in report.failures:
        typer.echo(f"  failed  {o.photo}: {o.error}", err=True)


def _print(report: SidecarReport, skipped: list[tuple[str, str]], dry_run: bool) -> None:
    typer.echo(summary_line(report, dry_run=dry_run))
    print_failures(report)
    for path, error in skipped:
        typer.echo(f"  not scored {path}: {error}", err=True)
