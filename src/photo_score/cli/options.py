"""Options shared by several commands, declared once."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from photo_score.cli.output import OutputFormat

ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        "-c",
        help="Scoring config (YAML). Default: the active one (saved in the app or by "
        "`photo-score config use`), else the built-in one; `default` forces the built-in one.",
    ),
]
FormatOption = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="table, json (stable contract) or csv.")
]
OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write the result to this file.")
]
LimitOption = Annotated[
    int, typer.Option("--limit", help="Table rows to show (0 = all). JSON and CSV list all.")
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]


class ReportFormat(StrEnum):
    """``--format`` of the commands whose report is not a ranking (``xmp``, ``taste``)."""

    table = "table"
    json = "json"
